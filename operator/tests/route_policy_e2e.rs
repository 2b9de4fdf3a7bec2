//! Layer: real processes over loopback. The real `operator` binary on a folder of manifests
//! (`--from-dir`), the real `rustbgpd` binary, and a real gobgpd router (eBGP). A RoutePolicy
//! attached as export policy on the router's BgpNeighbor must change what the router's own
//! RIB shows for an InjectedRoute (gobgp CLI): a longer AS path with the prepend, then a
//! community after an edit, with the session kept up (gobgpd counts no second OPEN); a name
//! of a missing RoutePolicy is reported on the neighbor and keeps the chain in place;
//! detaching restores the plain path. A policy in the global export chain sets a MED only
//! once the neighbor's own chain no longer permits first, until its manifest is deleted. A
//! policy the speaker refuses carries the speaker's INVALID_ARGUMENT message in its status.
//! A deny export policy takes the route out of the router's RIB (same session) until it is
//! detached; an import policy sets LOCAL_PREF on a route the router announces, as the
//! speaker's own Adj-RIB-In and Loc-RIB (RibService over its gRPC socket) show.

// Shared with from_dir_e2e, which uses more of it.
#[allow(dead_code)]
mod e2e_support;

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use e2e_support::router::{self, established, route};
use e2e_support::{Operator, Speaker, wait_for};
use testbed::gobgp::{GoBgp, GoRoute};
use testbed::{Family, PeerSpec};

const WAIT: Duration = Duration::from_secs(20);
const PREFIX: &str = "198.51.100.0/24";
const TAG: (u16, u16) = (65000, 300);

fn neighbor(router: &PeerSpec, me: &PeerSpec, export: &str) -> String {
    neighbor_chains(router, me, export, "")
}

fn neighbor_chains(router: &PeerSpec, me: &PeerSpec, export: &str, import: &str) -> String {
    format!(
        "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: BgpNeighbor\nmetadata:\n  name: r2\n\
         spec:\n  address: {}\n  remoteAsn: {}\n  port: {}\n  localAddress: {}\n  \
         families: [ipv4_unicast]\n  holdTime: 9\n  exportPolicies: [{export}]\n  \
         importPolicies: [{import}]\n",
        router.local_addr, router.local_as, router.port, me.local_addr
    )
}

fn policy(extra_set: &str) -> String {
    format!(
        "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: RoutePolicy\nmetadata:\n  name: prepend\n\
         spec:\n  statements:\n    - name: customers\n      match:\n        prefixes:\n          \
         - {{prefix: 198.51.100.0/24}}\n      set:\n        asPathPrepend: {{count: 3}}\n{extra_set}\
         \x20     action: permit\n  defaultAction: next\n"
    )
}

/// In the global export chain: every route gets MED 77.
const GLOBAL: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: RoutePolicy\nmetadata:\n  \
    name: med\nspec:\n  globalExport: true\n  statements:\n    - set: {med: {set: 77}}\n      \
    action: next\n  defaultAction: next\n";

/// Valid for the CRD (community texts are free strings there), refused by the speaker. It is
/// in the global export chain too: left out there, it must not block the MED policy.
const BAD: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: RoutePolicy\nmetadata:\n  \
    name: bad\nspec:\n  globalExport: true\n  statements:\n    - set: {communities: {add: [not-a-community]}}\n";

/// Denies the InjectedRoute's prefix, passes everything else on.
const DENY: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: RoutePolicy\nmetadata:\n  \
    name: deny-customer\nspec:\n  statements:\n    - match:\n        prefixes:\n          \
    - {prefix: 198.51.100.0/24}\n      action: deny\n  defaultAction: next\n";

/// Import: every route gets LOCAL_PREF 250.
const PREFER: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: RoutePolicy\nmetadata:\n  \
    name: prefer-r2\nspec:\n  statements:\n    - set: {localPref: 250}\n      \
    action: permit\n  defaultAction: permit\n";

/// The route the router announces to the speaker.
const LEARNED: &str = "198.18.7.0/24";

