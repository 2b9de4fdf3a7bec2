//! The `rustbgpd` binary: parses arguments, then either checks the config or runs the
//! daemon until SIGTERM/SIGINT (see [`speaker::daemon`]).

use std::process::ExitCode;

use clap::Parser;
use speaker::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli::prepare(&cli, &mut std::io::stdout(), &mut std::io::stderr()) {
        Outcome::Exit(status) => return ExitCode::from(status),
        Outcome::Run(config) => config,
    };
    speaker::telemetry::logging::init(config.global.telemetry.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rustbgpd: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(speaker::daemon::run(*config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rustbgpd: {e}");
            ExitCode::FAILURE
        }
    }
}
