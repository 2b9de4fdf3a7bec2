//! Layer: real peer over loopback. Our speaker (in-process, driven over its real gRPC TCP
//! listener) peers with real `gobgpd`s; what we inject must show in **gobgpd's own RIB**
//! (`gobgp -j global rib`) with its attributes, and disappear there when deleted; what gobgpd
//! announces must show in our RibService.
//!
//! gobgpd is passive everywhere (GoBGP 3.10 dials only after ~5 s): our speaker dials it.

mod support;

use support::scenario::{
    assert_received_from_ebgp, assert_received_from_ibgp, delete_rich, ebgp_routes, ibgp_routes,
    inject_rich,
};

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bgpd_api::v1::{AddFlowSpecRequest, AddPathRequest, DeleteFlowSpecRequest, DeletePathRequest};
use support::flows::Act;
use support::lab::{self, OUR_AS};
use support::{Speaker, WAIT, blocking, flows, json};
use testbed::gobgp::{GoBgp, GoExtCommunity, GoRoute};
use testbed::{Family, FlowAction};

const EBGP_AS: u32 = 65002; // = scenario::peer_as(2)

/// One gobgpd of the lab and how our speaker configures it.
struct Side {
    asn: u32,
    families: &'static [&'static str],
    /// Extra lines for our `[[neighbors]]` entry.
    extra: &'static str,
    md5: Option<&'static str>,
}

const EBGP: Side = Side {
    asn: EBGP_AS,
    families: &support::ALL_FAMILIES,
    extra: "",
    md5: None,
};
const IBGP: Side = Side {
    asn: OUR_AS,
    families: &support::UNICAST,
    extra: "",
    md5: None,
};

type Lab = lab::Lab<GoBgp>;

/// Our speaker plus one gobgpd per side, every session Established on both ends.
async fn lab(sides: &[Side]) -> Option<Lab> {
    let ours: Vec<lab::Ours> = sides.iter().map(|s| (s.asn, s.families, s.extra)).collect();
    Lab::start("gobgpd", &ours, |speaker, i, spec| {
        let mut me = speaker.as_neighbor(sides[i].families).passive();
        me.md5 = sides[i].md5.map(String::from);
        GoBgp::start(spec, &[me]).unwrap()
    })
    .await
}

fn from_us(routes: &[GoRoute], speaker: &Speaker, prefix: &str) -> Option<GoRoute> {
    let us: IpAddr = speaker.addr.into();
    routes
        .iter()
        .find(|r| r.prefix == prefix && r.neighbor == Some(us))
        .cloned()
}

/// Waits until gobgpd's `family` RIB no longer has our route for `prefix`.
fn wait_gone(go: &mut GoBgp, speaker: &Speaker, family: Family, prefix: &str) {
    blocking(|| go.wait_rib(family, WAIT, |r| from_us(r, speaker, prefix).is_none())).unwrap();
}

/// The route targets among gobgp's extended communities, as its `value` text ("65000:100").
fn route_targets(r: &GoRoute) -> Vec<String> {
    r.ext_communities
        .iter()
        .filter_map(|c| match c {
            GoExtCommunity::Other(v) if v.get("subtype").and_then(|s| s.as_u64()) == Some(2) => {
                v.get("value").and_then(|s| s.as_str()).map(String::from)
            }
            _ => None,
        })
        .collect()
}

