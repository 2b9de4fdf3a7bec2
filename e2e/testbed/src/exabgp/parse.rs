//! Parser for ExaBGP's JSON API lines (`encoder json`, `receive { parsed; update; }`).

use std::net::IpAddr;

use serde_json::Value;

use crate::attrs::{FlowAction, Origin};
use crate::{Error, Result};

/// One line of ExaBGP output.
#[derive(Clone, Debug, PartialEq)]
pub enum ExaEvent {
    /// `"type": "state"`: `connected`, `up`, `down`.
    State {
        peer: IpAddr,
        state: String,
    },
    Update(ExaUpdate),
    /// Anything else (keepalives, notifications, EOR...), kept raw.
    Other(Value),
}

/// One received UPDATE.
#[derive(Clone, Debug, PartialEq)]
pub struct ExaUpdate {
    pub peer: IpAddr,
    pub attributes: ExaAttributes,
    pub announce: Vec<ExaNlri>,
    pub withdraw: Vec<ExaNlri>,
}

/// Path attributes as ExaBGP decoded them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExaAttributes {
    pub origin: Option<Origin>,
    pub as_path: Vec<u32>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub communities: Vec<(u16, u16)>,
    pub large_communities: Vec<(u32, u32, u32)>,
    /// (raw 64-bit value, ExaBGP's string such as `rate-limit:1000`).
    pub ext_communities: Vec<(u64, String)>,
}

impl ExaAttributes {
    pub fn flow_actions(&self) -> Vec<FlowAction> {
        self.ext_communities
            .iter()
            .filter_map(|(raw, _)| FlowAction::from_raw(*raw))
            .collect()
    }
}

/// One NLRI of an announce or withdraw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExaNlri {
    /// `ipv4 unicast`, `ipv6 unicast`, `ipv4 flow`, `ipv6 flow`, ...
    pub family: String,
    /// `None` for withdraws and `no-nexthop` FlowSpec.
    pub next_hop: Option<IpAddr>,
    /// The prefix for unicast; ExaBGP's `flow destination-ipv4 ...` string for FlowSpec.
    pub prefix: String,
    /// FlowSpec components, e.g. `("destination-port", ["=80"])`; empty for unicast.
    pub flow: Vec<(String, Vec<String>)>,
}

impl ExaNlri {
    pub fn flow_component(&self, key: &str) -> Option<&[String]> {
        self.flow
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }
}

/// A route currently announced to ExaBGP.
#[derive(Clone, Debug, PartialEq)]
pub struct ExaRoute {
    pub peer: IpAddr,
    pub nlri: ExaNlri,
    pub attributes: ExaAttributes,
}

fn bad(what: &str, v: &Value) -> Error {
    Error::parse(format!("ExaBGP JSON {what}"), v.to_string())
}

/// Parses many lines (blank lines skipped).
pub fn parse_lines(text: &str) -> Result<Vec<ExaEvent>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_line)
        .collect()
}

/// Parses one JSON line.
pub fn parse_line(line: &str) -> Result<ExaEvent> {
    let v: Value = serde_json::from_str(line).map_err(|source| Error::Json {
        what: "ExaBGP API line".into(),
        source,
        output: line.to_string(),
    })?;
    let peer = || -> Result<IpAddr> {
        v.pointer("/neighbor/address/peer")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| bad("neighbor.address.peer", &v))
    };
    match v.get("type").and_then(Value::as_str) {
        Some("state") => Ok(ExaEvent::State {
            peer: peer()?,
            state: v
                .pointer("/neighbor/state")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
        }),
        Some("update") => match v.pointer("/neighbor/message/update") {
            Some(u) => Ok(ExaEvent::Update(update(peer()?, u)?)),
            None => Ok(ExaEvent::Other(v)),
        },
        _ => Ok(ExaEvent::Other(v)),
    }
}

fn update(peer: IpAddr, u: &Value) -> Result<ExaUpdate> {
    let attributes = match u.get("attribute") {
        Some(a) => attributes(a)?,
        None => ExaAttributes::default(),
    };
    let mut announce = Vec::new();
    for (family, by_nh) in u
        .get("announce")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for (nh, list) in by_nh.as_object().ok_or_else(|| bad("announce", by_nh))? {
            for item in list.as_array().ok_or_else(|| bad("announce list", list))? {
                announce.push(nlri(family, nh.parse().ok(), item)?);
            }
        }
    }
    let mut withdraw = Vec::new();
    for (family, list) in u
        .get("withdraw")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for item in list.as_array().ok_or_else(|| bad("withdraw list", list))? {
            withdraw.push(nlri(family, None, item)?);
        }
    }
    Ok(ExaUpdate {
        peer,
        attributes,
        announce,
        withdraw,
    })
}

