//! Layer: real processes over loopback. A temp folder of manifests, the real `operator`
//! binary on it (`--from-dir`), the real `rustbgpd` binary as the speaker (gRPC on a Unix
//! socket, no static neighbor), and two real gobgpd routers: r1 (iBGP, labels site=a) and r2
//! (eBGP, site=b), which the speaker only peers with because BgpNeighbor manifests say so.
//! What the manifests say must be what the routers hold in their own RIBs (read with the
//! gobgp CLI), through edits, deletions, expiry, a label selector, invalid manifests, a
//! `kill -9` of the operator and a `kill -9` of the speaker.

mod e2e_support;

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::router::{self, established, flows, prefixes, route, snapshot};
use e2e_support::{Operator, Speaker, wait_for};
use testbed::gobgp::GoBgp;
use testbed::{Family, PeerSpec};

const WAIT: Duration = Duration::from_secs(15);
const R1_FAMILIES: [Family; 3] = [
    Family::Ipv4Unicast,
    Family::Ipv6Unicast,
    Family::Ipv4FlowSpec,
];

fn neighbor(name: &str, site: &str, router: &PeerSpec, me: &PeerSpec, families: &str) -> String {
    format!(
        "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: BgpNeighbor\nmetadata:\n  name: {name}\n  \
         labels: {{role: edge, site: {site}}}\nspec:\n  address: {}\n  remoteAsn: {}\n  port: {}\n  \
         localAddress: {}\n  families: [{families}]\n  holdTime: 9\n",
        router.local_addr, router.local_as, router.port, me.local_addr
    )
}

fn rule(name: &str, dst: &str, port: u32, extra: &str) -> String {
    format!(
        "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: FlowSpecRule\nmetadata:\n  name: {name}\n  \
         namespace: ddos\nspec:\n  match:\n    destinationPrefix: {dst}\n    protocols: [udp]\n    \
         destinationPorts: [{port}]\n  actions:\n    rateLimitBytesPerSecond: 1250000\n{extra}"
    )
}

fn injected(name: &str, prefix: &str, next_hop: &str, extra: &str) -> String {
    format!(
        "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: InjectedRoute\nmetadata:\n  name: {name}\n  \
         namespace: ddos\nspec:\n  prefix: {prefix}\n  nextHop: {next_hop}\n{extra}"
    )
}

const SITE_A: &str = "  neighborSelector:\n    matchLabels: {site: a}\n";
const BAD_RULE: &str = "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: FlowSpecRule\n\
    metadata: {name: bad, namespace: ddos}\nspec: {family: ipv4, match: {}}\n";
const BAD_ROUTE: &str = "---\napiVersion: bgp.rustbgpd.io/v1alpha1\nkind: InjectedRoute\n\
    metadata: {name: bad-route, namespace: ddos}\nspec: {prefix: 203.0.113.99/32, communities: [\"65535:70000\"]}\n";

fn rules(dns_port: u32, with_web: bool) -> String {
    let web = if with_web {
        rule("web-a", "198.51.100.0/24", 80, SITE_A)
    } else {
        String::new()
    };
    format!(
        "{}{BAD_RULE}{web}",
        rule("dns", "203.0.113.10/32", dns_port, "")
    )
}

fn routes(customer_med: u32) -> String {
    let customer = format!(
        "  localPref: 200\n  med: {customer_med}\n  communities: [\"64496:100\", \"64496:2001\"]\n{SITE_A}"
    );
    [
        injected(
            "rtbh",
            "203.0.113.66/32",
            "192.0.2.66",
            "  communities: [\"65535:666\"]\n",
        ),
        injected("customer", "198.51.100.0/24", "192.0.2.10", &customer),
        injected("customer-v6", "2001:db8:100::/48", "2001:db8::10", SITE_A),
        BAD_ROUTE.to_owned(),
    ]
    .concat()
}

