//! Parsers for `gobgp -j` output: neighbors, and RIB paths with attributes and FlowSpec NLRI.

use std::net::IpAddr;

use serde_json::Value;

use crate::attrs::{FlowAction, Origin, SessionState};
use crate::{Error, Result};

/// One path from gobgp's JSON RIB output.
#[derive(Clone, Debug, PartialEq)]
pub struct GoRoute {
    /// The RIB key: the prefix for unicast, gobgp's text form of the rule for FlowSpec
    /// (e.g. `[destination: 192.0.2.0/24][protocol: ==tcp]`).
    pub prefix: String,
    pub best: bool,
    /// The peer it came from (`neighbor-ip`); `None` for locally injected paths.
    pub neighbor: Option<IpAddr>,
    /// NEXT_HOP, or the MP_REACH next hop (IPv6, FlowSpec: 0.0.0.0 / ::).
    pub next_hop: Option<IpAddr>,
    /// AS_PATH flattened over its segments.
    pub as_path: Vec<u32>,
    pub origin: Option<Origin>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub communities: Vec<(u16, u16)>,
    pub large_communities: Vec<(u32, u32, u32)>,
    pub ext_communities: Vec<GoExtCommunity>,
    /// FlowSpec match components in NLRI order; empty for unicast.
    pub flowspec: Vec<GoFlowComponent>,
}

impl GoRoute {
    /// The FlowSpec actions among the extended communities.
    pub fn flow_actions(&self) -> Vec<FlowAction> {
        self.ext_communities
            .iter()
            .filter_map(|c| match c {
                GoExtCommunity::Flow(a) => Some(*a),
                GoExtCommunity::Other(_) => None,
            })
            .collect()
    }

    /// The FlowSpec component of `kind` (1 dst, 2 src, 3 proto, 5 dport, ...), if present.
    pub fn component(&self, kind: u8) -> Option<&GoFlowComponent> {
        self.flowspec.iter().find(|c| c.kind == kind)
    }
}

/// An extended community as gobgp's JSON gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum GoExtCommunity {
    Flow(FlowAction),
    /// Anything else, kept as gobgp printed it.
    Other(Value),
}

/// One FlowSpec component: a prefix (types 1, 2) or a list of (operator byte, value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoFlowComponent {
    pub kind: u8,
    pub prefix: Option<String>,
    /// IPv6 prefix offset (RFC 8956).
    pub offset: Option<u8>,
    pub ops: Vec<(u8, u64)>,
}

pub(crate) fn parse_json(what: &str, out: &str) -> Result<Value> {
    let trimmed = out.trim();
    if trimmed.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(trimmed).map_err(|source| Error::Json {
        what: what.to_string(),
        source,
        output: out.to_string(),
    })
}

fn bad(what: &str, v: &Value) -> Error {
    Error::parse(format!("gobgp JSON {what}"), v.to_string())
}

fn u64_of(v: &Value, key: &str) -> Result<u64> {
    v.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(key, v))
}

fn u32_of(v: &Value, key: &str) -> Result<u32> {
    u32::try_from(u64_of(v, key)?).map_err(|_| bad(key, v))
}

fn ip_of(v: &Value, key: &str) -> Result<IpAddr> {
    v.get(key)
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(key, v))
}

pub(crate) fn neighbor_state_in(v: &Value, neighbor: IpAddr) -> Result<SessionState> {
    let list = v.as_array().ok_or_else(|| bad("neighbor list", v))?;
    for n in list {
        let conf = n.get("conf").unwrap_or(&Value::Null);
        if ip_of(conf, "neighbor_address").ok() == Some(neighbor) {
            // proto3 JSON omits zero values: no session_state means UNKNOWN.
            let code = n
                .get("state")
                .and_then(|s| s.get("session_state"))
                .and_then(Value::as_u64)
                .unwrap_or(0);
            return Ok(SessionState::from_gobgp_code(code));
        }
    }
    Err(Error::parse(
        format!("gobgp neighbor {neighbor} (not configured)"),
        v.to_string(),
    ))
}

/// Parses `gobgp -j global rib` / `adj-in` output: `{ key: [path, ...], ... }` (or nothing when empty).
pub fn parse_rib(v: &Value) -> Result<Vec<GoRoute>> {
    let mut out = Vec::new();
    let Some(map) = v.as_object() else {
        return if v.is_null() {
            Ok(out)
        } else {
            Err(bad("rib", v))
        };
    };
    for (key, paths) in map {
        let paths = paths.as_array().ok_or_else(|| bad("paths", paths))?;
        for p in paths {
            out.push(parse_path(key, p)?);
        }
    }
    Ok(out)
}

