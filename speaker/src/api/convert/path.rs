//! Unicast paths: `AddPathRequest` → [`InjectPath`], delete selectors, listing.

use std::net::IpAddr;

use bgp_wire::attribute::{AsPath, Origin, PathAttributes};
use bgpd_api::v1::{AddPathRequest, DeletePathRequest, InjectedPath, ListPathsRequest};
use ipnet::IpNet;

use super::{
    UNICAST, client_id, communities, extended_communities, large_communities, neighbors,
    optional_family, optional_ip, optional_prefix, page_size, prefix,
};
use crate::api::error::FieldError;
use crate::command::{InjectPath, InjectedPathView, ListQuery, PathSelector};

/// Most copies `as_path_prepend.count` may ask for.
const MAX_PREPEND: u32 = 16;

/// What path conversion needs to know about the speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathContext {
    /// The local AS, for `as_path_prepend.asn = 0`.
    pub local_asn: u32,
}

/// The id of a path submitted without one: its key, `"<prefix>#<path_id>"`, e.g.
/// `"203.0.113.10/32#0"`. Repeating the same add therefore hits the same object.
pub fn derived_path_id(prefix: &IpNet, path_id: u32) -> String {
    format!("{prefix}#{path_id}")
}

/// Validates an `AddPathRequest` and builds the domain path.
pub fn to_inject_path(req: &AddPathRequest, ctx: PathContext) -> Result<InjectPath, FieldError> {
    client_id("id", &req.id)?;
    let prefix = prefix("prefix", &req.prefix)?;
    let next_hop = next_hop(&req.next_hop, &prefix)?;
    let attrs = attributes(req, ctx)?;
    let neighbors = neighbors("neighbors", &req.neighbors)?;
    let id = if req.id.is_empty() {
        derived_path_id(&prefix, req.path_id)
    } else {
        req.id.clone()
    };
    let spec = AddPathRequest {
        id: id.clone(),
        ..req.clone()
    };
    Ok(InjectPath {
        id,
        prefix,
        path_id: req.path_id,
        next_hop,
        attrs,
        neighbors,
        description: req.description.clone(),
        spec,
    })
}

/// The next hop: an address usable as one, not IPv6 for an IPv4 prefix (an IPv4 next hop
/// for an IPv6 prefix is fine: RFC 8950).
fn next_hop(text: &str, prefix: &IpNet) -> Result<Option<IpAddr>, FieldError> {
    let Some(nh) = optional_ip("next_hop", text)? else {
        return Ok(None);
    };
    if nh.is_unspecified() || nh.is_multicast() {
        return Err(FieldError::new(
            "next_hop",
            format!("{nh} is not a usable next hop"),
        ));
    }
    if matches!((prefix, nh), (IpNet::V4(_), IpAddr::V6(_))) {
        return Err(FieldError::new(
            "next_hop",
            "IPv6 next hop for an IPv4 prefix",
        ));
    }
    Ok(Some(nh))
}

/// ORIGIN, AS_PATH (with prepending), MED, LOCAL_PREF and communities.
fn attributes(req: &AddPathRequest, ctx: PathContext) -> Result<PathAttributes, FieldError> {
    Ok(PathAttributes {
        origin: Some(origin(&req.origin)?),
        as_path: Some(as_path(req, ctx)?),
        med: req.med,
        local_pref: req.local_pref,
        communities: communities("communities", &req.communities)?,
        large_communities: large_communities("large_communities", &req.large_communities)?,
        extended_communities: extended_communities(
            "extended_communities",
            &req.extended_communities,
        )?,
        ..PathAttributes::default()
    })
}

/// `"igp"` (or empty), `"egp"`, `"incomplete"`.
pub fn origin(text: &str) -> Result<Origin, FieldError> {
    match text.to_ascii_lowercase().as_str() {
        "" | "igp" => Ok(Origin::Igp),
        "egp" => Ok(Origin::Egp),
        "incomplete" => Ok(Origin::Incomplete),
        _ => Err(FieldError::new(
            "origin",
            format!("{text:?} is not one of igp, egp, incomplete"),
        )),
    }
}

/// One AS_SEQUENCE: the prepended copies first (they sit nearer to us), then `as_path`.
fn as_path(req: &AddPathRequest, ctx: PathContext) -> Result<AsPath, FieldError> {
    if let Some(i) = req.as_path.iter().position(|&asn| asn == 0) {
        return Err(FieldError::new("as_path", "AS 0 is reserved (RFC 7607)").at(i));
    }
    let mut asns = Vec::with_capacity(req.as_path.len());
    if let Some(p) = &req.as_path_prepend {
        if !(1..=MAX_PREPEND).contains(&p.count) {
            let reason = format!("{} is out of range (expected 1..={MAX_PREPEND})", p.count);
            return Err(FieldError::new("as_path_prepend.count", reason));
        }
        let asn = if p.asn == 0 { ctx.local_asn } else { p.asn };
        asns.extend(std::iter::repeat_n(asn, p.count as usize));
    }
    asns.extend_from_slice(&req.as_path);
    Ok(AsPath::from_sequence(asns))
}

/// `DeletePathRequest` → selector: by id, or by prefix (and optional path id).
pub fn to_path_selector(req: &DeletePathRequest) -> Result<PathSelector, FieldError> {
    if !req.id.is_empty() {
        return Ok(PathSelector::Id(req.id.clone()));
    }
    if req.prefix.trim().is_empty() {
        return Err(FieldError::new("prefix", "required when id is empty"));
    }
    Ok(PathSelector::Prefix {
        prefix: prefix("prefix", &req.prefix)?,
        path_id: req.path_id,
    })
}

/// `ListPathsRequest` → query.
pub fn to_list_query(req: &ListPathsRequest) -> Result<ListQuery, FieldError> {
    Ok(ListQuery {
        family: optional_family("family", &req.family, &UNICAST)?,
        prefix: optional_prefix("prefix", &req.prefix)?,
        page_size: page_size(req.page_size),
        page_token: req.page_token.clone(),
    })
}

/// A stored path, as listed: the submitted spec and its status.
pub fn to_injected_path(view: InjectedPathView) -> InjectedPath {
    InjectedPath {
        spec: Some(view.spec),
        status: Some(super::route::injection_status(&view.status)),
    }
}

#[cfg(test)]
mod tests;
