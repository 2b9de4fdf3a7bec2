//! What a daemon should be: its own address/AS/port, and the neighbors it peers with.

use std::net::{IpAddr, Ipv4Addr};

use crate::addr;
use crate::attrs::Origin;

/// The local side of one daemon instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerSpec {
    /// Address the daemon binds (BGP listen and outgoing connections).
    pub local_addr: IpAddr,
    pub local_as: u32,
    pub router_id: Ipv4Addr,
    /// BGP listen port.
    pub port: u16,
}

impl PeerSpec {
    /// A fresh `127.a.b.c` (also the router id) and a free port on it.
    pub fn loopback_v4(local_as: u32) -> crate::Result<Self> {
        let ip = addr::next_loopback_v4();
        Ok(PeerSpec {
            local_addr: IpAddr::V4(ip),
            local_as,
            router_id: ip,
            port: addr::free_port(IpAddr::V4(ip))?,
        })
    }

    /// `::1` with a free port (the only IPv6 loopback); router id from the v4 allocator.
    pub fn loopback_v6(local_as: u32) -> crate::Result<Self> {
        let ip = IpAddr::V6(addr::LOOPBACK_V6);
        Ok(PeerSpec {
            local_addr: ip,
            local_as,
            router_id: addr::next_loopback_v4(),
            port: addr::free_port(ip)?,
        })
    }

    /// How another daemon should configure this one as its neighbor (dials our port, all families).
    pub fn as_neighbor(&self) -> NeighborSpec {
        NeighborSpec {
            addr: self.local_addr,
            remote_as: self.local_as,
            port: self.port,
            passive: false,
            md5: None,
            families: Family::ALL.to_vec(),
        }
    }
}

/// One configured neighbor of a daemon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NeighborSpec {
    pub addr: IpAddr,
    pub remote_as: u32,
    /// The neighbor's port, used when we dial it.
    pub port: u16,
    /// Never dial this neighbor; wait for it to connect.
    pub passive: bool,
    /// TCP MD5 (RFC 2385) password.
    pub md5: Option<String>,
    pub families: Vec<Family>,
}

impl NeighborSpec {
    /// Wait for the neighbor to dial us (use on the GoBGP side: GoBGP 3.10 dials only after ~5 s).
    pub fn passive(mut self) -> Self {
        self.passive = true;
        self
    }

    pub fn md5(mut self, password: &str) -> Self {
        self.md5 = Some(password.to_string());
        self
    }

    pub fn families(mut self, families: &[Family]) -> Self {
        self.families = families.to_vec();
        self
    }
}

/// The address families the harness can configure on a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Ipv4Unicast,
    Ipv6Unicast,
    Ipv4FlowSpec,
    Ipv6FlowSpec,
}

impl Family {
    pub const ALL: [Family; 4] = [
        Family::Ipv4Unicast,
        Family::Ipv6Unicast,
        Family::Ipv4FlowSpec,
        Family::Ipv6FlowSpec,
    ];

    pub fn is_v6(self) -> bool {
        matches!(self, Family::Ipv6Unicast | Family::Ipv6FlowSpec)
    }

    pub fn is_flowspec(self) -> bool {
        matches!(self, Family::Ipv4FlowSpec | Family::Ipv6FlowSpec)
    }
}

/// A unicast route to originate (GoBGP CLI, BIRD static + export filter, FRR `network` + route-map).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnicastRoute {
    /// e.g. "203.0.113.0/24"
    pub prefix: String,
    /// Use 192.0.2.x / 2001:db8::x: GoBGP 3.10 drops 127.x IPv4 next hops.
    pub next_hop: IpAddr,
    /// AS_PATH as originated; over eBGP the originator puts its own AS in front (empty: just that AS).
    pub as_path: Vec<u32>,
    pub origin: Option<Origin>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub communities: Vec<(u16, u16)>,
    pub large_communities: Vec<(u32, u32, u32)>,
}

impl UnicastRoute {
    pub fn new(prefix: &str, next_hop: IpAddr) -> Self {
        UnicastRoute {
            prefix: prefix.to_string(),
            next_hop,
            as_path: Vec::new(),
            origin: None,
            med: None,
            local_pref: None,
            communities: Vec::new(),
            large_communities: Vec::new(),
        }
    }

    pub fn is_v6(&self) -> bool {
        self.prefix.contains(':')
    }
}
