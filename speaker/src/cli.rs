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

/// What `main` does next.
#[derive(Debug)]
pub enum Outcome {
    /// Exit now with this status (`--check`, or an invalid config).
    Exit(u8),
    /// Run the daemon with this validated configuration.
    Run(Box<Config>),
}

/// Loads the config; with `--check` reports on it. Writes results to `out` and errors to
/// `err`.
pub fn prepare(cli: &Cli, out: &mut dyn Write, err: &mut dyn Write) -> Outcome {
    let config = match config::load(&cli.config) {
        Ok(config) => config,
        Err(errors) => {
            // Failing to print is not worth a panic; the exit status still tells.
            let _ = writeln!(err, "{errors}");
            return Outcome::Exit(EXIT_INVALID);
        }
    };
    if !cli.check {
        let _ = writeln!(err, "{}", summary(&config));
        return Outcome::Run(Box::new(config));
    }
    let n = config.neighbors.len();
    let _ = writeln!(out, "{}: OK ({n} {})", cli.config.display(), plural(n));
    Outcome::Exit(EXIT_OK)
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
        "rustbgpd: AS{} router-id {}, {listen}, {n} {}",
        g.asn,
        g.router_id,
        plural(n)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "neighbor" } else { "neighbors" }
}
