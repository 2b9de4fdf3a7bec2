//! `speaker`: the rustbgpd BGP speaker (the sidecar that peers with edge routers).
//!
//! For now it holds the typed, validated configuration ([`config`]) and the command-line
//! front end of the `rustbgpd` binary ([`cli`]); sessions, RIB and gRPC come later.

pub mod cli;
pub mod config;
