//! Injected objects: unicast paths and FlowSpec rules added through the API.

use std::net::IpAddr;
use std::time::SystemTime;

use bgp_wire::attribute::PathAttributes;
use bgp_wire::nlri::flowspec::FlowSpecNlri;
use ipnet::IpNet;

use crate::config::Family;

/// One unicast path to announce, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectPath {
    /// The client's id, or one derived from `(prefix, path_id)` (see
    /// [`derived_path_id`](crate::api::convert::path::derived_path_id)).
    pub id: String,
    /// Host bits are zero.
    pub prefix: IpNet,
    /// Local ADD-PATH identifier (RFC 7911); 0 without ADD-PATH.
    pub path_id: u32,
    /// `None`: next-hop self (the local address of each session).
    pub next_hop: Option<IpAddr>,
    /// ORIGIN, AS_PATH, MED, LOCAL_PREF and the three community lists. NEXT_HOP is left
    /// unset here (it lives in `next_hop`, whatever the family).
    pub attrs: PathAttributes,
    /// Neighbors to announce to; empty: all that negotiated the prefix's family.
    pub neighbors: Vec<IpAddr>,
    /// Free text kept with the object, never sent in BGP.
    pub description: String,
    /// The request as submitted, id filled in: what `ListPaths` returns and what a core
    /// may persist (communities keep the client's spelling, e.g. "65535:666").
    pub spec: bgpd_api::v1::AddPathRequest,
}

/// One FlowSpec rule to announce, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectFlowSpec {
    /// The client's id, or one derived from `(family, rule)`.
    pub id: String,
    /// `Ipv4FlowSpec` or `Ipv6FlowSpec`, agreeing with `rule`.
    pub family: Family,
    pub rule: FlowSpecNlri,
    /// The actions encoded as extended communities, plus the client's extra
    /// communities of all three kinds.
    pub attrs: PathAttributes,
    /// Next hop for a redirect-to-IP action (RFC 7674 / draft-ietf-idr-flowspec-redirect-ip).
    pub redirect_next_hop: Option<IpAddr>,
    /// Neighbors to announce to; empty: all that negotiated the family.
    pub neighbors: Vec<IpAddr>,
    pub description: String,
    /// The request as submitted, id filled in (see [`InjectPath::spec`]).
    pub spec: bgpd_api::v1::AddFlowSpecRequest,
}

/// Result of adding one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectOutcome {
    /// The id the object is stored under.
    pub id: String,
    /// True if a stored object with this id was replaced by a different one.
    pub replaced: bool,
}

/// Which injected paths to withdraw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSelector {
    Id(String),
    /// Every injected path for the prefix, or only the one with `path_id`.
    Prefix {
        prefix: IpNet,
        path_id: Option<u32>,
    },
}

/// Which injected FlowSpec rules to withdraw.
#[derive(Debug, Clone, PartialEq)]
pub enum FlowSpecSelector {
    Id(String),
    /// Every injected rule whose match part equals `rule`.
    Rule {
        family: Family,
        rule: FlowSpecNlri,
    },
}

/// A filtered, paginated listing of injected objects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// Only this family; `None`: the two unicast (or FlowSpec) families.
    pub family: Option<Family>,
    /// Only this exact prefix (paths only).
    pub prefix: Option<IpNet>,
    /// At least 1; the API layer applies the default and the cap.
    pub page_size: usize,
    /// Opaque token from a previous page; empty for the first page.
    pub page_token: String,
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Empty when the listing is complete.
    pub next_page_token: String,
}

/// What the speaker is doing with an injected object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectionStatus {
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    /// Neighbors the object is currently advertised to.
    pub advertised_to: Vec<IpAddr>,
}

/// One stored injected path, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectedPathView {
    /// The request as submitted (id filled in).
    pub spec: bgpd_api::v1::AddPathRequest,
    pub status: InjectionStatus,
}

/// One stored injected FlowSpec rule, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct InjectedFlowSpecView {
    pub rule: InjectFlowSpec,
    pub status: InjectionStatus,
}