/// Checks what one gobgpd shows for RICH4/RICH6 from us; `ibgp` decides AS_PATH/LOCAL_PREF.
fn assert_rich(go: &mut GoBgp, speaker: &Speaker, ibgp: bool) {
    let v4 = blocking(|| {
        go.wait_rib(Family::Ipv4Unicast, WAIT, |r| {
            from_us(r, speaker, "198.51.100.0/24").is_some()
        })
    })
    .unwrap();
    let r = from_us(&v4, speaker, "198.51.100.0/24").unwrap();
    assert_eq!(r.next_hop, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(r.communities, vec![(65100, 1000), (65100, 2000)]);
    assert_eq!(r.large_communities, vec![(65000, 1, 2)]);
    assert_eq!(
        route_targets(&r),
        vec!["65000:100"],
        "{:?}",
        r.ext_communities
    );
    assert_eq!(r.med, Some(50));
    if ibgp {
        assert_eq!(r.local_pref, Some(200));
        assert!(r.as_path.is_empty(), "{:?}", r.as_path);
    } else {
        assert_eq!(r.local_pref, None, "LOCAL_PREF must not leak over eBGP");
        assert_eq!(r.as_path, vec![OUR_AS]);
    }
    let v6 = blocking(|| {
        go.wait_rib(Family::Ipv6Unicast, WAIT, |r| {
            from_us(r, speaker, "2001:db8:1000::/36").is_some()
        })
    })
    .unwrap();
    let r = from_us(&v6, speaker, "2001:db8:1000::/36").unwrap();
    assert_eq!(r.next_hop, Some("2001:db8::1".parse().unwrap()));
    assert_eq!(r.communities, vec![(65100, 6)]);
    assert_eq!(r.large_communities, vec![(65000, 6, 6)]);
    assert_eq!(route_targets(&r), vec!["65000:600"]);
    assert_eq!(r.med, Some(60));
    assert_eq!(r.local_pref, ibgp.then_some(250));
}

/// eBGP and iBGP sessions; unicast with every community kind, MED and LOCAL_PREF both ways;
/// SIGKILL of the eBGP gobgpd and a fresh one gets everything again; DeletePath withdraws.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sessions_routes_restart_and_withdraw() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[EBGP, IBGP]).await else {
        return;
    };
    let (ebgp, ibgp) = (lab.addr(0), lab.addr(1));
    for r in ebgp_routes(2) {
        lab.peers[0].1.add_route(&r).unwrap();
    }
    for r in ibgp_routes("192.0.2.3") {
        lab.peers[1].1.add_route(&r).unwrap();
    }

    let mut api = lab.speaker.injection().await;
    inject_rich(&mut api).await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    assert_rich(&mut lab.peers[1].1, &lab.speaker, true);

    assert_received_from_ebgp(&lab.speaker, ebgp, 2).await;
    // iBGP: gobgpd's LOCAL_PREF arrives.
    let r = assert_received_from_ibgp(&lab.speaker, ibgp, "gobgpd").await;
    assert!(r.as_path.iter().all(|s| s.asns.is_empty()));

    // Kill the eBGP gobgpd outright; a new one on the same address gets everything again.
    lab.kill_and_restart(0, |speaker, spec| {
        let me = speaker.as_neighbor(EBGP.families).passive();
        let go = GoBgp::start(spec, &[me]).unwrap();
        for r in ebgp_routes(2) {
            go.add_route(&r).unwrap();
        }
        go
    });
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    lab.assert_back(0, 2).await;

    // DeletePath withdraws from both gobgpds.
    delete_rich(&mut api).await;
    for (_, go) in &mut lab.peers {
        wait_gone(go, &lab.speaker, Family::Ipv4Unicast, "198.51.100.0/24");
        wait_gone(go, &lab.speaker, Family::Ipv6Unicast, "2001:db8:1000::/36");
    }
    lab.speaker.stop().await;
    support::report_time("gobgp sessions_routes_restart_and_withdraw", start);
}