const ROUTE: &str = "apiVersion: bgp.rustbgpd.io/v1alpha1\nkind: InjectedRoute\nmetadata:\n  \
    name: customer\n  namespace: customers\nspec:\n  prefix: 198.51.100.0/24\n  nextHop: 192.0.2.10\n";

fn write(dir: &Path, name: &str, text: &str) {
    // Atomic: the operator never reads half a file.
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, dir.join(name)).unwrap();
}

/// Waits until the router's route for PREFIX satisfies `ok`.
fn wait_route(go: &GoBgp, what: &str, ok: impl Fn(&GoRoute) -> bool) -> GoRoute {
    wait_for(what, WAIT, || {
        let rib = router::rib(go, Family::Ipv4Unicast)?;
        match route(&rib, PREFIX) {
            Some(r) if ok(&r) => Ok(r),
            other => Err(format!("{other:?}")),
        }
    })
}

/// OPEN messages gobgpd received from the speaker: one per session it brought up.
fn opens(go: &GoBgp, speaker: IpAddr) -> u64 {
    let out = go
        .raw_cli(&["-j", "neighbor", &speaker.to_string()])
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let v = if v.is_array() { v[0].clone() } else { v };
    v["state"]["messages"]["received"]["open"]
        .as_u64()
        .unwrap_or_else(|| panic!("no OPEN counter in {v}"))
}

/// The status entry of object `name` in a status file.
fn status_of(dir: &Path, file: &str, name: &str) -> Option<serde_yaml::Value> {
    let text = std::fs::read_to_string(dir.join(format!("{file}.status.yaml"))).ok()?;
    let all: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).ok()?;
    all.into_iter().find(|e| e["name"].as_str() == Some(name))
}

/// Waits until the status of `name` satisfies `ok` (rendered as text for the message).
fn wait_status(dir: &Path, file: &str, name: &str, what: &str, ok: impl Fn(&str) -> bool) {
    wait_for(what, WAIT, || {
        let s = status_of(dir, file, name)
            .map(|e| serde_yaml::to_string(&e["status"]).unwrap_or_default())
            .unwrap_or_default();
        if ok(&s) { Ok(()) } else { Err(s) }
    });
}

/// Our speaker (AS 65001) with gobgpd `r2` (AS 65003, eBGP) dialled by it, and an empty
/// manifest folder; `None` (after a loud skip) when gobgpd is not installed.
struct Lab {
    me: PeerSpec,
    r2_spec: PeerSpec,
    r2: GoBgp,
    speaker: Speaker,
    crs: tempfile::TempDir,
}

fn lab() -> Option<Lab> {
    if !testbed::require("gobgpd") {
        eprintln!("SKIP route_policy_e2e: gobgpd is not installed");
        return None;
    }
    let me = PeerSpec::loopback_v4(65001).unwrap();
    let r2_spec = PeerSpec::loopback_v4(65003).unwrap();
    let IpAddr::V4(speaker_v4) = me.local_addr else {
        unreachable!("loopback_v4 gives IPv4")
    };
    let r2 = router::start(r2_spec.clone(), &me, &[Family::Ipv4Unicast]);
    let speaker = Speaker::start(65001, speaker_v4);
    let crs = tempfile::tempdir().unwrap();
    Some(Lab {
        me,
        r2_spec,
        r2,
        speaker,
        crs,
    })
}

