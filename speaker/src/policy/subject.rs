//! The route being evaluated: what does not change (family, prefix, neighbor, source) and
//! the working copy of its attributes and next hop, copied on the first change only.

use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

use bgp_wire::AfiSafi;
use bgp_wire::attribute::{MpNextHop, PathAttributes};
use ipnet::IpNet;

use super::model::NextHopAction;
use crate::rib::Path;

/// The fixed facts about a route under evaluation.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub family: AfiSafi,
    /// `None` for FlowSpec rules (prefix conditions then never hold).
    pub prefix: Option<IpNet>,
    /// Import: the neighbor it came from; export: the neighbor it goes to.
    pub neighbor: IpAddr,
    pub path: &'a Path,
    /// Our AS on the session (prepend of the local AS).
    pub local_asn: u32,
}

/// The attributes as modified so far.
#[derive(Debug)]
pub struct Work {
    pub attrs: Arc<PathAttributes>,
    /// The next hop matched by later statements (the path's until an action sets one).
    pub next_hop: Option<IpAddr>,
    pub next_hop_action: Option<NextHopAction>,
    /// Set by an action (kept on eBGP export, where a received MED is dropped).
    pub med_set: bool,
    pub changed: bool,
    as_path_text: OnceCell<String>,
}

impl Work {
    pub fn new(path: &Path) -> Self {
        Work {
            attrs: path.attrs.clone(),
            next_hop: next_hop_ip(&path.next_hop).or(path.attrs.next_hop.map(IpAddr::V4)),
            next_hop_action: None,
            med_set: false,
            changed: false,
            as_path_text: OnceCell::new(),
        }
    }

    /// The attributes for writing (copied from the shared set on first use).
    pub fn attrs_mut(&mut self) -> &mut PathAttributes {
        self.changed = true;
        Arc::make_mut(&mut self.attrs)
    }

    /// The AS path as text for regular expressions, computed once per version.
    pub fn as_path_text(&self) -> &str {
        self.as_path_text.get_or_init(|| {
            self.attrs
                .as_path
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default()
        })
    }

    /// After the AS path changed.
    pub fn as_path_changed(&mut self) {
        self.as_path_text = OnceCell::new();
    }
}

/// The address of a next hop (the global one of a link-local pair).
pub fn next_hop_ip(nh: &MpNextHop) -> Option<IpAddr> {
    match nh {
        MpNextHop::Ipv4(a) => Some(IpAddr::V4(*a)),
        MpNextHop::Ipv6(a) => Some(IpAddr::V6(*a)),
        MpNextHop::Ipv6LinkLocal { global, .. } => Some(IpAddr::V6(*global)),
        MpNextHop::Empty | MpNextHop::Other(_) => None,
    }
}
