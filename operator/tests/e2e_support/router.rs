//! The routers: real gobgpd instances, passive towards the speaker (it dials them when the
//! operator adds the BgpNeighbor), read back through gobgp's CLI.

use std::net::IpAddr;

use testbed::gobgp::{GoBgp, GoRoute};
use testbed::{Family, PeerSpec};

/// Starts gobgpd as `spec`, waiting for `speaker` to dial it, with `families`.
pub fn start(spec: PeerSpec, speaker: &PeerSpec, families: &[Family]) -> GoBgp {
    let neighbor = speaker.as_neighbor().passive().families(families);
    GoBgp::start(spec, &[neighbor]).expect("start gobgpd")
}

/// The RIB of `family`, or the error text (for `wait_for`).
pub fn rib(go: &GoBgp, family: Family) -> Result<Vec<GoRoute>, String> {
    go.rib(family).map_err(|e| e.to_string())
}

/// The FlowSpec RIB's keys (gobgp's text of each rule), sorted.
pub fn flows(go: &GoBgp) -> Result<Vec<String>, String> {
    let mut v: Vec<String> = rib(go, Family::Ipv4FlowSpec)?
        .into_iter()
        .map(|r| r.prefix)
        .collect();
    v.sort();
    Ok(v)
}

/// The prefixes of a unicast RIB, sorted.
pub fn prefixes(go: &GoBgp, family: Family) -> Result<Vec<String>, String> {
    let mut v: Vec<String> = rib(go, family)?.into_iter().map(|r| r.prefix).collect();
    v.sort();
    Ok(v)
}

/// One route of a RIB by prefix.
pub fn route(routes: &[GoRoute], prefix: &str) -> Option<GoRoute> {
    routes.iter().find(|r| r.prefix == prefix).cloned()
}

/// Everything the router holds in the given families, in a form that compares exactly
/// (prefix or rule, next hop, attributes, FlowSpec actions).
pub fn snapshot(go: &GoBgp, families: &[Family]) -> Result<String, String> {
    let mut out = String::new();
    for f in families {
        for r in rib(go, *f)? {
            out.push_str(&format!(
                "{f:?} {} nh={:?} med={:?} lp={:?} comm={:?} ext={:?}\n",
                r.prefix, r.next_hop, r.med, r.local_pref, r.communities, r.ext_communities
            ));
        }
    }
    Ok(out)
}

fn neighbor_json(go: &GoBgp, neighbor: IpAddr) -> Result<serde_json::Value, String> {
    let out = go
        .raw_cli(&["-j", "neighbor", &neighbor.to_string()])
        .map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&out).map_err(|e| e.to_string())?;
    Ok(if v.is_array() { v[0].clone() } else { v })
}

/// Whether the session with `neighbor` is Established.
pub fn established(go: &GoBgp, neighbor: IpAddr) -> Result<bool, String> {
    let v = neighbor_json(go, neighbor)?;
    Ok(v["state"]["session_state"].as_u64() == Some(6))
}

/// UPDATE messages received from `neighbor` so far: any announcement or withdrawal counts.
pub fn updates_received(go: &GoBgp, neighbor: IpAddr) -> Result<u64, String> {
    let v = neighbor_json(go, neighbor)?;
    Ok(v["state"]["messages"]["received"]["update"]
        .as_u64()
        .unwrap_or(0))
}
