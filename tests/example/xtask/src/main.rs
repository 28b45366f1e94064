//! `cargo xtask gen [--check]`, `cargo xtask check-schemas`, `cargo xtask compat`.
fn main() -> std::process::ExitCode {
    tidings_cli::project::run::<shop_contracts::ShopEventPayload>(tidings_cli::project::CONFIG_FILE)
}
