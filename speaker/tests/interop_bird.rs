//! Layer: real peer over loopback, BIRD 2.0. Our speaker (in-process, driven over gRPC) peers
//! with real `bird`s; what we inject must show in **`birdc show route ... all`** with its
//! attributes, and disappear there when deleted; what BIRD announces must show in our
//! RibService. BIRD prints FlowSpec actions as raw `(generic, ...)` communities, decoded with
//! the testbed's `flow_actions()`.

mod support;

use support::scenario::{
    assert_received_from_ebgp, assert_received_from_ibgp, delete_rich, ebgp_routes, ibgp_routes,
    inject_rich,
};

use std::net::IpAddr;
use std::time::Instant;

use support::lab::{self, OUR_AS};
use support::{Speaker, WAIT, blocking, flows};
use testbed::UnicastRoute;
use testbed::bird::{Bird, BirdRoute};

const EBGP_AS: u32 = 65003; // = scenario::peer_as(3)

type Lab = lab::Lab<Bird>;

/// Our speaker plus one BIRD per (AS, families, routes it originates); all Established.
async fn lab(sides: &[(u32, &'static [&'static str], Vec<UnicastRoute>)]) -> Option<Lab> {
    lab_with(sides, "").await
}

/// [`lab`], with `extra` lines in each of our `[[neighbors]]`.
async fn lab_with(
    sides: &[(u32, &'static [&'static str], Vec<UnicastRoute>)],
    extra: &'static str,
) -> Option<Lab> {
    let ours: Vec<lab::Ours> = sides.iter().map(|s| (s.0, s.1, extra)).collect();
    Lab::start("bird", &ours, |speaker, i, spec| {
        let me = speaker.as_neighbor(sides[i].1);
        Bird::start(spec, &[me], &sides[i].2).unwrap()
    })
    .await
}

fn from_us(routes: &[BirdRoute], speaker: &Speaker, net: &str) -> Option<BirdRoute> {
    let us: IpAddr = speaker.addr.into();
    routes
        .iter()
        .find(|r| r.net == net && r.from == Some(us))
        .cloned()
}

/// Waits until BIRD's `table` no longer has our route for `net`.
fn wait_gone(bird: &mut Bird, speaker: &Speaker, table: &str, net: &str) {
    blocking(|| bird.wait_routes(table, WAIT, |r| from_us(r, speaker, net).is_none())).unwrap();
}

/// Checks what one BIRD shows for RICH4/RICH6 from us; `ibgp` decides AS_PATH/LOCAL_PREF.
fn assert_rich(bird: &mut Bird, speaker: &Speaker, ibgp: bool) {
    let v4 = blocking(|| {
        bird.wait_routes("master4", WAIT, |r| {
            from_us(r, speaker, "198.51.100.0/24").is_some()
        })
    })
    .unwrap();
    let r = from_us(&v4, speaker, "198.51.100.0/24").unwrap();
    assert_eq!(r.next_hop, Some("192.0.2.1".parse().unwrap()), "{r:#?}");
    assert_eq!(r.communities, vec![(65100, 1000), (65100, 2000)]);
    assert_eq!(r.large_communities, vec![(65000, 1, 2)]);
    assert_eq!(r.ext_communities, vec!["(rt, 65000, 100)"]);
    assert_eq!(r.med, Some(50));
    if ibgp {
        assert_eq!(r.local_pref, Some(200));
        assert!(r.as_path.is_empty(), "{:?}", r.as_path);
    } else {
        // BIRD fills in its own default LOCAL_PREF (100) on eBGP import: not ours (200).
        assert_ne!(
            r.local_pref,
            Some(200),
            "LOCAL_PREF must not leak over eBGP"
        );
        assert_eq!(r.as_path, vec![OUR_AS]);
    }
    let v6 = blocking(|| {
        bird.wait_routes("master6", WAIT, |r| {
            from_us(r, speaker, "2001:db8:1000::/36").is_some()
        })
    })
    .unwrap();
    let r = from_us(&v6, speaker, "2001:db8:1000::/36").unwrap();
    assert_eq!(r.next_hop, Some("2001:db8::1".parse().unwrap()), "{r:#?}");
    assert_eq!(r.communities, vec![(65100, 6)]);
    assert_eq!(r.large_communities, vec![(65000, 6, 6)]);
    assert_eq!(r.ext_communities, vec!["(rt, 65000, 600)"]);
    assert_eq!(r.med, Some(60));
    if ibgp {
        assert_eq!(r.local_pref, Some(250));
    }
}

