//! Layer: daemon in-process (real core, RIB and policy engine), real gRPC over loopback
//! TCP. PolicyService: the seed's SDN bodies verbatim, field-naming INVALID_ARGUMENT for
//! bad input, FAILED_PRECONDITION / NOT_FOUND for deletes, listings and explain.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use bgpd_api::seed::{ADD_PATH_TE, SET_EXPORT_CHAIN, SET_POLICY};
use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::policy_service_client::PolicyServiceClient;
use bgpd_api::v1::*;
use speaker::daemon;
use tonic::Code;
use tonic::transport::Channel;

fn config(port: u16) -> speaker::config::Config {
    let text = format!(
        "[global]\nasn = 65100\nrouter_id = \"10.255.0.1\"\nlisten_port = 0\n\
         [global.telemetry]\ngrpc_uds = false\n[global.telemetry.grpc_tcp]\nenabled = true\n\
         address = \"127.0.0.1:{port}\"\n"
    );
    speaker::config::parse(&text, "policy.toml").unwrap()
}

async fn channel(port: u16) -> Channel {
    let ch = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    ch.connect().await.unwrap()
}

fn json<T: serde::de::DeserializeOwned>(s: &str) -> T {
    serde_json::from_str(s).unwrap()
}

/// The status is `code` and its message starts with `field: `.
fn assert_field<T: std::fmt::Debug>(r: Result<T, tonic::Status>, code: Code, field: &str) {
    let s = r.unwrap_err();
    assert_eq!(s.code(), code, "{s:?}");
    assert!(
        s.message().starts_with(&format!("{field}: ")),
        "expected field {field}, got {:?}",
        s.message()
    );
}

