//! Layer: real peer over loopback, FRR 8.4 `bgpd` (no zebra). Our speaker (in-process, driven
//! over gRPC) peers with real `bgpd`s; what we inject must show in **`vtysh -c 'show bgp ...'`**
//! with its attributes, and disappear there when deleted; what FRR announces must show in our
//! RibService. FRR receives FlowSpec (it cannot originate it) and prints it as text.

mod support;

use support::scenario::{
    assert_received_from_ebgp, assert_received_from_ibgp, delete_rich, ebgp_routes, ibgp_routes,
    inject_rich,
};

use std::net::IpAddr;
use std::time::Instant;

use support::lab::{self, OUR_AS};
use support::{Peer, Speaker, WAIT, blocking, flows};
use testbed::frr::{Frr, FrrFlowRule, FrrRoute};
use testbed::{PeerSpec, UnicastRoute};

const EBGP_AS: u32 = 65004; // = scenario::peer_as(4)

type Lab = lab::Lab<Frr>;

/// Our speaker plus one FRR per (AS, families, routes it originates); all Established.
async fn lab(sides: &[(u32, &'static [&'static str], Vec<UnicastRoute>)]) -> Option<Lab> {
    let ours: Vec<lab::Ours> = sides.iter().map(|s| (s.0, s.1, "")).collect();
    Lab::start(testbed::frr::BGPD, &ours, |speaker, i, spec| {
        let me = speaker.as_neighbor(sides[i].1);
        Frr::start(spec, &[me], &sides[i].2).unwrap()
    })
    .await
}

/// Our path for `prefix` in FRR's RIB, with all attributes (`show bgp ... PREFIX json`).
fn from_us(frr: &Frr, speaker: &Speaker, prefix: &str) -> Option<FrrRoute> {
    let us: IpAddr = speaker.addr.into();
    let paths = frr.route(prefix).ok()?;
    paths.into_iter().find(|r| r.peer == Some(us))
}

fn wait_from_us(frr: &mut Frr, speaker: &Speaker, prefix: &str) -> FrrRoute {
    let what = format!("FRR to have {prefix} from us");
    let r = blocking(|| frr.wait_for(&what, WAIT, |f| Ok(from_us(f, speaker, prefix))));
    r.unwrap()
}

fn wait_gone(frr: &mut Frr, speaker: &Speaker, prefix: &str) {
    let what = format!("FRR to lose {prefix} from us");
    blocking(|| {
        frr.wait_for(&what, WAIT, |f| {
            Ok(from_us(f, speaker, prefix).is_none().then_some(()))
        })
    })
    .unwrap()
}

/// Checks what one FRR shows for RICH4/RICH6 from us; `ibgp` decides AS_PATH/LOCAL_PREF.
fn assert_rich(frr: &mut Frr, speaker: &Speaker, ibgp: bool) {
    let r = wait_from_us(frr, speaker, "198.51.100.0/24");
    assert_eq!(
        r.next_hops,
        vec!["192.0.2.1".parse::<IpAddr>().unwrap()],
        "{r:#?}"
    );
    assert_eq!(r.communities, vec![(65100, 1000), (65100, 2000)]);
    assert_eq!(r.large_communities, vec![(65000, 1, 2)]);
    assert_eq!(r.ext_communities, vec!["RT:65000:100"]);
    assert_eq!(r.med, Some(50));
    assert!(r.valid, "{r:#?}");
    if ibgp {
        assert_eq!(r.local_pref, Some(200));
        assert!(r.as_path.is_empty(), "{:?}", r.as_path);
    } else {
        assert_ne!(
            r.local_pref,
            Some(200),
            "LOCAL_PREF must not leak over eBGP"
        );
        assert_eq!(r.as_path, vec![OUR_AS]);
    }
    let r = wait_from_us(frr, speaker, "2001:db8:1000::/36");
    assert!(
        r.next_hops.contains(&"2001:db8::1".parse().unwrap()),
        "{r:#?}"
    );
    assert_eq!(r.communities, vec![(65100, 6)]);
    assert_eq!(r.large_communities, vec![(65000, 6, 6)]);
    assert_eq!(r.ext_communities, vec!["RT:65000:600"]);
    assert_eq!(r.med, Some(60));
    if ibgp {
        assert_eq!(r.local_pref, Some(250));
    }
}