/// eBGP and iBGP sessions; unicast with every community kind, MED and LOCAL_PREF both ways;
/// SIGKILL of the eBGP BIRD and a fresh one gets everything again; DeletePath withdraws.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_routes_restart_and_withdraw() {
    let start = Instant::now();
    let sides = [
        (EBGP_AS, &support::ALL_FAMILIES[..], ebgp_routes(3)),
        (OUR_AS, &support::UNICAST[..], ibgp_routes("192.0.2.4")),
    ];
    let Some(mut lab) = lab(&sides).await else {
        return;
    };
    let (ebgp, ibgp) = (lab.addr(0), lab.addr(1));
    let mut api = lab.speaker.injection().await;
    inject_rich(&mut api).await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    assert_rich(&mut lab.peers[1].1, &lab.speaker, true);

    assert_received_from_ebgp(&lab.speaker, ebgp, 3).await;
    assert_received_from_ibgp(&lab.speaker, ibgp, "BIRD").await;

    // SIGKILL the eBGP BIRD; a new one on the same address gets everything again.
    lab.kill_and_restart(0, |speaker, spec| {
        let me = speaker.as_neighbor(&support::ALL_FAMILIES);
        Bird::start(spec, &[me], &ebgp_routes(3)).unwrap()
    });
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    lab.assert_back(0, 3).await;

    delete_rich(&mut api).await;
    for (_, bird) in &mut lab.peers {
        wait_gone(bird, &lab.speaker, "master4", "198.51.100.0/24");
        wait_gone(bird, &lab.speaker, "master6", "2001:db8:1000::/36");
    }
    lab.speaker.stop().await;
    support::report_time("bird sessions_routes_restart_and_withdraw", start);
}

/// BIRD's `(generic, 0xHI, 0xLO)` communities as actions (including those the testbed's
/// `flow_actions()` skips: traffic-rate-packets and redirect-to-IP).
fn actions(r: &BirdRoute) -> Vec<flows::Act> {
    r.ext_communities
        .iter()
        .filter_map(|c| {
            let parts: Vec<&str> = c
                .trim_matches(|ch| ch == '(' || ch == ')')
                .split(',')
                .map(str::trim)
                .collect();
            let hex = |s: &str| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok();
            match parts.as_slice() {
                ["generic", hi, lo] => flows::act_from_raw(hex(hi)? << 32 | hex(lo)?),
                _ => None,
            }
        })
        .collect()
}