/// The seed's RTBH and FlowSpec bodies verbatim still work (kept from the first version).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_bodies_reach_gobgp_and_are_withdrawn() {
    let Some(mut lab) = lab(&[EBGP]).await else {
        return;
    };
    let mut api = lab.speaker.injection().await;
    let rtbh: AddPathRequest = json(
        r#"{"prefix": "203.0.113.10/32", "next_hop": "192.0.2.1", "communities": ["65535:666"]}"#,
    );
    api.add_path(rtbh).await.unwrap();
    let fs: AddFlowSpecRequest = json(
        r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32",
            "protocols": [17], "destination_ports": [53]}, "actions": {"traffic_rate_bytes": 1250000}}"#,
    );
    api.add_flow_spec(fs).await.unwrap();
    let peer = lab.peers[0].0.local_addr;
    let go = &mut lab.peers[0].1;
    let v4 = blocking(|| go.wait_rib(Family::Ipv4Unicast, WAIT, |r| r.len() == 1)).unwrap();
    assert_eq!(v4[0].communities, vec![(65535, 666)]);
    // Prometheus: the neighbor's advertised count and session state (refreshed every 5 s).
    let advertised = format!(
        "rustbgpd_prefixes{{neighbor=\"{peer}\",family=\"ipv4_unicast\",kind=\"advertised\"}} 1"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(12);
    let mut text = support::scrape(lab.speaker.metrics);
    while !text.contains(&advertised) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        text = support::scrape(lab.speaker.metrics);
    }
    assert!(text.contains(&advertised), "{text}");
    assert!(
        text.contains(&format!("rustbgpd_session_state{{neighbor=\"{peer}\"}} 6")),
        "{text}"
    );
    assert!(text.contains("rustbgpd_grpc_requests_total"), "{text}");
    let flows = blocking(|| go.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| !r.is_empty())).unwrap();
    assert_eq!(
        flows[0].flow_actions(),
        vec![FlowAction::TrafficRate {
            asn: 0,
            rate: 1_250_000.0
        }]
    );
    let del: DeletePathRequest = json(r#"{"prefix": "203.0.113.10/32"}"#);
    assert_eq!(api.delete_path(del).await.unwrap().into_inner().deleted, 1);
    let del_fs: DeleteFlowSpecRequest = json(
        r#"{"family": "ipv4_flowspec", "rule": {"destination_prefix": "203.0.113.10/32",
            "protocols": [17], "destination_ports": [53]}}"#,
    );
    api.delete_flow_spec(del_fs).await.unwrap();
    blocking(|| go.wait_rib(Family::Ipv4Unicast, WAIT, |r| r.is_empty())).unwrap();
    blocking(|| go.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| r.is_empty())).unwrap();
    lab.speaker.stop().await;
}

/// Every component type and action, v4 and v6, exactly as gobgpd decodes them; withdrawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flowspec_every_component_and_action() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[EBGP]).await else {
        return;
    };
    flows::inject_all(&lab.speaker).await;
    let go = &mut lab.peers[0].1;
    let v4 = blocking(|| go.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| r.len() == 4)).unwrap();
    let v6 = blocking(|| go.wait_rib(Family::Ipv6FlowSpec, WAIT, |r| r.len() == 3)).unwrap();
    let shown: Vec<(String, Vec<Act>)> = v4
        .iter()
        .chain(&v6)
        .map(|r| (r.prefix.clone(), actions(r)))
        .collect();
    // gobgp's text key of each rule, and its index in flows::ALL.
    let want = [
        (
            "[destination: 192.0.2.0/24][source: 198.51.100.0/24][protocol: ==tcp][port: ==80 ==8080]\
             [destination-port: >=1024&<=2048][source-port: ==443][tcp-flags: =S&!A]\
             [packet-length: >=100&<=1500][dscp: ==10][fragment: is-fragment]",
            0,
        ),
        (
            "[destination: 192.0.2.128/25][protocol: ==udp][destination-port: ==53]",
            2,
        ),
        ("[destination: 198.51.100.128/25][protocol: ==tcp]", 3),
        (
            "[destination: 203.0.113.0/24][protocol: ==icmp][icmp-type: ==8][icmp-code: ==0]",
            1,
        ),
        (
            "[destination: 2001:db8:1::/64/0][source: 2001:db8:2::/64/0][protocol: ==tcp]\
             [port: >=8000&<=8080][destination-port: ==443][source-port: >1023][tcp-flags: S]\
             [packet-length: >=64&<=1280][dscp: ==10][fragment: is-fragment][label: ==12345]",
            4,
        ),
        (
            "[destination: 2001:db8:3::/64/0][protocol: ==58][icmp-type: ==128 ==129]\
             [icmp-code: ==0][label: >=100&<=200]",
            5,
        ),
        ("[destination: 2001:db8:5::/64/0][protocol: ==udp]", 6),
    ];
    let expected = flows::expected_actions();
    for (i, (key, rule)) in want.iter().enumerate() {
        assert_eq!(shown[i].0, *key);
        assert_eq!(shown[i].1, expected[*rule], "{key}");
    }
    // The NLRI JSON too: component types in order, each with gobgp's operator bytes.
    let types: Vec<Vec<u8>> = v4
        .iter()
        .chain(&v6)
        .map(|r| r.flowspec.iter().map(|c| c.kind).collect())
        .collect();
    assert_eq!(types[0], vec![1, 2, 3, 4, 5, 6, 9, 10, 11, 12]);
    assert_eq!(types[3], vec![1, 3, 7, 8]);
    assert_eq!(types[4], vec![1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13]);
    assert_eq!(types[5], vec![1, 3, 7, 8, 13]);
    assert_eq!(v6[0].component(13).unwrap().ops, vec![(0x91, 12345)]);
    assert_eq!(
        v4[0].component(4).unwrap().ops,
        vec![(0x01, 80), (0x91, 8080)]
    );
    flows::delete_all(&lab.speaker).await;
    blocking(|| go.wait_rib(Family::Ipv4FlowSpec, WAIT, |r| r.is_empty())).unwrap();
    blocking(|| go.wait_rib(Family::Ipv6FlowSpec, WAIT, |r| r.is_empty())).unwrap();
    lab.speaker.stop().await;
    support::report_time("gobgp flowspec_every_component_and_action", start);
}