fn write(dir: &Path, name: &str, text: &str) {
    // Atomic: the operator never reads half a file.
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

fn has(v: &[String], needle: &str) -> bool {
    v.iter().any(|p| p.contains(needle))
}

/// Waits until `go`'s FlowSpec RIB satisfies `ok`.
fn wait_flows(go: &GoBgp, what: &str, ok: impl Fn(&[String]) -> bool) {
    wait_for(what, WAIT, || match flows(go) {
        Ok(f) if ok(&f) => Ok(()),
        Ok(f) => Err(format!("{f:#?}")),
        Err(e) => Err(e),
    })
}

/// Waits until `go` holds exactly `want` prefixes of `family`.
fn wait_prefixes(go: &GoBgp, family: Family, want: &[&str], what: &str) {
    let mut want: Vec<String> = want.iter().map(|s| s.to_string()).collect();
    want.sort();
    wait_for(what, WAIT, || match prefixes(go, family) {
        Ok(p) if p == want => Ok(()),
        Ok(p) => Err(format!("{p:?}, want {want:?}")),
        Err(e) => Err(e),
    })
}

fn wait_session(go: &GoBgp, speaker: IpAddr, up: bool, what: &str) {
    wait_for(what, WAIT, || match established(go, speaker) {
        Ok(s) if s == up => Ok(()),
        other => Err(format!("{other:?}")),
    })
}

/// The status entry of object `name` in a status file.
fn status_of(dir: &Path, file: &str, name: &str) -> Option<serde_yaml::Value> {
    let text = std::fs::read_to_string(dir.join(format!("{file}.status.yaml"))).ok()?;
    let all: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).ok()?;
    all.into_iter().find(|e| e["name"].as_str() == Some(name))
}

fn condition(entry: &serde_yaml::Value, type_: &str) -> Option<(String, String, String)> {
    let c = entry["status"]["conditions"]
        .as_sequence()?
        .iter()
        .find(|c| c["type"].as_str() == Some(type_))?;
    let s = |k: &str| c[k].as_str().unwrap_or_default().to_owned();
    Some((s("status"), s("reason"), s("message")))
}

