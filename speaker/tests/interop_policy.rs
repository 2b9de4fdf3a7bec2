//! Layer: real peers over loopback. Route policy against real `gobgpd`s (the routers):
//! what policy does must show in **gobgpd's own RIB** (`gobgp -j global rib`), and every
//! change is applied at runtime with the sessions staying up.
//!
//! Two eBGP gobgpds, A (AS 65002) and B ("transit-b", AS 65003); we are AS 65001.
//! - the seed's prepend policy on B's neighbor set: B sees our AS three times, A once;
//! - a community-setting export policy on A: A sees the communities;
//! - a deny export policy on B: the route is withdrawn from B's RIB;
//! - an import policy setting LOCAL_PREF on A's routes: visible in ListReceivedRoutes and
//!   ListBestRoutes; a denied one stays in Adj-RIB-In marked filtered, and is not passed on;
//! - a next-hop policy for learned routes on B's own chain: B shows that next hop;
//! - throughout, neither side saw a new Established (our transitions stay 1, uptime grows).

mod support;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use bgpd_api::v1::policy_service_client::PolicyServiceClient;
use bgpd_api::v1::*;
use support::{Peer, Speaker, WAIT, blocking, json};
use testbed::gobgp::{GoBgp, GoRoute};
use testbed::{Family, PeerSpec, SessionState, UnicastRoute};
use tonic::transport::Channel;

const OUR_AS: u32 = 65001;
const A_AS: u32 = 65002;
const B_AS: u32 = 65003;
const PREFIX: &str = "203.0.113.0/24";

struct Lab {
    speaker: Speaker,
    a: (PeerSpec, GoBgp),
    b: (PeerSpec, GoBgp),
}

async fn lab() -> Option<Lab> {
    if !testbed::require("gobgpd") {
        return None;
    }
    let sa = PeerSpec::loopback_v4(A_AS).unwrap();
    let sb = PeerSpec::loopback_v4(B_AS).unwrap();
    let fams: &[&str] = &["ipv4_unicast"];
    let peer = |s: &PeerSpec| Peer {
        addr: s.local_addr,
        asn: s.local_as,
        port: s.port,
        families: fams,
        extra: "",
    };
    let speaker = Speaker::start(OUR_AS, &[peer(&sa), peer(&sb)]).await;
    let me = speaker.as_neighbor(fams).passive();
    let ga = blocking(|| GoBgp::start(sa.clone(), std::slice::from_ref(&me))).unwrap();
    let gb = blocking(|| GoBgp::start(sb.clone(), std::slice::from_ref(&me))).unwrap();
    let mut lab = Lab {
        speaker,
        a: (sa, ga),
        b: (sb, gb),
    };
    let us: IpAddr = lab.speaker.addr.into();
    blocking(|| lab.a.1.wait_established(us, WAIT)).unwrap();
    blocking(|| lab.b.1.wait_established(us, WAIT)).unwrap();
    lab.speaker.wait_established(lab.a.0.local_addr).await;
    lab.speaker.wait_established(lab.b.0.local_addr).await;
    Some(lab)
}

/// Our route to PREFIX in one gobgpd's RIB once `ready` holds for it (`None`: absent).
fn wait_ours(
    go: &mut GoBgp,
    us: IpAddr,
    ready: impl Fn(Option<&GoRoute>) -> bool,
) -> Option<GoRoute> {
    let pick = |r: &[GoRoute]| {
        r.iter()
            .find(|x| x.prefix == PREFIX && x.neighbor == Some(us))
            .cloned()
    };
    let routes =
        blocking(|| go.wait_rib(Family::Ipv4Unicast, WAIT, |r| ready(pick(r).as_ref()))).unwrap();
    pick(&routes)
}

async fn policy(s: &Speaker) -> PolicyServiceClient<Channel> {
    PolicyServiceClient::new(s.channel().await)
}