/// The FlowSpec actions gobgp shows: decoded by the testbed, or (traffic-rate-packets and
/// redirect-to-IP, which GoBGP 3.10 prints as unknown communities) decoded here.
fn actions(r: &GoRoute) -> Vec<Act> {
    r.ext_communities
        .iter()
        .filter_map(|c| match c {
            GoExtCommunity::Flow(a) => Some(Act::Flow(*a)),
            GoExtCommunity::Other(v) => {
                let ty = v.get("type")?.as_u64()?;
                // Route targets (type 0-2, subtype 2) are not actions.
                if ty < 3 && v.get("subtype")?.as_u64()? == 2 {
                    return None;
                }
                // Redirect AS4: GoBGP prints the AS in asdot ("64086.59904:100").
                if (ty, v.get("subtype")?.as_u64()?) == (130, 8) {
                    let (asn, value) = v.get("value")?.as_str()?.split_once(':')?;
                    let (hi, lo) = asn.split_once('.').unwrap_or(("0", asn));
                    let asn = hi.parse::<u32>().ok()? << 16 | lo.parse::<u32>().ok()?;
                    let value = value.parse().ok()?;
                    return Some(Act::Flow(FlowAction::RedirectAs4 { asn, value }));
                }
                // Unknown communities: "value" is base64 of subtype + 6 value bytes.
                let bytes = v.get("value")?.as_str().and_then(base64)?;
                let mut raw = [0u8; 8];
                raw[0] = ty as u8;
                raw[1..].copy_from_slice(bytes.get(..7)?);
                let act = flows::act_from_raw(u64::from_be_bytes(raw));
                Some(act.unwrap_or_else(|| panic!("not a FlowSpec action: {v}")))
            }
        })
        .collect()
}

