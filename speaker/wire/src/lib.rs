//! `bgp-wire`: the BGP-4 wire codec of the rustbgpd speaker.
//!
//! Pure and synchronous (no sockets, no tokio) so that it can be fuzzed, benchmarked and
//! property-tested on its own. Everything here turns bytes into typed messages and back:
//!
//! - [`message`]: the five message types and the 19-octet header framing.
//! - [`capability`]: OPEN capabilities (RFC 5492 and friends).
//! - [`attribute`]: path attributes, communities of all three kinds, MP_REACH/MP_UNREACH.
//! - [`nlri`]: unicast prefixes (with Add-Path ids) and FlowSpec rules (RFC 8955/8956).
//! - [`pack`]: packing many prefixes into as few UPDATEs as the negotiated size allows.
//! - [`error`]: every decode error carries what RFC 4271 / RFC 7606 say to do about it.
//!
//! Decoding never panics and never allocates from a length it has not checked against the
//! bytes actually present.

pub mod afi;
pub mod attribute;
pub mod capability;
pub mod context;
pub mod error;
pub mod message;
pub mod nlri;
pub mod pack;
pub mod reader;

pub use afi::{Afi, AfiSafi, Safi};
pub use context::CodecContext;
pub use error::{DecodeError, ErrorAction, ErrorKind};
pub use message::Message;