#[test]
fn an_export_policy_changes_the_routers_rib_without_dropping_the_session() {
    let Some(Lab {
        me,
        r2_spec,
        r2,
        speaker,
        crs,
    }) = lab()
    else {
        return;
    };
    let d = crs.path();
    write(d, "neighbor.yaml", &neighbor(&r2_spec, &me, "prepend"));
    write(d, "policy.yaml", &policy(""));
    write(d, "route.yaml", ROUTE);
    write(d, "bad.yaml", BAD);
    write(d, "global.yaml", GLOBAL);
    let op = Operator::start(d, &speaker.url());

    // Attached: our AS three times by policy, once more by eBGP.
    let r = wait_route(&r2, "r2 sees the prepended path", |r| r.as_path.len() == 4);
    assert_eq!(r.as_path, [65001; 4], "{r:?}");
    assert!(!r.communities.contains(&TAG), "{r:?}");
    assert!(established(&r2, me.local_addr).unwrap());
    let opens_before = opens(&r2, me.local_addr);
    assert!(opens_before >= 1);
    wait_status(
        d,
        "policy.yaml",
        "prepend",
        "RoutePolicy Ready, attached",
        |s| s.contains("export:r2") && s.contains("reason: Ready"),
    );
    wait_status(d, "global.yaml", "med", "global policy attached", |s| {
        s.contains("global-export") && s.contains("reason: Ready")
    });
    // The neighbor's chain runs first and its permit ends evaluation: no global MED.
    let rib = router::rib(&r2, Family::Ipv4Unicast).unwrap();
    let r = route(&rib, PREFIX).unwrap();
    assert_eq!(r.med, None, "{r:?}");

    // The speaker's INVALID_ARGUMENT message, naming the field, on the refused policy.
    wait_status(d, "bad.yaml", "bad", "bad policy SpeakerRejected", |s| {
        s.contains("SpeakerRejected") && s.contains("add_communities[0]")
    });

    // Edited: the community appears, the prepend stays, the session stays.
    let tag = "        communities: {add: [\"65000:300\"]}\n";
    write(d, "policy.yaml", &policy(tag));
    let r = wait_route(&r2, "r2 sees the community", |r| {
        r.communities.contains(&TAG)
    });
    assert_eq!(r.as_path.len(), 4, "{r:?}");
    assert_eq!(
        opens(&r2, me.local_addr),
        opens_before,
        "the session was reset"
    );

    // A name without a RoutePolicy: reported on the neighbor, the chain stays as it was.
    write(
        d,
        "neighbor.yaml",
        &neighbor(&r2_spec, &me, "prepend, nope"),
    );
    wait_status(
        d,
        "neighbor.yaml",
        "r2",
        "r2 reports the missing policy",
        |s| s.contains("PolicyNotFound") && s.contains("nope"),
    );
    let rib = router::rib(&r2, Family::Ipv4Unicast).unwrap();
    let r = route(&rib, PREFIX).unwrap();
    assert_eq!(r.as_path.len(), 4, "the kept chain still prepends: {r:?}");

    // Detached: the plain path and no community, still the same session; now the global
    // chain decides and sets the MED.
    write(d, "neighbor.yaml", &neighbor(&r2_spec, &me, ""));
    let r = wait_route(&r2, "r2 sees the plain path with the global MED", |r| {
        r.as_path.len() == 1 && r.med == Some(77)
    });
    assert_eq!(r.as_path, [65001], "{r:?}");
    assert!(!r.communities.contains(&TAG), "{r:?}");
    assert_eq!(
        opens(&r2, me.local_addr),
        opens_before,
        "the session was reset"
    );
    wait_status(
        d,
        "policy.yaml",
        "prepend",
        "RoutePolicy no longer attached",
        |s| !s.contains("export:r2") && s.contains("reason: Ready"),
    );

    // Deleting the global policy's manifest takes it out of the chain: no MED any more.
    std::fs::remove_file(d.join("global.yaml")).unwrap();
    let r = wait_route(&r2, "r2 sees no MED", |r| r.med.is_none());
    assert_eq!(r.as_path, [65001], "{r:?}");
    drop(op);
}

