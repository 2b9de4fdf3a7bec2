//! Parsers for FRR's `show bgp summary json`, `show bgp ... unicast [PREFIX] json` and
//! `show bgp ... flowspec detail` text.

use std::net::IpAddr;

use serde_json::Value;

use crate::attrs::{Origin, SessionState};
use crate::{Error, Result};

/// One path from FRR's unicast RIB.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrrRoute {
    pub prefix: String,
    pub best: bool,
    pub valid: bool,
    /// Next hops as FRR lists them (0.0.0.0 / :: for its own `network` routes).
    pub next_hops: Vec<IpAddr>,
    pub as_path: Vec<u32>,
    pub origin: Option<Origin>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    /// The peer it came from; `None` for locally originated paths.
    pub peer: Option<IpAddr>,
    /// Only filled by `Frr::route` (FRR 8.4's table JSON has no communities).
    pub communities: Vec<(u16, u16)>,
    pub large_communities: Vec<(u32, u32, u32)>,
    /// FRR's text for them, e.g. `RT:65000:100`.
    pub ext_communities: Vec<String>,
}

/// One FlowSpec entry of `show bgp ... flowspec detail`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrrFlowRule {
    /// `(label, value)` as printed, e.g. `("Destination Address", "192.0.2.0/24")`,
    /// `("IP Protocol", "= 6")`, `("TCP Flags", "∋ 2")`.
    pub components: Vec<(String, String)>,
    /// The `FS:` items, e.g. `rate 1000.000000`, `redirect VRF RT:65000:100`, `marking 46`.
    pub actions: Vec<String>,
    /// Lines we did not classify (e.g. `received for 00:00:04`, `not installed in PBR`).
    pub other: Vec<String>,
}

impl FrrFlowRule {
    pub fn component(&self, label: &str) -> Option<&str> {
        self.components
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
    }
}

fn json(what: &str, out: &str) -> Result<Value> {
    serde_json::from_str(out.trim()).map_err(|source| Error::Json {
        what: what.to_string(),
        source,
        output: out.to_string(),
    })
}

fn bad(what: &str, v: &Value) -> Error {
    Error::parse(format!("FRR JSON {what}"), v.to_string())
}

/// State of `addr` in `show bgp summary json` (first address family that lists it).
pub fn parse_summary_state(out: &str, addr: IpAddr) -> Result<SessionState> {
    let v = json("show bgp summary json", out)?;
    let families = v.as_object().ok_or_else(|| bad("summary", &v))?;
    for fam in families.values() {
        let peers = fam.get("peers").and_then(Value::as_object);
        for (a, peer) in peers.into_iter().flatten() {
            if a.parse::<IpAddr>().ok() == Some(addr) {
                let state = peer
                    .get("state")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("state", peer))?;
                return Ok(SessionState::parse(state));
            }
        }
    }
    Err(Error::parse(format!("FRR summary has no peer {addr}"), out))
}

fn origin_of(p: &Value) -> Option<Origin> {
    p.get("origin")
        .and_then(Value::as_str)
        .and_then(Origin::parse)
}

fn u32_of(p: &Value, key: &str) -> Result<Option<u32>> {
    match p.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| bad(key, p)),
    }
}

fn next_hops(p: &Value) -> Result<Vec<IpAddr>> {
    let list = p.get("nexthops").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .map(|n| {
            n.get("ip")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("nexthop", n))
        })
        .collect()
}

/// "65002 65010 {65011,65012}" -> numbers in order (sets flattened). FRR's detail JSON says
/// "Local" for an empty path (an iBGP route its neighbor originated).
fn as_path_text(s: &str) -> Result<Vec<u32>> {
    if s.trim() == "Local" {
        return Ok(Vec::new());
    }
    s.split(|c: char| c.is_whitespace() || "{}(),[]".contains(c))
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().map_err(|_| Error::parse("FRR AS path", s)))
        .collect()
}

fn peer_of(id: Option<&Value>) -> Option<IpAddr> {
    // "(unspec)" for local routes.
    id.and_then(Value::as_str).and_then(|s| s.parse().ok())
}

