//! `speaker`: the rustbgpd BGP speaker, the sidecar that peers with edge routers and announces
//! what the operator asks for over gRPC. `main.rs` is thin; everything lives in these modules:
//!
//! - [`config`]: the TOML configuration, typed and validated with line-numbered errors.
//! - [`cli`]: the `rustbgpd` command line (`--check`, `--help`).
//! - [`fsm`]: the pure RFC 4271 session state machine.
//! - [`command`]: the typed commands the API sends to the speaker core, and [`command::SpeakerHandle`].
//! - [`api`]: the gRPC services: proto ⇄ domain conversion, validation, auth, metrics.
//! - [`peer`]: per-neighbor session tasks: TCP (MD5, TTL), framing, timers, driving the FSM.
//! - [`daemon`]: wires config, sessions, the RIB core task, gRPC and metrics; graceful shutdown.
//! - [`telemetry`]: logs, Prometheus metrics and the `/metrics` endpoint.
//! - [`policy`]: the pure route-policy engine (sets, policies, chains, explain).
//! - [`rib`]: the pure RIB (Adj-RIB-In, Loc-RIB, Adj-RIB-Out, injected paths, FlowSpec).

pub mod api;
pub mod cli;
pub mod command;
pub mod config;
pub mod daemon;
pub mod fsm;
pub mod peer;
pub mod policy;
pub mod rib;
pub mod telemetry;
