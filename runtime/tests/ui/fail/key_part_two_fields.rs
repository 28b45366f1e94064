#[derive(tidings::KeyPart)]
struct JobKey(String, u32);

fn main() {}