/// eBGP and iBGP sessions; unicast with every community kind, MED and LOCAL_PREF both ways;
/// SIGKILL of the eBGP bgpd and a fresh one gets everything again; DeletePath withdraws.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_routes_restart_and_withdraw() {
    let start = Instant::now();
    let sides = [
        (EBGP_AS, &support::ALL_FAMILIES[..], ebgp_routes(4)),
        (OUR_AS, &support::UNICAST[..], ibgp_routes("192.0.2.44")),
    ];
    let Some(mut lab) = lab(&sides).await else {
        return;
    };
    let (ebgp, ibgp) = (lab.addr(0), lab.addr(1));
    let mut api = lab.speaker.injection().await;
    inject_rich(&mut api).await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    assert_rich(&mut lab.peers[1].1, &lab.speaker, true);

    assert_received_from_ebgp(&lab.speaker, ebgp, 4).await;
    assert_received_from_ibgp(&lab.speaker, ibgp, "FRR").await;

    // SIGKILL the eBGP bgpd; a new one on the same address gets everything again.
    lab.kill_and_restart(0, |speaker, spec| {
        let me = speaker.as_neighbor(&support::ALL_FAMILIES);
        Frr::start(spec, &[me], &ebgp_routes(4)).unwrap()
    });
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    lab.assert_back(0, 4).await;

    delete_rich(&mut api).await;
    for (_, frr) in &mut lab.peers {
        wait_gone(frr, &lab.speaker, "198.51.100.0/24");
        wait_gone(frr, &lab.speaker, "2001:db8:1000::/36");
    }
    lab.speaker.stop().await;
    support::report_time("frr sessions_routes_restart_and_withdraw", start);
}

/// Every component type and action, v4 and v6, as FRR decodes them; withdrawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flowspec_every_component_and_action() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[(EBGP_AS, &support::ALL_FAMILIES[..], Vec::new())]).await else {
        return;
    };
    flows::inject_all(&lab.speaker).await;
    let frr = &mut lab.peers[0].1;
    let v4 = blocking(|| {
        frr.wait_for("FRR ipv4 flowspec", WAIT, |f| {
            let r = f.flowspec(testbed::Family::Ipv4FlowSpec)?;
            Ok((r.len() == 4).then_some(r))
        })
    })
    .unwrap();
    let v6 = blocking(|| {
        frr.wait_for("FRR ipv6 flowspec", WAIT, |f| {
            let r = f.flowspec(testbed::Family::Ipv6FlowSpec)?;
            Ok((r.len() == 3).then_some(r))
        })
    })
    .unwrap();
    // Per rule of flows::ALL: FRR's component lines and its action text, as observed. FRR
    // prints the whole actions line; items it cannot name come out as `UNK:type, subtype`.
    let want: [(&[(&str, &str)], &str); 7] = [
        (
            &[
                ("Destination Address", "192.0.2.0/24"),
                ("Source Address", "198.51.100.0/24"),
                ("IP Protocol", "= 6"),
                ("Port", "= 80 , = 8080"),
                ("Destination Port", ">= 1024 , <= 2048"),
                ("Source Port", "= 443"),
                ("TCP Flags", "= 2,&∋ ! 16"),
                ("Packet Length", ">= 100 , <= 1500"),
                ("DSCP field", "= 10"),
                ("Packet Fragment", "∋ 2"),
            ],
            "rate 1000.000000|redirect VRF RT:65000:100|marking 46",
        ),
        (
            &[
                ("Destination Address", "203.0.113.0/24"),
                ("IP Protocol", "= 1"),
                ("ICMP Type", "= 8"),
                ("ICMP Code", "= 0"),
            ],
            // sample + terminal: FRR shows only "eval stops".
            "rate 0.000000|action eval stops",
        ),
        (
            &[
                ("Destination Address", "192.0.2.128/25"),
                ("IP Protocol", "= 17"),
                ("Destination Port", "= 53"),
            ],
            // traffic-rate-packets unknown to FRR 8.4; redirect 192.0.2.9:100 shown truncated.
            "UNK:128, 12 FS:redirect VRF RT:192.0.2.9:10",
        ),
        (
            &[
                ("Destination Address", "198.51.100.128/25"),
                ("IP Protocol", "= 6"),
            ],
            "redirect IP 0x0",
        ),
        (
            &[
                ("Destination Address", "2001:db8:1::/64/off 0"),
                ("Source Address", "2001:db8:2::/64/off 0"),
                ("IP Protocol", "= 6"),
                ("Port", ">= 8000 , <= 8080"),
                ("Destination Port", "= 443"),
                ("Source Port", "> 1023"),
                ("TCP Flags", "∋ 2"),
                ("Packet Length", ">= 64 , <= 1280"),
                ("DSCP field", "= 10"),
                ("Packet Fragment", "∋ 2"),
                ("Packet Flow Label", "= 12345"),
            ],
            // redirect 4200000000:100 shown truncated, like the IPv4 form.
            "rate 2000.000000|marking 10|redirect VRF RT:4200000000:1",
        ),
        (
            &[
                ("Destination Address", "2001:db8:3::/64/off 0"),
                ("IP Protocol", "= 58"),
                ("ICMP Type", "= 128 , = 129"),
                ("ICMP Code", "= 0"),
                ("Packet Flow Label", ">= 100 , <= 200"),
            ],
            "action eval stops UNK:128, 12",
        ),
        (
            &[
                ("Destination Address", "2001:db8:5::/64/off 0"),
                ("IP Protocol", "= 17"),
            ],
            "redirect IP 0x0|action eval stops",
        ),
    ];
    let shown: Vec<&FrrFlowRule> = v4.iter().chain(&v6).collect();
    for (comps, acts) in want {
        let comps: Vec<(String, String)> = comps
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let r = shown
            .iter()
            .find(|r| r.components == comps)
            .unwrap_or_else(|| panic!("FRR lacks {comps:?}: {shown:#?}"));
        let text = if r.actions.is_empty() {
            r.other[0].clone()
        } else {
            r.actions.join("|")
        };
        assert_eq!(text, acts, "{comps:?}");
    }
    // Redirect-to-IP: FRR shows the MP_REACH next hop we sent with the rule.
    let nh = |r: &&FrrFlowRule| r.other.iter().find(|o| o.starts_with("NLRI NH")).cloned();
    let nhs: Vec<String> = shown.iter().filter_map(nh).collect();
    assert_eq!(nhs, vec!["NLRI NH 192.0.2.254", "NLRI NH 2001:db8::99"]);
    flows::delete_all(&lab.speaker).await;
    blocking(|| {
        frr.wait_for("FRR flowspec empty", WAIT, |f| {
            let n = f.flowspec(testbed::Family::Ipv4FlowSpec)?.len()
                + f.flowspec(testbed::Family::Ipv6FlowSpec)?.len();
            Ok((n == 0).then_some(()))
        })
    })
    .unwrap();
    lab.speaker.stop().await;
    support::report_time("frr flowspec_every_component_and_action", start);
}