fn base64(s: &str) -> Option<Vec<u8>> {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for ch in s.bytes().filter(|c| *c != b'=') {
        acc = (acc << 6) | ABC.iter().position(|x| *x == ch)? as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

/// TCP MD5 on both sides reaches Established; freezing gobgpd (SIGSTOP) makes our hold timer
/// expire and we send NOTIFICATION 4/0, which gobgpd logs once it runs again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn md5_session_and_hold_timer_expiry() {
    let start = Instant::now();
    let side = Side {
        asn: OUR_AS,
        families: &support::UNICAST,
        extra: "password = \"s3cret-md5\"\nhold_time = 3",
        md5: Some("s3cret-md5"),
    };
    let Some(lab) = lab(&[side]).await else {
        return;
    };
    let peer = lab.addr(0);
    let st = lab.speaker.neighbor_state(peer).await;
    assert!(st.password_set);
    assert_eq!(st.capabilities.as_ref().unwrap().hold_time, 3);
    // The kernel signs this session: `ss` lists an MD5 key on both ends of the connection.
    let ss = std::process::Command::new("ss")
        .args(["-tnie", "state", "established"])
        .output()
        .unwrap();
    let ss = String::from_utf8_lossy(&ss.stdout).replace("\n\t", " ");
    let (us, them) = (lab.speaker.addr.to_string(), peer.to_string());
    let ends: Vec<&str> = ss
        .lines()
        .filter(|l| l.contains(&format!("{us}:")) && l.contains(&format!("{them}:")))
        .collect();
    assert_eq!(ends.len(), 2, "{ss}");
    assert!(
        ends.iter()
            .any(|l| l.contains(&format!("md5keys:{them}/32"))),
        "{ends:?}"
    );
    assert!(
        ends.iter().any(|l| l.contains(&format!("md5keys:{us}/32"))),
        "{ends:?}"
    );

    let pids = lab.peers[0].1.pids();
    support::signal(&pids, libc::SIGSTOP);
    let st = support::eventually("NOTIFICATION 4/0 sent", Duration::from_secs(10), || async {
        let s = lab.speaker.neighbor_state(peer).await;
        s.last_notification_sent
            .clone()
            .filter(|n| n.code == 4)
            .map(|n| (n, s))
    })
    .await;
    support::signal(&pids, libc::SIGCONT);
    assert_eq!((st.0.code, st.0.subcode), (4, 0), "{st:?}");
    assert_eq!(st.1.last_error, "HoldTimerExpired");
    // Thawed, gobgpd reconnects (still with MD5) and the session comes back.
    let st = lab.speaker.wait_established(peer).await;
    assert_eq!(st.established_transitions, 2);
    lab.speaker.stop().await;
    support::report_time("gobgp md5_session_and_hold_timer_expiry", start);
}

/// One counter of gobgpd's `neighbor ADDR` JSON: `state.messages.{dir}.{kind}`.
fn go_messages(go: &GoBgp, neighbor: IpAddr, dir: &str, kind: &str) -> u64 {
    let out = go
        .raw_cli(&["-j", "neighbor", &neighbor.to_string()])
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["state"]["messages"][dir][kind].as_u64().unwrap_or(0)
}

/// Our (UPDATE, ROUTE-REFRESH) counters for `peer`: (sent updates, received refreshes,
/// received updates).
async fn our_counters(speaker: &Speaker, peer: IpAddr) -> (u64, u64, u64) {
    let (sent, recv) = speaker.messages(peer).await;
    (sent.update, recv.route_refresh, recv.update)
}

/// SoftReset with gobgpd: our SoftReset(in) makes gobgpd count a ROUTE-REFRESH and re-send
/// its routes (our Adj-RIB-In unchanged and complete); SoftReset(out) re-sends ours and
/// gobgpd still holds exactly them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_reset_in_and_out() {
    let start = Instant::now();
    let Some(mut lab) = lab(&[EBGP]).await else {
        return;
    };
    let peer = lab.addr(0);
    let us: IpAddr = lab.speaker.addr.into();
    for r in ebgp_routes(2) {
        lab.peers[0].1.add_route(&r).unwrap();
    }
    let mut api = lab.speaker.injection().await;
    inject_rich(&mut api).await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    assert_received_from_ebgp(&lab.speaker, peer, 2).await;
    let st = lab.speaker.neighbor_state(peer).await;
    assert!(st.capabilities.as_ref().unwrap().route_refresh, "{st:?}");

    // (`gobgp neighbor X softresetin` does not send a ROUTE-REFRESH: GoBGP keeps an
    // Adj-RIB-In and re-filters it locally, so the peer-asks-us direction is tested with FRR.)
    let go = &mut lab.peers[0].1;
    // We ask gobgpd: it counts our ROUTE-REFRESH and sends its routes again.
    let before = lab.speaker.received_unicast(peer).await;
    assert_eq!(before.len(), 2, "{before:?}");
    let go_rr0 = go_messages(go, us, "received", "refresh");
    let (_, _, upd0) = our_counters(&lab.speaker, peer).await;
    let mut nb = lab.speaker.neighbors().await;
    let soft_in = bgpd_api::v1::SoftResetRequest {
        address: peer.to_string(),
        direction: "in".into(),
        family: String::new(),
    };
    nb.soft_reset(soft_in).await.unwrap();
    let go = &lab.peers[0].1;
    support::eventually("gobgpd counts our ROUTE-REFRESH", WAIT, || async {
        (go_messages(go, us, "received", "refresh") > go_rr0).then_some(())
    })
    .await;
    support::eventually("gobgpd re-sends its routes", WAIT, || async {
        (our_counters(&lab.speaker, peer).await.2 >= upd0 + 2).then_some(())
    })
    .await;
    assert_eq!(lab.speaker.received_unicast(peer).await, before);

    // SoftReset(out): our Adj-RIB-Out once more; gobgpd still holds exactly our two routes.
    let (sent2, _, _) = our_counters(&lab.speaker, peer).await;
    let soft_out = bgpd_api::v1::SoftResetRequest {
        address: peer.to_string(),
        direction: "out".into(),
        family: "ipv4_unicast".into(),
    };
    nb.soft_reset(soft_out).await.unwrap();
    support::eventually("SoftReset(out) re-sent", WAIT, || async {
        (our_counters(&lab.speaker, peer).await.0 > sent2).then_some(())
    })
    .await;
    assert_rich(&mut lab.peers[0].1, &lab.speaker, false);
    assert_eq!(
        lab.peers[0]
            .1
            .adj_in(us, Family::Ipv4Unicast)
            .unwrap()
            .len(),
        1
    );
    // An unknown neighbor is NOT_FOUND.
    let bad = bgpd_api::v1::SoftResetRequest {
        address: "192.0.2.99".into(),
        direction: "in".into(),
        family: String::new(),
    };
    let err = nb.soft_reset(bad).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::NotFound, "{err:?}");
    // A configured neighbor that is not up: FAILED_PRECONDITION saying so.
    let idle = bgpd_api::v1::AddNeighborRequest {
        address: "192.0.2.98".into(),
        remote_asn: 65098,
        passive: true,
        ..Default::default()
    };
    nb.add_neighbor(idle).await.unwrap();
    let req = bgpd_api::v1::SoftResetRequest {
        address: "192.0.2.98".into(),
        direction: "out".into(),
        family: String::new(),
    };
    let err = nb.soft_reset(req).await.unwrap_err();
    assert_eq!(err.code(), tonic::Code::FailedPrecondition, "{err:?}");
    assert!(err.message().contains("not established"), "{err:?}");
    lab.speaker.stop().await;
    support::report_time("gobgp soft_reset_in_and_out", start);
}

