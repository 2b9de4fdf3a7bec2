//! The `rustbgpd` binary: parses arguments and hands off to [`speaker::cli`].

use std::process::ExitCode;

use clap::Parser;
use speaker::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = cli::run(&cli, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(status)
}