async fn with_daemon<F, Fut>(f: F)
where
    F: FnOnce(PolicyServiceClient<Channel>, InjectionServiceClient<Channel>) -> Fut,
    Fut: Future<Output = ()>,
{
    let port = testbed::addr::free_port(IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
    let running = daemon::start(config(port)).await.unwrap();
    let ch = channel(port).await;
    f(
        PolicyServiceClient::new(ch.clone()),
        InjectionServiceClient::new(ch),
    )
    .await;
    tokio::time::timeout(Duration::from_secs(10), running.stop(None))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_sdn_bodies_work_verbatim_once_the_neighbor_set_exists() {
    with_daemon(|mut api, _| async move {
        // The seed's policy names a neighbor set: unknown until it is defined.
        let r = api.set_policy(json::<SetPolicyRequest>(SET_POLICY)).await;
        assert_field(r, Code::InvalidArgument, "statements[0].match_neighbor_set");

        let set: SetNeighborSetRequest =
            json(r#"{"name": "transit-b", "addresses": ["192.0.2.2", "198.51.100.0/24"]}"#);
        assert!(
            !api.set_neighbor_set(set)
                .await
                .unwrap()
                .into_inner()
                .replaced
        );
        let r = api
            .set_policy(json::<SetPolicyRequest>(SET_POLICY))
            .await
            .unwrap();
        assert!(!r.into_inner().replaced);
        api.set_global_export_chain(json::<SetGlobalExportChainRequest>(SET_EXPORT_CHAIN))
            .await
            .unwrap();

        let chains = api
            .get_global_chains(GetGlobalChainsRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_eq!(chains.export_chain, ["deprioritize-transit-b"]);
        assert!(chains.import_chain.is_empty());
        let listed = api
            .list_policies(ListPoliciesRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_eq!(listed.policies.len(), 1);
        let p = &listed.policies[0];
        assert_eq!(
            (p.name.as_str(), p.default_action.as_str()),
            ("deprioritize-transit-b", "permit")
        );
        let st = &p.statements[0];
        assert_eq!(st.match_neighbor_set, "transit-b");
        let prepend = st.set_as_path_prepend.as_ref().unwrap();
        assert_eq!((prepend.asn, prepend.count), (65100, 2));
        // Listing round-trips: setting what was listed changes nothing but "replaced".
        let again = api.set_policy(p.clone()).await.unwrap().into_inner();
        assert!(again.replaced);
        let sets = api
            .list_neighbor_sets(ListNeighborSetsRequest {})
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            sets.neighbor_sets[0].addresses,
            ["192.0.2.2/32", "198.51.100.0/24"]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_invalid_argument_naming_the_field() {
    with_daemon(|mut api, _| async move {
        let cases: Vec<(&str, &str)> = vec![
            (r#"{"name": "p", "statements": [{"match_prefixes": [{"prefix": "10.0.0.0/8", "ge": 24, "le": 16}]}]}"#,
             "statements[0].match_prefixes[0].le"),
            (r#"{"name": "p", "statements": [{}, {"match_prefixes": [{"prefix": "10.0.0.1/8"}]}]}"#,
             "statements[1].match_prefixes[0].prefix"),
            (r#"{"name": "p", "statements": [{"match_as_path_set": "nope"}]}"#,
             "statements[0].match_as_path_set"),
            (r#"{"name": "p", "statements": [{"match_community_set": "nope"}]}"#,
             "statements[0].match_community_set"),
            (r#"{"name": "p", "statements": [{"action": "maybe"}]}"#, "statements[0].action"),
            (r#"{"name": "p", "default_action": "drop"}"#, "default_action"),
            (r#"{"name": ""}"#, "name"),
            (r#"{"name": "p", "statements": [{"set_as_path_prepend": {"asn": 1, "count": 17}}]}"#,
             "statements[0].set_as_path_prepend.count"),
            (r#"{"name": "p", "statements": [{"add_communities": ["65000:1", "bogus"]}]}"#,
             "statements[0].add_communities[1]"),
            (r#"{"name": "p", "statements": [{"set_med": 1, "adjust_med": -5}]}"#,
             "statements[0].adjust_med"),
            (r#"{"name": "p", "statements": [{"set_next_hop": "here"}]}"#, "statements[0].set_next_hop"),
            (r#"{"name": "p", "statements": [{"match_family": "l2vpn"}]}"#, "statements[0].match_family"),
            (r#"{"name": "p", "statements": [{"match_as_path_length": {"min": 5, "max": 2}}]}"#,
             "statements[0].match_as_path_length.max"),
            (r#"{"name": "p", "statements": [{"match_options": {"community_set": "most"}}]}"#,
             "statements[0].match_options.community_set"),
        ];
        for (body, field) in cases {
            let r = api.set_policy(json::<SetPolicyRequest>(body)).await;
            assert_field(r, Code::InvalidArgument, field);
        }
        let bad_sets: Vec<(&str, &str)> = vec![
            (r#"{"kind": "as_path", "name": "x", "members": ["^65001_", "(unclosed"]}"#, "members[1]"),
            (r#"{"kind": "prefix", "name": "x", "members": ["10.0.0.0/8 24..16"]}"#, "members[0]"),
            (r#"{"kind": "large_community", "name": "x", "members": ["1:2"]}"#, "members[0]"),
            (r#"{"kind": "colour", "name": "x"}"#, "kind"),
        ];
        for (body, field) in bad_sets {
            let r = api.set_defined_set(json::<DefinedSet>(body)).await;
            assert_field(r, Code::InvalidArgument, field);
        }
        let r = api
            .set_global_import_chain(json::<SetGlobalImportChainRequest>(r#"{"chain": ["missing"]}"#))
            .await;
        assert_field(r, Code::InvalidArgument, "chain[0]");
        let r = api
            .set_neighbor_policies(json::<SetNeighborPoliciesRequest>(
                r#"{"address": "192.0.2.1", "export_policies": ["missing"]}"#,
            ))
            .await;
        assert_field(r, Code::InvalidArgument, "export_policies[0]");
        let r = api.explain(json::<ExplainRequest>(r#"{"prefix": "10.0.0.0/8", "neighbor": "x"}"#)).await;
        assert_field(r, Code::InvalidArgument, "neighbor");
        // Nothing was stored by the refused calls.
        assert!(api.list_policies(ListPoliciesRequest {}).await.unwrap().into_inner().policies.is_empty());
        assert!(api.list_defined_sets(ListDefinedSetsRequest::default()).await.unwrap().into_inner().sets.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deletes_respect_references_and_explain_names_the_statement() {
    with_daemon(|mut api, mut inject| async move {
        api.set_defined_set(json::<DefinedSet>(
            r#"{"kind": "community", "name": "te", "members": ["65100:1000"]}"#,
        ))
        .await
        .unwrap();
        api.set_policy(json::<SetPolicyRequest>(
            r#"{"name": "no-te", "default_action": "next", "statements": [
                {"name": "drop-te", "action": "deny", "match_community_set": "te"}]}"#,
        ))
        .await
        .unwrap();
        api.set_neighbor_policies(json::<SetNeighborPoliciesRequest>(
            r#"{"address": "192.0.2.77", "export_policies": ["no-te"]}"#,
        ))
        .await
        .unwrap();
        let r = api
            .delete_defined_set(json::<DeleteDefinedSetRequest>(
                r#"{"kind": "community", "name": "te"}"#,
            ))
            .await;
        assert_eq!(r.unwrap_err().code(), Code::FailedPrecondition);
        let r = api
            .delete_policy(json::<DeletePolicyRequest>(r#"{"name": "no-te"}"#))
            .await;
        assert_eq!(r.unwrap_err().code(), Code::FailedPrecondition);
        let r = api
            .delete_policy(json::<DeletePolicyRequest>(r#"{"name": "other"}"#))
            .await;
        assert_eq!(r.unwrap_err().code(), Code::NotFound);

        inject
            .add_path(json::<AddPathRequest>(ADD_PATH_TE))
            .await
            .unwrap();
        let e = api
            .explain(json::<ExplainRequest>(
                r#"{"prefix": "10.100.0.0/24", "neighbor": "192.0.2.77"}"#,
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(e.import.is_none());
        let t = e.export.unwrap();
        assert!(!t.permitted);
        let d = t.decided_by.unwrap();
        assert_eq!(
            (d.policy.as_str(), d.statement, d.statement_name.as_str()),
            ("no-te", Some(0), "drop-te")
        );
        assert_eq!(t.before.unwrap().communities, ["65100:1000", "65100:2000"]);
        assert!(e.export_source.starts_with("injected "));
        // Another neighbor has no own chain: permitted, unchanged.
        let e = api
            .explain(json::<ExplainRequest>(
                r#"{"prefix": "10.100.0.0/24", "neighbor": "192.0.2.78"}"#,
            ))
            .await
            .unwrap()
            .into_inner();
        let t = e.export.unwrap();
        assert!(t.permitted && t.steps.is_empty());
        assert_eq!(t.before, t.after);

        // Detach, then the deletes go through.
        api.set_neighbor_policies(json::<SetNeighborPoliciesRequest>(
            r#"{"address": "192.0.2.77"}"#,
        ))
        .await
        .unwrap();
        assert!(
            api.list_neighbor_policies(ListNeighborPoliciesRequest {})
                .await
                .unwrap()
                .into_inner()
                .neighbors
                .is_empty()
        );
        api.delete_policy(json::<DeletePolicyRequest>(r#"{"name": "no-te"}"#))
            .await
            .unwrap();
        api.delete_defined_set(json::<DeleteDefinedSetRequest>(
            r#"{"kind": "community", "name": "te"}"#,
        ))
        .await
        .unwrap();
    })
    .await;
}