fn parse_path(key: &str, p: &Value) -> Result<GoRoute> {
    let mut r = GoRoute {
        prefix: key.to_string(),
        best: p.get("best").and_then(Value::as_bool).unwrap_or(false),
        neighbor: ip_of(p, "neighbor-ip").ok(),
        next_hop: None,
        as_path: Vec::new(),
        origin: None,
        med: None,
        local_pref: None,
        communities: Vec::new(),
        large_communities: Vec::new(),
        ext_communities: Vec::new(),
        flowspec: Vec::new(),
    };
    if let Some(comps) = p.get("nlri").and_then(|n| n.get("value")) {
        let comps = comps
            .as_array()
            .ok_or_else(|| bad("flowspec nlri", comps))?;
        r.flowspec = comps.iter().map(parse_component).collect::<Result<_>>()?;
    }
    let attrs = p.get("attrs").and_then(Value::as_array);
    for a in attrs.into_iter().flatten() {
        apply_attr(&mut r, a)?;
    }
    Ok(r)
}

fn apply_attr(r: &mut GoRoute, a: &Value) -> Result<()> {
    match u64_of(a, "type")? {
        1 => r.origin = Origin::from_code(u64_of(a, "value")?),
        2 => {
            let segs = a.get("as_paths").and_then(Value::as_array);
            for seg in segs.into_iter().flatten() {
                let asns = seg.get("asns").and_then(Value::as_array);
                for asn in asns.into_iter().flatten() {
                    let asn = asn.as_u64().and_then(|n| u32::try_from(n).ok());
                    r.as_path.push(asn.ok_or_else(|| bad("asn", seg))?);
                }
            }
        }
        3 | 14 => r.next_hop = Some(ip_of(a, "nexthop")?),
        4 => r.med = Some(u32_of(a, "metric")?),
        5 => r.local_pref = Some(u32_of(a, "value")?),
        8 => {
            let list = a.get("communities").and_then(Value::as_array);
            for c in list.into_iter().flatten() {
                let c = c.as_u64().ok_or_else(|| bad("community", a))?;
                r.communities.push(((c >> 16) as u16, (c & 0xffff) as u16));
            }
        }
        16 => {
            let list = a.get("value").and_then(Value::as_array);
            for c in list.into_iter().flatten() {
                r.ext_communities.push(parse_ext_community(c));
            }
        }
        32 => {
            let list = a.get("value").and_then(Value::as_array);
            for c in list.into_iter().flatten() {
                r.large_communities.push((
                    u32_of(c, "ASN")?,
                    u32_of(c, "LocalData1")?,
                    u32_of(c, "LocalData2")?,
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

fn parse_ext_community(c: &Value) -> GoExtCommunity {
    let ty = c.get("type").and_then(Value::as_u64);
    let sub = c.get("subtype").and_then(Value::as_u64);
    let text = c.get("value").and_then(Value::as_str).unwrap_or("");
    let split = text.rsplit_once(':');
    let action = match (ty, sub) {
        (Some(128), Some(6)) => Some(FlowAction::TrafficRate {
            asn: c.get("as").and_then(Value::as_u64).unwrap_or(0) as u16,
            rate: c.get("rate").and_then(Value::as_f64).unwrap_or(0.0) as f32,
        }),
        (Some(128), Some(7)) => Some(FlowAction::TrafficAction {
            sample: c.get("sample").and_then(Value::as_bool).unwrap_or(false),
            terminal: c.get("terminal").and_then(Value::as_bool).unwrap_or(false),
        }),
        (Some(128), Some(8)) => split.and_then(|(a, v)| {
            Some(FlowAction::RedirectAs2 {
                asn: a.parse().ok()?,
                value: v.parse().ok()?,
            })
        }),
        (Some(129), Some(8)) => split.and_then(|(a, v)| {
            Some(FlowAction::RedirectIpv4 {
                addr: a.parse().ok()?,
                value: v.parse().ok()?,
            })
        }),
        (Some(130), Some(8)) => split.and_then(|(a, v)| {
            Some(FlowAction::RedirectAs4 {
                asn: a.parse().ok()?,
                value: v.parse().ok()?,
            })
        }),
        (Some(128), Some(9)) => c
            .get("value")
            .and_then(Value::as_u64)
            .map(|d| FlowAction::TrafficMarking { dscp: d as u8 }),
        _ => None,
    };
    action.map_or_else(|| GoExtCommunity::Other(c.clone()), GoExtCommunity::Flow)
}

fn parse_component(c: &Value) -> Result<GoFlowComponent> {
    let kind = u8::try_from(u64_of(c, "type")?).map_err(|_| bad("component type", c))?;
    let value = c.get("value").ok_or_else(|| bad("component value", c))?;
    let mut comp = GoFlowComponent {
        kind,
        prefix: None,
        offset: c.get("offset").and_then(Value::as_u64).map(|o| o as u8),
        ops: Vec::new(),
    };
    if let Some(prefix) = value.get("prefix").and_then(Value::as_str) {
        comp.prefix = Some(prefix.to_string());
    } else {
        let items = value.as_array().ok_or_else(|| bad("component items", c))?;
        for item in items {
            let op = u8::try_from(u64_of(item, "op")?).map_err(|_| bad("op", item))?;
            comp.ops.push((op, u64_of(item, "value")?));
        }
    }
    Ok(comp)
}