/// FlowSpec announced by gobgpd reaches our Adj-RIB-In validated per RFC 8955 §6: the rule
/// inside gobgpd's own unicast route is accepted and best, the orphan one filtered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn received_flowspec_is_validated() {
    use support::scenario::{FLOW_OK_DST, FLOW_ORPHAN_DST, assert_received_flowspec};
    let Some(lab) = lab(&[EBGP]).await else {
        return;
    };
    let go = &lab.peers[0].1;
    for r in ebgp_routes(2) {
        go.add_route(&r).unwrap();
    }
    let ok = format!(
        "match destination {FLOW_OK_DST} protocol udp destination-port ==53 then rate-limit 9600"
    );
    go.add_flowspec(Family::Ipv4FlowSpec, &ok).unwrap();
    let orphan = format!("match destination {FLOW_ORPHAN_DST} protocol tcp then discard");
    go.add_flowspec(Family::Ipv4FlowSpec, &orphan).unwrap();
    assert_received_flowspec(&lab.speaker, lab.addr(0)).await;
    // Withdrawn by gobgpd: gone from our Adj-RIB-In and best table.
    go.del_flowspec(Family::Ipv4FlowSpec, &ok).unwrap();
    lab.speaker
        .wait_received(lab.addr(0), "ipv4_flowspec", |r| r.len() == 1)
        .await;
    assert!(lab.speaker.best("ipv4_flowspec").await.is_empty());
    lab.speaker.stop().await;
}
