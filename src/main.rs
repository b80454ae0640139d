//! `gip`: the one binary of GIP Search. Each subcommand wires one crate.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