/// Both of our sessions: still the first Established, uptime not reset.
async fn assert_sessions_kept(s: &Speaker, peers: &[IpAddr], since: &[u64]) {
    for (p, t0) in peers.iter().zip(since) {
        let st = s.neighbor_state(*p).await;
        assert_eq!(st.session_state, support::ESTABLISHED, "{p}");
        assert_eq!(
            st.established_transitions, 1,
            "{p}: session was re-established"
        );
        assert_eq!(
            st.established_since_unix_seconds, *t0,
            "{p}: uptime restarted"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn policies_change_the_routers_view_at_runtime_without_session_resets() {
    let start = Instant::now();
    let Some(mut lab) = lab().await else {
        return;
    };
    let us: IpAddr = lab.speaker.addr.into();
    let (a, b) = (lab.a.0.local_addr, lab.b.0.local_addr);
    let mut since = Vec::new();
    for p in [a, b] {
        since.push(
            lab.speaker
                .neighbor_state(p)
                .await
                .established_since_unix_seconds,
        );
    }
    let mut inject = lab.speaker.injection().await;
    inject
        .add_path(json::<AddPathRequest>(&format!(
            r#"{{"prefix": "{PREFIX}", "next_hop": "192.0.2.1", "communities": ["65001:1"]}}"#
        )))
        .await
        .unwrap();
    let r = wait_ours(&mut lab.b.1, us, |r| r.is_some()).unwrap();
    assert_eq!(r.as_path, [OUR_AS]);

    // The seed's SDN workflow: prepend towards transit-b.
    let mut api = policy(&lab.speaker).await;
    api.set_neighbor_set(json::<SetNeighborSetRequest>(&format!(
        r#"{{"name": "transit-b", "addresses": ["{b}"]}}"#
    )))
    .await
    .unwrap();
    api.set_policy(json::<SetPolicyRequest>(bgpd_api::seed::SET_POLICY))
        .await
        .unwrap();
    api.set_global_export_chain(json::<SetGlobalExportChainRequest>(
        r#"{
"chain": ["deprioritize-transit-b"]
}"#,
    ))
    .await
    .unwrap();
    let r = wait_ours(&mut lab.b.1, us, |r| {
        r.is_some_and(|r| r.as_path.len() == 3)
    })
    .unwrap();
    assert_eq!(
        r.as_path,
        [OUR_AS, 65100, 65100],
        "policy prepend after our own AS"
    );
    let r = wait_ours(&mut lab.a.1, us, |r| r.is_some()).unwrap();
    assert_eq!(r.as_path, [OUR_AS], "A is not in transit-b");

    // Communities towards A only, through A's own export chain.
    api.set_policy(json::<SetPolicyRequest>(
        r#"{"name": "tag-a", "default_action": "next", "statements": [{"action": "next",
            "add_communities": ["65001:100", "65001:7:7"], "remove_communities": ["65001:1"]}]}"#,
    ))
    .await
    .unwrap();
    api.set_neighbor_policies(json::<SetNeighborPoliciesRequest>(&format!(
        r#"{{"address": "{a}", "export_policies": ["tag-a"]}}"#
    )))
    .await
    .unwrap();
    let r = wait_ours(&mut lab.a.1, us, |r| {
        r.is_some_and(|r| !r.large_communities.is_empty())
    })
    .unwrap();
    assert_eq!(r.communities, [(65001, 100)]);
    assert_eq!(r.large_communities, [(65001, 7, 7)]);
    assert_eq!(r.as_path, [OUR_AS]);

    // Deny towards B: withdrawn from B's RIB; A keeps it.
    api.set_policy(json::<SetPolicyRequest>(&format!(
        r#"{{"name": "deny-b", "statements": [{{"action": "deny",
            "match_prefixes": [{{"prefix": "{PREFIX}"}}], "match_neighbors": ["{b}"]}}]}}"#
    )))
    .await
    .unwrap();
    api.set_global_export_chain(json::<SetGlobalExportChainRequest>(
        r#"{"chain": ["deny-b", "deprioritize-transit-b"]}"#,
    ))
    .await
    .unwrap();
    wait_ours(&mut lab.b.1, us, |r| r.is_none());
    assert!(wait_ours(&mut lab.a.1, us, |r| r.is_some()).is_some());
    // The injection's status says where it really went.
    let listed = inject
        .list_paths(ListPathsRequest::default())
        .await
        .unwrap()
        .into_inner();
    let status = listed.paths[0].status.clone().unwrap();
    assert_eq!(status.advertised_to, [a.to_string()]);
    // Explain says which statement decided.
    let e = api
        .explain(json::<ExplainRequest>(&format!(
            r#"{{"prefix": "{PREFIX}", "neighbor": "{b}"}}"#
        )))
        .await
        .unwrap()
        .into_inner();
    let d = e.export.unwrap().decided_by.unwrap();
    assert_eq!((d.policy.as_str(), d.action.as_str()), ("deny-b", "deny"));

    // Import: A's routes get LOCAL_PREF 250, except one that import policy denies.
    for p in ["198.18.0.0/24", "198.18.1.0/24"] {
        let mut route = UnicastRoute::new(p, "192.0.2.9".parse().unwrap());
        route.med = Some(5);
        lab.a.1.add_route(&route).unwrap();
    }
    lab.speaker
        .wait_received(a, "ipv4_unicast", |r| r.len() == 2)
        .await;
    api.set_policy(json::<SetPolicyRequest>(
        r#"{"name": "prefer-a", "default_action": "permit", "statements": [
            {"action": "deny", "match_prefixes": [{"prefix": "198.18.1.0/24"}]},
            {"action": "permit", "set_local_pref": 250}]}"#,
    ))
    .await
    .unwrap();
    api.set_global_import_chain(json::<SetGlobalImportChainRequest>(
        r#"{"chain": ["prefer-a"]}"#,
    ))
    .await
    .unwrap();
    let got = lab
        .speaker
        .wait_received(a, "ipv4_unicast", |r| {
            r.iter().any(|x| x.local_pref == Some(250))
        })
        .await;
    let view = |p: &str| got.iter().find(|r| r.prefix == p).unwrap().clone();
    assert_eq!(view("198.18.0.0/24").local_pref, Some(250));
    assert!(!view("198.18.0.0/24").filtered);
    assert!(
        view("198.18.1.0/24").filtered,
        "kept in Adj-RIB-In, marked filtered"
    );
    let best = lab.speaker.best("ipv4_unicast").await;
    let b0 = best.iter().find(|r| r.prefix == "198.18.0.0/24").unwrap();
    assert_eq!(b0.local_pref, Some(250));
    assert!(best.iter().all(|r| r.prefix != "198.18.1.0/24"));
    // B gets A's permitted route once a next hop it accepts is set for learned routes
    // (gobgpd drops our 127.x next-hop-self): next hop and route source at work.
    api.set_policy(json::<SetPolicyRequest>(
        r#"{"name": "nh-b", "default_action": "next", "statements": [{"action": "next",
            "match_route_source": "learned", "set_next_hop": "192.0.2.200"}]}"#,
    ))
    .await
    .unwrap();
    api.set_neighbor_policies(json::<SetNeighborPoliciesRequest>(&format!(
        r#"{{"address": "{b}", "export_policies": ["nh-b"]}}"#
    )))
    .await
    .unwrap();
    let pick = |r: &[GoRoute]| r.iter().any(|x| x.prefix == "198.18.0.0/24");
    let rb = blocking(|| lab.b.1.wait_rib(Family::Ipv4Unicast, WAIT, pick)).unwrap();
    let r = rb.iter().find(|x| x.prefix == "198.18.0.0/24").unwrap();
    assert_eq!(r.next_hop, Some("192.0.2.200".parse().unwrap()));
    assert_eq!(r.as_path, [OUR_AS, 65100, 65100, A_AS]);
    assert!(rb.iter().all(|x| x.prefix != "198.18.1.0/24"));
    assert!(
        rb.iter().all(|x| x.prefix != PREFIX),
        "still denied towards B"
    );

    // Nothing above reset a session on either side.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_sessions_kept(&lab.speaker, &[a, b], &since).await;
    for go in [&lab.a.1, &lab.b.1] {
        assert_eq!(go.neighbor_state(us).unwrap(), SessionState::Established);
    }
    // Uptime kept counting from the first Established (slept > 1 s above).
    assert!(lab.speaker.neighbor_state(b).await.uptime_seconds >= 1);

    drop((api, inject));
    lab.a.1.stop();
    lab.b.1.stop();
    lab.speaker.stop().await;
    support::report_time("interop_policy", start);
}
