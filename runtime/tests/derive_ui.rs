//! Every misuse of `#[derive(Event)]` fails to compile with a message that points at the
//! offending token. The expected messages are the `.stderr` files next to each case.

#[test]
fn misuses_are_rejected_with_spans() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/fail/*.rs");
}
