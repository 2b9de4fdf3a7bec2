//! Parsers for `birdc show protocols NAME` and `birdc show route ... all` text.

use std::net::IpAddr;

use crate::attrs::{FlowAction, Origin, SessionState};
use crate::{Error, Result};

/// One route as `show route ... all` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BirdRoute {
    /// The prefix, or for FlowSpec the whole `flow4 { ... }` text.
    pub net: String,
    /// `unreachable`, `unicast`, ... (`None` for FlowSpec routes, which have no destination kind).
    pub kind: Option<String>,
    /// The protocol that brought it (`peer1`, `static4`, ...).
    pub protocol: String,
    /// The BGP neighbor it came from.
    pub from: Option<IpAddr>,
    /// Selected as best (`*`).
    pub primary: bool,
    pub preference: Option<u32>,
    /// Every `Key: value` line under the route, as printed (e.g. `("BGP.med", "30")`).
    pub attrs: Vec<(String, String)>,
    pub origin: Option<Origin>,
    pub as_path: Vec<u32>,
    /// First address of `BGP.next_hop` (BIRD may add a link-local one).
    pub next_hop: Option<IpAddr>,
    pub med: Option<u32>,
    pub local_pref: Option<u32>,
    pub communities: Vec<(u16, u16)>,
    pub large_communities: Vec<(u32, u32, u32)>,
    /// As BIRD prints them: `(generic, 0x80060000, 0x447a0000)`, `(rt, 65000, 100)`.
    pub ext_communities: Vec<String>,
    /// FlowSpec components `(keyword, value)`, e.g. `("dst", "192.0.2.0/24")`, `("tcp flags", "!0x0/0x2")`.
    pub flow: Vec<(String, String)>,
}

impl BirdRoute {
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value of a FlowSpec component (`dst`, `proto`, `dport`, `next header`, ...).
    pub fn flow_component(&self, key: &str) -> Option<&str> {
        self.flow
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// FlowSpec actions decoded from the `(generic, ...)` extended communities.
    pub fn flow_actions(&self) -> Vec<FlowAction> {
        self.ext_communities
            .iter()
            .filter_map(|c| {
                let parts = split_tuple(c);
                match parts.as_slice() {
                    ["generic", hi, lo] => FlowAction::from_halves(hex(hi)?, hex(lo)?),
                    _ => None,
                }
            })
            .collect()
    }
}

fn hex(s: &str) -> Option<u32> {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).ok()
}

/// `(a, b, c)` -> `["a", "b", "c"]`.
fn split_tuple(s: &str) -> Vec<&str> {
    s.trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(str::trim)
        .collect()
}

