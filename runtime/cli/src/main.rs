//! The `tidings` binary: a thin shell over the `tidings_cli` library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    tidings_cli::main(tidings_cli::Cli::parse())
}