#[test]
fn manifests_are_what_the_routers_hold_through_edits_selectors_expiry_and_kill_9() {
    if !testbed::require("gobgpd") {
        eprintln!("SKIP from_dir_e2e: gobgpd is not installed");
        return;
    }
    let me = PeerSpec::loopback_v4(65001).unwrap();
    let r1_spec = PeerSpec::loopback_v4(65001).unwrap();
    let r2_spec = PeerSpec::loopback_v4(65003).unwrap();
    let speaker_ip = me.local_addr;
    let IpAddr::V4(speaker_v4) = speaker_ip else {
        unreachable!("loopback_v4 gives IPv4")
    };
    let r1 = router::start(r1_spec.clone(), &me, &R1_FAMILIES);
    let r2 = router::start(
        r2_spec.clone(),
        &me,
        &[Family::Ipv4Unicast, Family::Ipv4FlowSpec],
    );
    let mut speaker = Speaker::start(65001, speaker_v4);

    let crs = tempfile::tempdir().unwrap();
    let d = crs.path();
    let both = [
        neighbor(
            "r1",
            "a",
            &r1_spec,
            &me,
            "ipv4_unicast, ipv6_unicast, ipv4_flowspec",
        ),
        neighbor("r2", "b", &r2_spec, &me, "ipv4_unicast, ipv4_flowspec"),
    ]
    .concat();
    write(d, "neighbors.yaml", &both);
    write(d, "rules.yaml", &rules(53, true));
    write(d, "routes.yaml", &routes(10));
    let mut op = Operator::start(d, &speaker.url());

    // BgpNeighbor manifests: the speaker dials both routers.
    wait_session(&r1, speaker_ip, true, "r1 Established (BgpNeighbor r1)");
    wait_session(&r2, speaker_ip, true, "r2 Established (BgpNeighbor r2)");

    // FlowSpecRules: the unselected rule goes to both, the site=a one to r1 only; the invalid
    // one next to them blocks nothing.
    wait_flows(&r1, "r1 holds dns and web-a", |f| {
        f.len() == 2 && has(f, "203.0.113.10/32") && has(f, "198.51.100.0/24")
    });
    wait_flows(&r2, "r2 holds dns only (selector site=a)", |f| {
        f.len() == 1 && has(f, "203.0.113.10/32")
    });

    // InjectedRoutes with their attributes (r1 is iBGP, so LOCAL_PREF arrives as well).
    wait_prefixes(
        &r1,
        Family::Ipv4Unicast,
        &["203.0.113.66/32", "198.51.100.0/24"],
        "r1 holds rtbh and customer",
    );
    wait_prefixes(
        &r1,
        Family::Ipv6Unicast,
        &["2001:db8:100::/48"],
        "r1 holds customer-v6",
    );
    wait_prefixes(
        &r2,
        Family::Ipv4Unicast,
        &["203.0.113.66/32"],
        "r2 holds rtbh only",
    );
    let v4 = router::rib(&r1, Family::Ipv4Unicast).unwrap();
    let rtbh = route(&v4, "203.0.113.66/32").unwrap();
    assert!(rtbh.communities.contains(&(65535, 666)), "{rtbh:?}");
    assert_eq!(
        rtbh.next_hop,
        Some("192.0.2.66".parse().unwrap()),
        "{rtbh:?}"
    );
    let customer = route(&v4, "198.51.100.0/24").unwrap();
    assert_eq!(customer.local_pref, Some(200), "{customer:?}");
    assert_eq!(customer.med, Some(10), "{customer:?}");
    assert!(
        customer.communities.contains(&(64496, 2001)),
        "{customer:?}"
    );
    assert_eq!(customer.next_hop, Some("192.0.2.10".parse().unwrap()));
    let v6 = router::rib(&r1, Family::Ipv6Unicast).unwrap();
    assert_eq!(
        v6[0].next_hop,
        Some("2001:db8::10".parse().unwrap()),
        "{v6:?}"
    );

    // The invalid objects are reported in their files' status.
    let bad = wait_for("status of the invalid rule and route", WAIT, || {
        match (
            status_of(d, "rules.yaml", "bad"),
            status_of(d, "routes.yaml", "bad-route"),
        ) {
            (Some(a), Some(b)) => Ok((a, b)),
            other => Err(format!("{other:?}")),
        }
    });
    let (st, reason, msg) = condition(&bad.0, "Accepted").unwrap();
    assert_eq!((st.as_str(), reason.as_str()), ("False", "Invalid"));
    assert!(msg.contains("match needs at least one component"), "{msg}");
    let (st, reason, msg) = condition(&bad.1, "Accepted").unwrap();
    assert_eq!((st.as_str(), reason.as_str()), ("False", "Invalid"));
    assert!(msg.contains("must be ASN:VALUE"), "{msg}");

    // Edits: the rule's port and the route's MED change at the router.
    write(d, "rules.yaml", &rules(123, true));
    write(d, "routes.yaml", &routes(20));
    wait_flows(&r1, "r1: edited rule", |f| {
        f.len() == 2 && has(f, "==123") && !has(f, "==53")
    });
    wait_for("r1: edited route", WAIT, || {
        let v4 = router::rib(&r1, Family::Ipv4Unicast)?;
        match route(&v4, "198.51.100.0/24") {
            Some(r) if r.med == Some(20) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    });
    // Status of valid objects: Ready, announced to the selected neighbors.
    wait_for("status: web-a Ready, announced to r1 only", WAIT, || {
        let e = status_of(d, "rules.yaml", "web-a").ok_or("no status")?;
        let ready = condition(&e, "Ready").ok_or("no Ready")?;
        let to = &e["status"]["announcedTo"];
        if ready.0 == "True" && to[0]["neighbor"].as_str() == Some("r1") && to[1].is_null() {
            Ok(())
        } else {
            Err(format!("{e:?}"))
        }
    });

    // Deleting a BgpNeighbor removes the session.
    write(
        d,
        "neighbors.yaml",
        &neighbor(
            "r1",
            "a",
            &r1_spec,
            &me,
            "ipv4_unicast, ipv6_unicast, ipv4_flowspec",
        ),
    );
    wait_session(
        &r2,
        speaker_ip,
        false,
        "r2 session gone (BgpNeighbor r2 deleted)",
    );
    wait_flows(&r2, "r2 holds nothing", <[String]>::is_empty);

    // kill -9 of the operator: the new one replays onto the same speaker, which sends nothing.
    let before = snapshot(&r1, &R1_FAMILIES).unwrap();
    let updates = router::updates_received(&r1, speaker_ip).unwrap();
    for f in ["neighbors.yaml", "rules.yaml", "routes.yaml"] {
        std::fs::remove_file(d.join(format!("{f}.status.yaml"))).unwrap();
    }
    e2e_support::kill_9(op.daemon.pid());
    op.daemon.stop();
    op = Operator::start(d, &speaker.url());
    wait_for(
        "new operator's first pass (status written)",
        WAIT,
        || match status_of(d, "rules.yaml", "dns") {
            Some(_) => Ok(()),
            None => Err(op.log()),
        },
    );
    // Anything the speaker sends would be in flight right after the pass: give it a moment.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(router::updates_received(&r1, speaker_ip).unwrap(), updates);
    assert_eq!(snapshot(&r1, &R1_FAMILIES).unwrap(), before);

    // kill -9 of the speaker; while it is down, web-a is deleted. The new speaker starts
    // empty; the operator replays: r1 ends with exactly what the manifests say.
    speaker.kill_9();
    write(d, "rules.yaml", &rules(123, false));
    speaker.restart();
    wait_session(
        &r1,
        speaker_ip,
        true,
        "r1 Established again after kill -9 of the speaker",
    );
    wait_flows(&r1, "r1 after replay: dns only", |f| {
        f.len() == 1 && has(f, "203.0.113.10/32") && has(f, "==123")
    });
    let want = before
        .lines()
        .filter(|l| !l.contains("198.51.100.0/24][protocol"))
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    wait_for("r1 after replay: exactly the manifests", WAIT, || {
        let now = snapshot(&r1, &R1_FAMILIES)?;
        if now == want { Ok(()) } else { Err(now) }
    });
    assert!(
        !established(&r2, speaker_ip).unwrap(),
        "r2 was not replayed"
    );

    // Expiry: a rule and a route with a 2 s ttl are announced, then withdrawn.
    let ttl = "  ttl: 2s\n";
    write(
        d,
        "ttl.yaml",
        &[
            rule("short", "192.0.2.0/24", 443, ttl),
            injected("short-route", "192.0.2.128/25", "192.0.2.10", ttl),
        ]
        .concat(),
    );
    wait_flows(&r1, "ttl rule announced", |f| has(f, "192.0.2.0/24"));
    wait_prefixes(
        &r1,
        Family::Ipv4Unicast,
        &["203.0.113.66/32", "198.51.100.0/24", "192.0.2.128/25"],
        "ttl route announced",
    );
    wait_flows(&r1, "ttl rule withdrawn at expiry", |f| {
        f.len() == 1 && !has(f, "192.0.2.0/24")
    });
    wait_prefixes(
        &r1,
        Family::Ipv4Unicast,
        &["203.0.113.66/32", "198.51.100.0/24"],
        "ttl route withdrawn at expiry",
    );

    // Deleting a manifest withdraws its routes (v4 and v6); the rules stay.
    std::fs::remove_file(d.join("routes.yaml")).unwrap();
    wait_prefixes(
        &r1,
        Family::Ipv4Unicast,
        &[],
        "routes withdrawn (manifest deleted)",
    );
    wait_prefixes(
        &r1,
        Family::Ipv6Unicast,
        &[],
        "v6 route withdrawn (manifest deleted)",
    );
    assert_eq!(flows(&r1).unwrap().len(), 1);

    // Deleting the rules' manifest withdraws the last rule, with the speaker up.
    std::fs::remove_file(d.join("rules.yaml")).unwrap();
    wait_flows(
        &r1,
        "rules withdrawn (manifest deleted)",
        <[String]>::is_empty,
    );

    op.daemon.stop();
    speaker.daemon.stop();
}