/// Every `(...)` group of a line.
fn tuples(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('(') {
        let Some(len) = rest[start..].find(')') else {
            break;
        };
        out.push(rest[start..start + len + 1].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// The Info column of the `show protocols NAME` row: the BGP state (`Established`, `Connect`, ...).
pub fn parse_protocol_state(out: &str, name: &str) -> Result<SessionState> {
    let row = out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .ok_or_else(|| Error::parse(format!("birdc show protocols {name}"), out))?;
    let cols: Vec<&str> = row.split_whitespace().collect();
    // Name Proto Table State Since Info...; Since may be "HH:MM:SS.mmm" or "YYYY-MM-DD HH:MM:SS".
    let info_from = if cols
        .get(5)
        .is_some_and(|c| c.contains(':') && !c.contains('-'))
        && cols.get(4).is_some_and(|c| c.contains('-'))
    {
        6
    } else {
        5
    };
    match cols.get(info_from) {
        Some(info) => Ok(SessionState::parse(info)),
        // No Info: protocol down/starting; report BIRD's State column.
        None => Ok(SessionState::Other(cols.get(3).unwrap_or(&"").to_string())),
    }
}

/// Parses `birdc show route [table T] all` output into routes, in print order.
pub fn parse_routes(out: &str) -> Result<Vec<BirdRoute>> {
    let mut routes: Vec<BirdRoute> = Vec::new();
    let mut last_net = String::new();
    for line in out.lines() {
        if line.trim().is_empty() || line.starts_with("BIRD ") || line.starts_with("Table ") {
            continue;
        }
        if line.starts_with('\t') {
            // An attribute line of the route above.
            let Some(r) = routes.last_mut() else {
                return Err(Error::parse("bird attribute before any route", line));
            };
            apply_attr(r, line.trim())?;
        } else if line.starts_with(' ') {
            // Another route for the same net (net column left blank).
            routes.push(header(last_net.clone(), line.trim())?);
        } else {
            let (net, rest) = split_net(line)?;
            last_net = net.clone();
            routes.push(header(net, rest)?);
        }
    }
    Ok(routes)
}

fn split_net(line: &str) -> Result<(String, &str)> {
    if line.starts_with("flow") {
        let end = line
            .find('}')
            .ok_or_else(|| Error::parse("bird flow route", line))?;
        return Ok((line[..=end].to_string(), line[end + 1..].trim()));
    }
    let (net, rest) = line
        .split_once(char::is_whitespace)
        .ok_or_else(|| Error::parse("bird route line", line))?;
    Ok((net.to_string(), rest.trim()))
}

/// `unreachable [peer1 22:14:53.213 from 127.201.0.2] * (100) [AS65004i]`
fn header(net: String, rest: &str) -> Result<BirdRoute> {
    let bad = || Error::parse("bird route header", rest);
    let open = rest.find('[').ok_or_else(bad)?;
    let close = open + rest[open..].find(']').ok_or_else(bad)?;
    let kind = rest[..open].trim();
    let inside: Vec<&str> = rest[open + 1..close].split_whitespace().collect();
    let protocol = inside.first().ok_or_else(bad)?.to_string();
    let from = inside
        .iter()
        .position(|w| *w == "from")
        .and_then(|i| inside.get(i + 1))
        .map(|a| a.parse().map_err(|_| bad()))
        .transpose()?;
    let tail = &rest[close + 1..];
    let preference = tail
        .split_whitespace()
        .find(|w| w.starts_with('(') && w.ends_with(')'))
        .and_then(|w| w.trim_matches(|c| c == '(' || c == ')').parse().ok());
    let flow = if net.starts_with("flow") {
        flow_components(&net)
    } else {
        Vec::new()
    };
    Ok(BirdRoute {
        kind: (!kind.is_empty()).then(|| kind.to_string()),
        protocol,
        from,
        primary: tail.split_whitespace().next() == Some("*"),
        preference,
        attrs: Vec::new(),
        origin: None,
        as_path: Vec::new(),
        next_hop: None,
        med: None,
        local_pref: None,
        communities: Vec::new(),
        large_communities: Vec::new(),
        ext_communities: Vec::new(),
        flow,
        net,
    })
}

const FLOW_KEYS: [&str; 14] = [
    "next header",
    "icmp type",
    "icmp code",
    "tcp flags",
    "dst",
    "src",
    "proto",
    "dport",
    "sport",
    "port",
    "length",
    "dscp",
    "fragment",
    "label",
];

/// `flow4 { dst 192.0.2.0/24; proto 6; tcp flags !0x0/0x2; }` -> [("dst", ..), ("proto", "6"), ..].
fn flow_components(net: &str) -> Vec<(String, String)> {
    let inner = net
        .split_once('{')
        .map(|(_, r)| r.trim_end().trim_end_matches('}'))
        .unwrap_or("");
    inner
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| {
            let key = FLOW_KEYS
                .iter()
                .find(|k| c.starts_with(*k) && c[k.len()..].starts_with(' '))
                .map(|k| k.to_string())
                .unwrap_or_else(|| c.split_whitespace().next().unwrap_or("").to_string());
            let value = c[key.len()..].trim().to_string();
            (key, value)
        })
        .collect()
}

fn apply_attr(r: &mut BirdRoute, line: &str) -> Result<()> {
    let Some((key, value)) = line.split_once(": ") else {
        // e.g. "via 192.0.2.1 on eth0" for multipath next hops: kept out of attrs.
        return Ok(());
    };
    let bad = || Error::parse(format!("bird {key}"), value);
    let num = |v: &str| v.trim().parse::<u32>().map_err(|_| bad());
    match key {
        "BGP.origin" => r.origin = Some(Origin::parse(value).ok_or_else(bad)?),
        "BGP.as_path" => {
            r.as_path = value
                .split(|c: char| c.is_whitespace() || c == '{' || c == '}' || c == ',')
                .filter(|w| !w.is_empty())
                .map(num)
                .collect::<Result<_>>()?;
        }
        "BGP.next_hop" => {
            let first = value.split_whitespace().next().ok_or_else(bad)?;
            r.next_hop = Some(first.parse().map_err(|_| bad())?);
        }
        "BGP.med" => r.med = Some(num(value)?),
        "BGP.local_pref" => r.local_pref = Some(num(value)?),
        "BGP.community" => {
            for t in tuples(value) {
                match split_tuple(&t).as_slice() {
                    [a, b] => r
                        .communities
                        .push((a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?)),
                    _ => return Err(bad()),
                }
            }
        }
        "BGP.large_community" => {
            for t in tuples(value) {
                match split_tuple(&t).as_slice() {
                    [a, b, c] => r.large_communities.push((num(a)?, num(b)?, num(c)?)),
                    _ => return Err(bad()),
                }
            }
        }
        "BGP.ext_community" => r.ext_communities = tuples(value),
        _ => {}
    }
    r.attrs.push((key.to_string(), value.to_string()));
    Ok(())
}

#[cfg(test)]
mod tests;
