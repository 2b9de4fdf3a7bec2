//! `speaker`: the rustbgpd BGP speaker, the sidecar that peers with edge routers and announces
//! what the operator asks for over gRPC. `main.rs` is thin; everything lives in these modules:
//!
//! - [`config`]: the TOML configuration, typed and validated with line-numbered errors.
//! - [`cli`]: the `rustbgpd` command line (`--check`, `--help`).
//! - [`fsm`]: the pure RFC 4271 session state machine.
//! - [`command`]: the typed commands the API sends to the speaker core, and [`command::SpeakerHandle`].
//! - [`api`]: the gRPC services: proto ⇄ domain conversion, validation, auth, metrics.
//! - [`telemetry`]: logs, Prometheus metrics and the `/metrics` endpoint.

pub mod api;
pub mod cli;
pub mod command;
pub mod config;
pub mod fsm;
pub mod telemetry;
