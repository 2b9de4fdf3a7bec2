//! Per-neighbor BGP sessions over TCP. Work in progress: see [`transport`].

pub mod transport;