fn nlri(family: &str, next_hop: Option<IpAddr>, item: &Value) -> Result<ExaNlri> {
    if let Some(p) = item.get("nlri").and_then(Value::as_str) {
        return Ok(ExaNlri {
            family: family.into(),
            next_hop,
            prefix: p.into(),
            flow: Vec::new(),
        });
    }
    let obj = item.as_object().ok_or_else(|| bad("nlri", item))?;
    let prefix = obj
        .get("string")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("flow string", item))?;
    // A rule with a next hop (redirect-to-IP) carries it as `"next-hop": "192.0.2.254"`.
    let next_hop = next_hop.or_else(|| {
        obj.get("next-hop")
            .and_then(Value::as_str)
            .and_then(|s| s.parse().ok())
    });
    let flow = obj
        .iter()
        .filter(|(k, _)| *k != "string" && *k != "next-hop")
        .map(|(k, vals)| {
            let vals = vals.as_array().ok_or_else(|| bad("flow component", vals))?;
            Ok((
                k.clone(),
                vals.iter()
                    .map(|x| x.as_str().map_or_else(|| x.to_string(), String::from))
                    .collect(),
            ))
        })
        .collect::<Result<_>>()?;
    Ok(ExaNlri {
        family: family.into(),
        next_hop,
        prefix: prefix.into(),
        flow,
    })
}

fn u32_at(v: &Value, what: &str) -> Result<u32> {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| bad(what, v))
}

fn attributes(a: &Value) -> Result<ExaAttributes> {
    let mut out = ExaAttributes {
        origin: a
            .get("origin")
            .and_then(Value::as_str)
            .and_then(Origin::parse),
        ..ExaAttributes::default()
    };
    // AS_SETs come as nested arrays: flatten.
    fn walk(v: &Value, out: &mut Vec<u32>) -> Result<()> {
        match v {
            Value::Array(items) => items.iter().try_for_each(|i| walk(i, out)),
            n => {
                out.push(u32_at(n, "as-path")?);
                Ok(())
            }
        }
    }
    if let Some(p) = a.get("as-path") {
        walk(p, &mut out.as_path)?;
    }
    out.med = a.get("med").map(|m| u32_at(m, "med")).transpose()?;
    out.local_pref = a
        .get("local-preference")
        .map(|m| u32_at(m, "local-preference"))
        .transpose()?;
    for c in a
        .get("community")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match c.as_array().map(Vec::as_slice) {
            Some([x, y]) => out.communities.push((
                u32_at(x, "community")? as u16,
                u32_at(y, "community")? as u16,
            )),
            _ => return Err(bad("community", c)),
        }
    }
    for c in a
        .get("large-community")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        match c.as_array().map(Vec::as_slice) {
            Some([x, y, z]) => {
                out.large_communities
                    .push((u32_at(x, "lc")?, u32_at(y, "lc")?, u32_at(z, "lc")?))
            }
            _ => return Err(bad("large-community", c)),
        }
    }
    for c in a
        .get("extended-community")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let raw = c
            .get("value")
            .and_then(Value::as_u64)
            .ok_or_else(|| bad("extended-community", c))?;
        let text = c.get("string").and_then(Value::as_str).unwrap_or("");
        out.ext_communities.push((raw, text.to_string()));
    }
    Ok(out)
}

/// Replays announces and withdraws in order: what each peer currently announces.
pub fn rib_of(events: &[ExaEvent]) -> Vec<ExaRoute> {
    let mut rib: Vec<ExaRoute> = Vec::new();
    // FlowSpec: ExaBGP's string of an announce names the next hop (redirect-to-IP), that of
    // the withdraw does not, so rules are matched by their components.
    let same = |r: &ExaRoute, peer: IpAddr, n: &ExaNlri| {
        r.peer == peer
            && r.nlri.family == n.family
            && (r.nlri.prefix == n.prefix || (!n.flow.is_empty() && r.nlri.flow == n.flow))
    };
    for e in events {
        match e {
            ExaEvent::Update(u) => {
                for w in &u.withdraw {
                    rib.retain(|r| !same(r, u.peer, w));
                }
                for a in &u.announce {
                    rib.retain(|r| !same(r, u.peer, a));
                    rib.push(ExaRoute {
                        peer: u.peer,
                        nlri: a.clone(),
                        attributes: u.attributes.clone(),
                    });
                }
            }
            // A session going down drops what that peer announced.
            ExaEvent::State { peer, state } if state == "down" => rib.retain(|r| r.peer != *peer),
            _ => {}
        }
    }
    rib
}

#[cfg(test)]
mod tests;
