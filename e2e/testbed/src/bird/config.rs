//! bird.conf generation.

use std::fmt::Write as _;

use super::{BirdFlow, FLOW4_TABLE, FLOW6_TABLE, channel, ext_add, origin_const, protocol_name};
use crate::spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};

/// The whole bird.conf: tables, static originators, one export filter per IP version that sets
/// each originated route's attributes, and one `protocol bgp peerN` per neighbor with fast timers.
pub fn config(
    spec: &PeerSpec,
    neighbors: &[NeighborSpec],
    routes: &[UnicastRoute],
    flows: &[BirdFlow],
    log: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "log \"{log}\" all;\nrouter id {};", spec.router_id);
    let _ = writeln!(
        s,
        "flow4 table {FLOW4_TABLE};\nflow6 table {FLOW6_TABLE};\n"
    );
    for (v6, name, chan) in [(false, "static4", "ipv4"), (true, "static6", "ipv6")] {
        let _ = writeln!(s, "protocol static {name} {{\n  {chan};");
        for r in routes.iter().filter(|r| r.is_v6() == v6) {
            let _ = writeln!(s, "  route {} unreachable;", r.prefix);
        }
        s.push_str("}\n");
    }
    for (v6, name, table) in [
        (false, "sflow4", FLOW4_TABLE),
        (true, "sflow6", FLOW6_TABLE),
    ] {
        let ch = if v6 { "flow6" } else { "flow4" };
        let _ = writeln!(s, "protocol static {name} {{\n  {ch} {{ table {table}; }};");
        for f in flows.iter().filter(|f| f.v6 == v6) {
            let acts: Vec<String> = f.actions.iter().map(|a| ext_add(*a)).collect();
            let _ = writeln!(s, "  route {ch} {{ {} }} {{ {} }};", f.rule, acts.join(" "));
        }
        s.push_str("}\n");
    }
    for v6 in [false, true] {
        let _ = writeln!(s, "filter export{} {{", if v6 { 6 } else { 4 });
        for r in routes.iter().filter(|r| r.is_v6() == v6) {
            let _ = writeln!(s, "  if net = {} then {{ {} }}", r.prefix, route_sets(r));
        }
        s.push_str("  accept;\n}\n");
    }
    for (i, n) in neighbors.iter().enumerate() {
        s.push_str(&protocol(spec, n, &protocol_name(i), routes));
    }
    s
}

/// The filter statements that give an originated route its attributes.
fn route_sets(r: &UnicastRoute) -> String {
    let mut s = format!("bgp_next_hop = {};", r.next_hop);
    // Prepending in reverse leaves the path in the given order.
    for asn in r.as_path.iter().rev() {
        let _ = write!(s, " bgp_path.prepend({asn});");
    }
    if let Some(o) = r.origin {
        let _ = write!(s, " bgp_origin = {};", origin_const(o));
    }
    if let Some(m) = r.med {
        let _ = write!(s, " bgp_med = {m};");
    }
    if let Some(lp) = r.local_pref {
        let _ = write!(s, " bgp_local_pref = {lp};");
    }
    for (a, b) in &r.communities {
        let _ = write!(s, " bgp_community.add(({a},{b}));");
    }
    for (a, b, c) in &r.large_communities {
        let _ = write!(s, " bgp_large_community.add(({a},{b},{c}));");
    }
    s
}

fn protocol(spec: &PeerSpec, n: &NeighborSpec, name: &str, routes: &[UnicastRoute]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "protocol bgp {name} {{");
    let _ = writeln!(
        s,
        "  local {} port {} as {};\n  strict bind on;",
        spec.local_addr, spec.port, spec.local_as
    );
    let _ = writeln!(
        s,
        "  neighbor {} port {} as {};",
        n.addr, n.port, n.remote_as
    );
    if n.remote_as != spec.local_as {
        // eBGP to a loopback address is "not directly connected" without it.
        s.push_str("  multihop 2;\n");
    }
    s.push_str("  hold time 9; keepalive time 3;\n");
    s.push_str("  connect delay time 1; connect retry time 1; error wait time 1, 5;\n");
    if n.passive {
        s.push_str("  passive on;\n");
    }
    if let Some(pw) = &n.md5 {
        let _ = writeln!(s, "  password \"{pw}\";");
    }
    let transport_v6 = n.addr.is_ipv6();
    for f in &n.families {
        let ch = channel(*f);
        match f {
            Family::Ipv4Unicast | Family::Ipv6Unicast => {
                let v6 = *f == Family::Ipv6Unicast;
                let mut extra = String::new();
                if v6 != transport_v6 {
                    // The session address cannot be the next hop of the other IP version.
                    let nh = routes
                        .iter()
                        .find(|r| r.is_v6() == v6)
                        .map(|r| r.next_hop.to_string())
                        .unwrap_or_else(|| {
                            if v6 {
                                "2001:db8::1".into()
                            } else {
                                "192.0.2.1".into()
                            }
                        });
                    let _ = write!(extra, " next hop address {nh};");
                }
                let _ = writeln!(
                    s,
                    "  {ch} {{ import all; export filter export{};{extra} }};",
                    if v6 { 6 } else { 4 }
                );
            }
            Family::Ipv4FlowSpec => {
                let _ = writeln!(
                    s,
                    "  {ch} {{ table {FLOW4_TABLE}; import all; export all; }};"
                );
            }
            Family::Ipv6FlowSpec => {
                let _ = writeln!(
                    s,
                    "  {ch} {{ table {FLOW6_TABLE}; import all; export all; }};"
                );
            }
        }
    }
    s.push_str("}\n");
    s
}
