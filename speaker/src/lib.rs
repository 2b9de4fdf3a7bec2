//! `speaker`: the rustbgpd BGP speaker, the sidecar that peers with edge routers and announces
//! what the operator asks for over gRPC. `main.rs` is thin; everything lives in these modules:
//!
//! - [`config`]: the TOML configuration, typed and validated with line-numbered errors.
//! - [`cli`]: the `rustbgpd` command line (`--check`, `--help`).
//! - [`fsm`]: the pure RFC 4271 session state machine.
//! - [`rib`]: the pure RIB (Adj-RIB-In, Loc-RIB, Adj-RIB-Out, injected paths, FlowSpec).

pub mod cli;
pub mod config;
pub mod fsm;
pub mod rib;