/// Every component type and action, v4 and v6, exactly as BIRD decodes them; withdrawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flowspec_every_component_and_action() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[(EBGP_AS, &support::ALL_FAMILIES[..], Vec::new())]).await else {
        return;
    };
    flows::inject_all(&lab.speaker).await;
    let bird = &mut lab.peers[0].1;
    let v4 = blocking(|| bird.wait_routes("flowtab4", WAIT, |r| r.len() == 4)).unwrap();
    let v6 = blocking(|| bird.wait_routes("flowtab6", WAIT, |r| r.len() == 3)).unwrap();
    // Rules in ALL's order (v4-all, v4-icmp, v4-pps, v4-nh, v6-all, v6-icmp, v6-nh).
    let want = [
        (
            "flow4 { dst 192.0.2.0/24; src 198.51.100.0/24; proto 6; port 80,8080; \
             dport 1024..2048; sport 443; tcp flags 0x2/0x2 && 0x0/0x10; length 100..1500; \
             dscp 10; fragment !!is_fragment; }",
            0,
        ),
        (
            "flow4 { dst 203.0.113.0/24; proto 1; icmp type 8; icmp code 0; }",
            1,
        ),
        ("flow4 { dst 192.0.2.128/25; proto 17; dport 53; }", 2),
        ("flow4 { dst 198.51.100.128/25; proto 6; }", 3),
        (
            "flow6 { dst 2001:db8:1::/64; src 2001:db8:2::/64; next header 6; port 8000..8080; \
             dport 443; sport > 1023; tcp flags !0x0/0x2; length 64..1280; dscp 10; \
             fragment !!is_fragment; label 12345; }",
            4,
        ),
        (
            "flow6 { dst 2001:db8:3::/64; next header 58; icmp type 128,129; icmp code 0; \
             label 100..200; }",
            5,
        ),
        ("flow6 { dst 2001:db8:5::/64; next header 17; }", 6),
    ];
    let expected = flows::expected_actions();
    let shown: Vec<&BirdRoute> = v4.iter().chain(&v6).collect();
    for (net, i) in want {
        let r = shown
            .iter()
            .find(|r| r.net == net)
            .unwrap_or_else(|| panic!("BIRD lacks {net}: {shown:#?}"));
        assert_eq!(actions(r), expected[i], "{net}");
        assert_eq!(r.as_path, vec![OUR_AS]);
    }
    flows::delete_all(&lab.speaker).await;
    blocking(|| bird.wait_routes("flowtab4", WAIT, |r| r.is_empty())).unwrap();
    blocking(|| bird.wait_routes("flowtab6", WAIT, |r| r.is_empty())).unwrap();
    lab.speaker.stop().await;
    support::report_time("bird flowspec_every_component_and_action", start);
}

/// Our SoftReset(in) to BIRD, which negotiates enhanced route refresh: BIRD re-sends its
/// routes between BoRR and EoRR (RFC 7313), and our Adj-RIB-In ends exactly as before:
/// re-sent routes are fresh, nothing is purged as stale. With `stale_route_timeout = 1`,
/// BIRD's EoRR must also stop the stale timer: a second later nothing has timed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_reset_in_with_enhanced_route_refresh() {
    let start = Instant::now();
    let sides = [(EBGP_AS, &support::UNICAST[..], ebgp_routes(3))];
    let Some(lab) = lab_with(&sides, "stale_route_timeout = 1").await else {
        return;
    };
    let peer = lab.addr(0);
    assert_received_from_ebgp(&lab.speaker, peer, 3).await;
    let caps = lab.speaker.neighbor_state(peer).await.capabilities.unwrap();
    assert!(
        caps.route_refresh && caps.enhanced_route_refresh,
        "{caps:?}"
    );
    let received = || lab.speaker.received_unicast(peer);
    let before = received().await;
    let counters = || async {
        let s = lab.speaker.neighbor_state(peer).await;
        let m = s.messages_received.unwrap_or_default();
        (m.route_refresh, m.update)
    };
    let (rr0, upd0) = counters().await;
    let mut nb = lab.speaker.neighbors().await;
    let soft_in = bgpd_api::v1::SoftResetRequest {
        address: peer.to_string(),
        direction: "in".into(),
        family: String::new(),
    };
    nb.soft_reset(soft_in).await.unwrap();
    // Per family: BoRR, the routes, EoRR.
    let (rr1, upd1) = support::eventually("BIRD's BoRR, routes, EoRR", WAIT, || async {
        let c = counters().await;
        (c.0 >= rr0 + 4 && c.1 >= upd0 + 2).then_some(c)
    })
    .await;
    assert_eq!(rr1 - rr0, 4, "BoRR and EoRR for ipv4 and ipv6 unicast");
    assert!(upd1 >= upd0 + 2);
    assert_eq!(received().await, before);
    // Past the 1 s deadline the EoRRs should have cleared.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    assert_eq!(received().await, before);
    let metrics = support::scrape(lab.speaker.metrics);
    // The family renders only once counted (its name as in `daemon/stale/tests.rs`).
    assert!(metrics.contains("rustbgpd_messages_total{"), "{metrics}");
    assert!(
        !metrics.contains("rustbgpd_route_refresh_stale_timeouts_total{"),
        "{metrics}"
    );
    lab.speaker.stop().await;
    support::report_time("bird soft_reset_in_with_enhanced_route_refresh", start);
}
