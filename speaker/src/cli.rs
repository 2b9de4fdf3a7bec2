//! Command line of the `rustbgpd` binary.

use std::io::Write;
use std::path::PathBuf;

use clap::Parser;

use crate::config::{self, Config};

/// rustbgpd: an API-first BGP speaker for FlowSpec and route injection.
#[derive(Debug, Parser)]
#[command(name = "rustbgpd", version)]
pub struct Cli {
    /// Path to the TOML configuration file.
    #[arg(value_name = "CONFIG.toml")]
    pub config: PathBuf,

    /// Validate the configuration, print every error found, and exit (0 = valid, 1 = not).
    #[arg(long)]
    pub check: bool,
}

/// Exit status: the config was valid.
pub const EXIT_OK: u8 = 0;
/// Exit status: the config could not be loaded or is invalid.
pub const EXIT_INVALID: u8 = 1;

/// Runs the command, writing results to `out` and errors to `err`; returns the exit status.
pub fn run(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let config = match config::load(&cli.config) {
        Ok(config) => config,
        Err(errors) => {
            // Failing to print is not worth a panic; the exit status still tells.
            let _ = writeln!(err, "{errors}");
            return EXIT_INVALID;
        }
    };
    let line = if cli.check {
        let n = config.neighbors.len();
        format!("{}: OK ({n} {})", cli.config.display(), plural(n))
    } else {
        // The daemon itself (sessions, RIB, gRPC) is built later; for now a run only
        // proves the config loads.
        summary(&config)
    };
    let _ = writeln!(out, "{line}");
    EXIT_OK
}

/// A one-line description of what the speaker would run.
pub fn summary(config: &Config) -> String {
    let g = &config.global;
    let listen = match g.listen_port {
        Some(port) => format!("listening on port {port}"),
        None => "not listening".to_owned(),
    };
    let n = config.neighbors.len();
    format!(
        "rustbgpd: AS{} router-id {}, {listen}, {n} {} (daemon not implemented yet)",
        g.asn,
        g.router_id,
        plural(n)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "neighbor" } else { "neighbors" }
}