/// LOCAL_PREF of LEARNED in the speaker's Adj-RIB-In from `from` and in its Loc-RIB, read
/// through RibService on the speaker's gRPC socket.
fn learned_local_pref(
    rt: &tokio::runtime::Runtime,
    socket: &Path,
    from: IpAddr,
) -> Result<(Option<u32>, Option<u32>), String> {
    use bgpd_api::v1::rib_service_client::RibServiceClient;
    use bgpd_api::v1::{ListBestRoutesRequest, ListReceivedRoutesRequest};
    let path = socket.to_path_buf();
    rt.block_on(async move {
        let channel = tonic::transport::Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
                let path = path.clone();
                async move {
                    let s = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
                }
            }))
            .await
            .map_err(|e| e.to_string())?;
        let mut rib = RibServiceClient::new(channel);
        let received = rib
            .list_received_routes(ListReceivedRoutesRequest {
                neighbor: from.to_string(),
                family: "ipv4_unicast".into(),
                prefix: LEARNED.into(),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?
            .into_inner()
            .routes;
        let best = rib
            .list_best_routes(ListBestRoutesRequest {
                family: "ipv4_unicast".into(),
                prefix: LEARNED.into(),
                ..Default::default()
            })
            .await
            .map_err(|e| e.to_string())?
            .into_inner()
            .routes;
        let (Some(r), Some(b)) = (received.first(), best.first()) else {
            return Err(format!("received {received:?}, best {best:?}"));
        };
        if r.filtered {
            return Err(format!("filtered: {r:?}"));
        }
        Ok((r.local_pref, b.local_pref))
    })
}

#[test]
fn a_deny_export_and_an_import_local_pref_act_on_both_ribs() {
    let Some(Lab {
        me,
        r2_spec,
        r2,
        speaker,
        crs,
    }) = lab()
    else {
        return;
    };
    r2.add_route(&testbed::UnicastRoute::new(
        LEARNED,
        "192.0.2.9".parse().unwrap(),
    ))
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let d = crs.path();
    write(d, "neighbor.yaml", &neighbor(&r2_spec, &me, ""));
    write(d, "route.yaml", ROUTE);
    write(d, "deny.yaml", DENY);
    write(d, "prefer.yaml", PREFER);
    let op = Operator::start(d, &speaker.url());

    // No policy: the route reaches r2, and r2's route has no LOCAL_PREF at the speaker (eBGP).
    wait_route(&r2, "r2 sees the route", |r| r.as_path == [65001]);
    let opens_before = opens(&r2, me.local_addr);
    let (rx, best) = wait_for("the speaker learns r2's route", WAIT, || {
        learned_local_pref(&rt, &speaker.socket, r2_spec.local_addr)
    });
    assert_ne!(rx, Some(250), "no import policy yet");
    assert_ne!(best, Some(250), "no import policy yet");

    // Deny attached: gone from r2's RIB, same session.
    write(
        d,
        "neighbor.yaml",
        &neighbor(&r2_spec, &me, "deny-customer"),
    );
    wait_for("r2 no longer sees the denied route", WAIT, || {
        let rib = router::rib(&r2, Family::Ipv4Unicast)?;
        match route(&rib, PREFIX) {
            None => Ok(()),
            Some(r) => Err(format!("{r:?}")),
        }
    });
    assert!(established(&r2, me.local_addr).unwrap());
    assert_eq!(opens(&r2, me.local_addr), opens_before, "session reset");

    // Detached, import policy attached: the route is back, r2's route gets LOCAL_PREF 250.
    write(
        d,
        "neighbor.yaml",
        &neighbor_chains(&r2_spec, &me, "", "prefer-r2"),
    );
    let r = wait_route(&r2, "r2 sees the route again", |_| true);
    assert_eq!(r.as_path, [65001], "{r:?}");
    wait_for(
        "the speaker applies LOCAL_PREF 250",
        WAIT,
        || match learned_local_pref(&rt, &speaker.socket, r2_spec.local_addr)? {
            (Some(250), Some(250)) => Ok(()),
            other => Err(format!("{other:?}")),
        },
    );
    wait_status(
        d,
        "prefer.yaml",
        "prefer-r2",
        "import policy attached",
        |s| s.contains("import:r2") && s.contains("reason: Ready"),
    );
    assert_eq!(opens(&r2, me.local_addr), opens_before, "session reset");
    drop(op);
}