/// FRR's `show bgp neighbors US json` for our session.
fn frr_neighbor(frr: &Frr, us: IpAddr) -> serde_json::Value {
    let out = frr
        .vtysh(&[&format!("show bgp neighbors {us} json")])
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v[us.to_string()].clone()
}

/// Our counters for `peer`: (UPDATEs sent, ROUTE-REFRESH received, ROUTE-REFRESH sent).
async fn our_refresh_counters(speaker: &Speaker, peer: IpAddr) -> (u64, u64, u64) {
    let (sent, recv) = speaker.messages(peer).await;
    (sent.update, recv.route_refresh, sent.route_refresh)
}

/// `clear bgp US soft in` makes FRR send ROUTE-REFRESH; we answer with our Adj-RIB-Out
/// inside BoRR/EoRR (FRR negotiates enhanced route refresh) and FRR still holds our routes.
/// Our SoftReset(in) the other way: FRR counts our two ROUTE-REFRESH requests; our
/// Adj-RIB-In is unchanged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn route_refresh_from_frr_is_answered() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[(EBGP_AS, &support::UNICAST[..], ebgp_routes(4))]).await else {
        return;
    };
    let peer = lab.addr(0);
    let us: IpAddr = lab.speaker.addr.into();
    assert_received_from_ebgp(&lab.speaker, peer, 4).await;
    let mut api = lab.speaker.injection().await;
    inject_rich(&mut api).await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    let caps = lab.speaker.neighbor_state(peer).await.capabilities.unwrap();
    assert!(
        caps.route_refresh && caps.enhanced_route_refresh,
        "{caps:?}"
    );

    let (upd0, rr_in0, rr_out0) = our_refresh_counters(&lab.speaker, peer).await;
    let frr = &lab.peers[0].1;
    let stats0 = frr_neighbor(frr, us)["messageStats"].clone();
    frr.vtysh(&[&format!("clear bgp {us} soft in")]).unwrap();
    // One request per family from FRR; per family we send BoRR, the UPDATE, EoRR.
    let (upd1, rr_in1, rr_out1) =
        support::eventually("FRR's ROUTE-REFRESH answered", WAIT, || async {
            let c = our_refresh_counters(&lab.speaker, peer).await;
            (c.1 >= rr_in0 + 2 && c.0 >= upd0 + 2 && c.2 >= rr_out0 + 4).then_some(c)
        })
        .await;
    assert_eq!(rr_in1 - rr_in0, 2, "ipv4 and ipv6 unicast");
    assert_eq!(upd1 - upd0, 2, "one UPDATE per family");
    assert_eq!(rr_out1 - rr_out0, 4, "BoRR and EoRR per family");
    let stats1 = frr_neighbor(frr, us)["messageStats"].clone();
    let n = |v: &serde_json::Value, k: &str| v[k].as_u64().unwrap_or(0);
    let delta = |k: &str| n(&stats1, k) - n(&stats0, k);
    assert_eq!(delta("routeRefreshSent"), 2, "{stats1}");
    assert_eq!(
        delta("routeRefreshRecv"),
        4,
        "BoRR + EoRR per family: {stats1}"
    );
    assert_eq!(delta("updatesRecv"), 2, "{stats1}");
    // EoRR ended the refresh without purging anything: every route still there.
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);

    let before = lab.speaker.received_unicast(peer).await;
    // FRR's two routes, and our two reflected back (AS loop: kept, filtered).
    assert_eq!(before.len(), 4, "{before:?}");
    assert_eq!(
        before.iter().filter(|r| r.filtered).count(),
        2,
        "{before:?}"
    );
    let mut nb = lab.speaker.neighbors().await;
    let soft_in = bgpd_api::v1::SoftResetRequest {
        address: peer.to_string(),
        direction: "in".into(),
        family: String::new(),
    };
    // Observed: FRR 8.4 counts the requests but re-sends nothing (no BoRR/EoRR, no
    // UPDATE; presumably its duplicate suppression), so only the count and our intact RIB are checked
    // here; gobgpd's re-send is checked in interop_gobgp, BoRR/EoRR with BIRD (interop_bird).
    nb.soft_reset(soft_in).await.unwrap();
    let frr = &lab.peers[0].1;
    support::eventually("FRR counts our ROUTE-REFRESH", WAIT, || async {
        let st = frr_neighbor(frr, us)["messageStats"].clone();
        (n(&st, "routeRefreshRecv") >= n(&stats1, "routeRefreshRecv") + 2).then_some(())
    })
    .await;
    let stats2 = frr_neighbor(&lab.peers[0].1, us)["messageStats"].clone();
    assert_eq!(
        n(&stats2, "routeRefreshRecv") - n(&stats1, "routeRefreshRecv"),
        2
    );
    assert_eq!(lab.speaker.received_unicast(peer).await, before);
    lab.speaker.stop().await;
    support::report_time("frr route_refresh_from_frr_is_answered", start);
}

