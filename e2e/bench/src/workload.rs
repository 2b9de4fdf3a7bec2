//! The injected workload, identical for both speakers: `routes` IPv4 unicast routes and
//! `flows` IPv4 FlowSpec rules.
//!
//! Routes: distinct /25s carved from 10.0.0.0/8 (room for 131072), next hop 192.0.2.1..8 and
//! community 65000:100..107 rotating with the index (so 8 attribute sets, as a realistic
//! table would pack into several UPDATE groups). Rules: destination 198.18.x.y/32 (RFC 2544
//! benchmarking range, room for 131072), protocol UDP, destination port 53, traffic-rate
//! 1.25 MB/s. These are only NLRI values on loopback sessions: no traffic goes anywhere.

use std::net::Ipv4Addr;

pub const MAX_ROUTES: usize = 1 << 17;
pub const MAX_FLOWS: usize = 1 << 17;

/// Route `i`: (network address, prefix length).
pub fn route_prefix(i: usize) -> (Ipv4Addr, u8) {
    let base = u32::from(Ipv4Addr::new(10, 0, 0, 0));
    (Ipv4Addr::from(base + (i as u32) * 128), 25)
}

pub fn next_hop(i: usize) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, 1 + (i % 8) as u8)
}

/// Community of route `i` as (ASN, value).
pub fn community(i: usize) -> (u16, u16) {
    (65000, 100 + (i % 8) as u16)
}

/// Destination of rule `i` (a /32).
pub fn flow_destination(i: usize) -> Ipv4Addr {
    let base = u32::from(Ipv4Addr::new(198, 18, 0, 0));
    Ipv4Addr::from(base + i as u32)
}

pub const FLOW_PROTOCOL: u32 = 17;
pub const FLOW_PORT: u32 = 53;
/// Traffic-rate action, bytes per second.
pub const FLOW_RATE: f32 = 1_250_000.0;
