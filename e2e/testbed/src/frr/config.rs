//! bgpd.conf generation (per-daemon config format, read with `-f`).

use std::fmt::Write as _;

use crate::attrs::Origin;
use crate::spec::{Family, NeighborSpec, PeerSpec, UnicastRoute};

fn af_name(f: Family) -> &'static str {
    match f {
        Family::Ipv4Unicast => "ipv4 unicast",
        Family::Ipv6Unicast => "ipv6 unicast",
        Family::Ipv4FlowSpec => "ipv4 flowspec",
        Family::Ipv6FlowSpec => "ipv6 flowspec",
    }
}

/// One `route-map ORIG-n` per originated route sets its attributes; neighbors keep the next hop
/// unchanged so the route-map's (non-loopback) next hop reaches the peer.
pub fn config(
    spec: &PeerSpec,
    neighbors: &[NeighborSpec],
    routes: &[UnicastRoute],
    log: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "hostname testbed-frr\nlog file {log} informational\n!");
    for (i, r) in routes.iter().enumerate() {
        let _ = writeln!(s, "route-map ORIG-{i} permit 10");
        if r.is_v6() {
            let _ = writeln!(s, " set ipv6 next-hop global {}", r.next_hop);
        } else {
            let _ = writeln!(s, " set ip next-hop {}", r.next_hop);
        }
        if !r.as_path.is_empty() {
            let p: Vec<String> = r.as_path.iter().map(u32::to_string).collect();
            let _ = writeln!(s, " set as-path prepend {}", p.join(" "));
        }
        if let Some(o) = r.origin {
            let word = match o {
                Origin::Igp => "igp",
                Origin::Egp => "egp",
                Origin::Incomplete => "incomplete",
            };
            let _ = writeln!(s, " set origin {word}");
        }
        if let Some(m) = r.med {
            let _ = writeln!(s, " set metric {m}");
        }
        if let Some(lp) = r.local_pref {
            let _ = writeln!(s, " set local-preference {lp}");
        }
        if !r.communities.is_empty() {
            let c: Vec<String> = r
                .communities
                .iter()
                .map(|(a, b)| format!("{a}:{b}"))
                .collect();
            let _ = writeln!(s, " set community {}", c.join(" "));
        }
        if !r.large_communities.is_empty() {
            let c: Vec<String> = r
                .large_communities
                .iter()
                .map(|(a, b, c)| format!("{a}:{b}:{c}"))
                .collect();
            let _ = writeln!(s, " set large-community {}", c.join(" "));
        }
        s.push_str("!\n");
    }
    let _ = writeln!(
        s,
        "router bgp {}\n bgp router-id {}",
        spec.local_as, spec.router_id
    );
    // Comments must sit on their own line in FRR configs, hence none inline here.
    s.push_str(" no bgp ebgp-requires-policy\n no bgp network import-check\n no bgp default ipv4-unicast\n");
    s.push_str(" bgp allow-martian-nexthop\n timers bgp 3 9\n");
    for n in neighbors {
        let a = n.addr;
        let _ = writeln!(
            s,
            " neighbor {a} remote-as {}\n neighbor {a} port {}",
            n.remote_as, n.port
        );
        let _ = writeln!(s, " neighbor {a} update-source {}", spec.local_addr);
        let _ = writeln!(
            s,
            " neighbor {a} disable-connected-check\n neighbor {a} timers connect 1"
        );
        if n.passive {
            let _ = writeln!(s, " neighbor {a} passive");
        }
        if let Some(pw) = &n.md5 {
            let _ = writeln!(s, " neighbor {a} password {pw}");
        }
    }
    for f in Family::ALL {
        let users: Vec<&NeighborSpec> = neighbors
            .iter()
            .filter(|n| n.families.contains(&f))
            .collect();
        let nets: Vec<(usize, &UnicastRoute)> = routes
            .iter()
            .enumerate()
            .filter(|(_, r)| !f.is_flowspec() && r.is_v6() == f.is_v6())
            .collect();
        if users.is_empty() && nets.is_empty() {
            continue;
        }
        let _ = writeln!(s, " address-family {}", af_name(f));
        for (i, r) in nets {
            let _ = writeln!(s, "  network {} route-map ORIG-{i}", r.prefix);
        }
        for n in users {
            let _ = writeln!(s, "  neighbor {} activate", n.addr);
            if !f.is_flowspec() {
                let _ = writeln!(s, "  neighbor {} attribute-unchanged next-hop", n.addr);
            }
        }
        s.push_str(" exit-address-family\n");
    }
    s
}