/// `show bgp ipv4|ipv6 unicast json`: `{ ..., "routes": { prefix: [path, ...] } }`.
pub fn parse_routes(out: &str) -> Result<Vec<FrrRoute>> {
    let v = json("show bgp unicast json", out)?;
    let mut routes = Vec::new();
    let table = v.get("routes").and_then(Value::as_object);
    for (prefix, paths) in table.into_iter().flatten() {
        for p in paths.as_array().ok_or_else(|| bad("paths", paths))? {
            routes.push(FrrRoute {
                prefix: prefix.clone(),
                best: p.get("bestpath").and_then(Value::as_bool).unwrap_or(false),
                valid: p.get("valid").and_then(Value::as_bool).unwrap_or(false),
                next_hops: next_hops(p)?,
                as_path: as_path_text(p.get("path").and_then(Value::as_str).unwrap_or(""))?,
                origin: origin_of(p),
                med: u32_of(p, "metric")?,
                local_pref: u32_of(p, "locPrf")?,
                peer: peer_of(p.get("peerId")),
                communities: Vec::new(),
                large_communities: Vec::new(),
                ext_communities: Vec::new(),
            });
        }
    }
    Ok(routes)
}

fn list_strings(p: &Value, key: &str) -> Vec<String> {
    let list = p
        .get(key)
        .and_then(|c| c.get("list"))
        .and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}

fn nums<T: std::str::FromStr>(s: &str) -> Result<Vec<T>> {
    s.split(':')
        .map(|x| x.parse().map_err(|_| Error::parse("FRR community", s)))
        .collect()
}

/// `show bgp ipv4|ipv6 unicast PREFIX json`: `{ "prefix": .., "paths": [...] }` (`{}` if absent).
pub fn parse_route_detail(out: &str) -> Result<Vec<FrrRoute>> {
    let v = json("show bgp unicast PREFIX json", out)?;
    let Some(prefix) = v.get("prefix").and_then(Value::as_str) else {
        return Ok(Vec::new());
    };
    let mut routes = Vec::new();
    for p in v
        .get("paths")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let path = p
            .get("aspath")
            .and_then(|a| a.get("string"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut communities = Vec::new();
        for c in list_strings(p, "community") {
            // Well-known names (no-export, ...) are skipped: they are not `a:b`.
            if let Ok(n) = nums::<u16>(&c)
                && let [a, b] = n[..]
            {
                communities.push((a, b));
            }
        }
        let mut large = Vec::new();
        for c in list_strings(p, "largeCommunity") {
            if let [a, b, c] = nums::<u32>(&c)?[..] {
                large.push((a, b, c));
            }
        }
        let ext = p
            .get("extendedCommunity")
            .and_then(|e| e.get("string"))
            .and_then(Value::as_str)
            .unwrap_or("");
        routes.push(FrrRoute {
            prefix: prefix.to_string(),
            best: p
                .get("bestpath")
                .and_then(|b| b.get("overall"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            valid: p.get("valid").and_then(Value::as_bool).unwrap_or(false),
            next_hops: next_hops(p)?,
            as_path: as_path_text(path)?,
            origin: origin_of(p),
            med: u32_of(p, "metric")?,
            local_pref: u32_of(p, "locPrf")?,
            peer: peer_of(p.get("peer").and_then(|x| x.get("peerId"))),
            communities,
            large_communities: large,
            ext_communities: ext.split_whitespace().map(String::from).collect(),
        });
    }
    Ok(routes)
}

/// Labels FRR prints for FlowSpec components, longest first so "Destination Port" wins over "Port".
const LABELS: [&str; 13] = [
    "Destination Address",
    "Source Address",
    "Destination Port",
    "Source Port",
    "Packet Flow Label",
    "Packet Fragment",
    "Packet Length",
    "IP Protocol",
    "ICMP Type",
    "ICMP Code",
    "TCP Flags",
    "DSCP field",
    "Port",
];

/// `show bgp ipv4|ipv6 flowspec detail`: entries start with `BGP flowspec entry:`.
pub fn parse_flowspec(out: &str) -> Result<Vec<FrrFlowRule>> {
    let mut rules: Vec<FrrFlowRule> = Vec::new();
    for line in out.lines() {
        let t = line.trim();
        if t.starts_with("BGP flowspec entry") {
            rules.push(FrrFlowRule {
                components: Vec::new(),
                actions: Vec::new(),
                other: Vec::new(),
            });
            continue;
        }
        if t.is_empty() || t.starts_with("Displayed") {
            continue;
        }
        let Some(rule) = rules.last_mut() else {
            return Err(Error::parse("FRR flowspec line before any entry", line));
        };
        if t.starts_with("FS:") {
            rule.actions.extend(
                t.split("FS:")
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(String::from),
            );
        } else if let Some(label) = LABELS
            .iter()
            .find(|l| t.starts_with(*l) && t[l.len()..].starts_with(' '))
        {
            rule.components
                .push((label.to_string(), t[label.len()..].trim().to_string()));
        } else {
            rule.other.push(t.to_string());
        }
    }
    Ok(rules)
}

#[cfg(test)]
mod tests;