/// TCP MD5 with FRR: the same password on both ends reaches Established (and FRR's routes
/// arrive); a different password never does, on either side.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn md5_matching_password_establishes_a_wrong_one_never() {
    let start = Instant::now();
    if !testbed::require(testbed::frr::BGPD) {
        return;
    }
    let good = PeerSpec::loopback_v4(EBGP_AS).unwrap();
    let bad = PeerSpec::loopback_v4(65044).unwrap();
    let peer = |spec: &PeerSpec, extra| Peer {
        addr: spec.local_addr,
        asn: spec.local_as,
        port: spec.port,
        families: &support::UNICAST,
        extra,
    };
    let speaker = Speaker::start(
        OUR_AS,
        &[
            peer(&good, "password = \"frr-md5-ok\""),
            peer(&bad, "password = \"frr-md5-ours\""),
        ],
    )
    .await;
    let me = speaker.as_neighbor(&support::UNICAST);
    let ok = me.clone().md5("frr-md5-ok");
    let wrong = me.md5("frr-md5-theirs");
    let mut frr_good = blocking(|| Frr::start(good.clone(), &[ok], &ebgp_routes(4))).unwrap();
    let frr_bad = blocking(|| Frr::start(bad.clone(), &[wrong], &[])).unwrap();
    let us: IpAddr = speaker.addr.into();
    blocking(|| frr_good.wait_established(us, WAIT)).unwrap();
    speaker.wait_established(good.local_addr).await;
    assert_received_from_ebgp(&speaker, good.local_addr, 4).await;
    assert!(speaker.neighbor_state(good.local_addr).await.password_set);

    // Both sides keep dialling (connect retry 1 s); the kernel drops every mis-signed SYN.
    let watch = std::time::Instant::now();
    while watch.elapsed() < std::time::Duration::from_secs(6) {
        let ours = speaker.neighbor_state(bad.local_addr).await;
        assert_ne!(ours.session_state, support::ESTABLISHED, "{ours:?}");
        assert_eq!(ours.established_transitions, 0);
        let theirs = blocking(|| frr_bad.session_state(us)).unwrap();
        assert_ne!(theirs, testbed::SessionState::Established);
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    speaker.stop().await;
    drop((frr_good, frr_bad));
    support::report_time(
        "frr md5_matching_password_establishes_a_wrong_one_never",
        start,
    );
}
