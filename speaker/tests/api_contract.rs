//! Mocked-core tests over real loopback transports: the real gRPC server on a temporary
//! Unix socket and on 127.0.0.1:0 TCP (with a token file), driven by real tonic clients,
//! with a fake core task that answers `Command`s from memory and records what it got.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use bgp_wire::attribute::Community;
use bgpd_api::seed::{ADD_FLOWSPEC_RATE_LIMIT, ADD_PATH_BLACKHOLE, ADD_PATH_TE, DELETE_PATH};
use bgpd_api::v1::control_service_client::ControlServiceClient;
use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::*;
use prometheus_client::registry::Registry;
use speaker::api::{ApiServer, ApiSettings, GrpcMetrics, Token, bind_tcp, bind_uds};
use speaker::command::{
    Command, InjectFlowSpec, InjectOutcome, InjectPath, Page, PathSelector, SpeakerHandle,
    SpeakerInfo,
};
use tokio::sync::oneshot;
use tonic::Code;
use tonic::transport::{Channel, Endpoint, Uri};

const TOKEN: &str = "t0ken-for-tests";

/// What the fake core received, minus the reply channels.
#[derive(Debug, Clone)]
enum Seen {
    InjectPaths(Vec<InjectPath>, bool),
    DeletePaths(Vec<PathSelector>),
    InjectFlowSpecs(Vec<InjectFlowSpec>),
    Other,
}

type Log = Arc<Mutex<Vec<Seen>>>;

/// Answers commands from an in-memory store of paths keyed by id.
async fn fake_core(mut rx: tokio::sync::mpsc::Receiver<Command>, log: Log) {
    let mut paths: BTreeMap<String, InjectPath> = BTreeMap::new();
    while let Some(cmd) = rx.recv().await {
        match cmd {
            Command::InjectPaths {
                paths: batch,
                atomic,
                reply,
            } => {
                log.lock()
                    .unwrap()
                    .push(Seen::InjectPaths(batch.clone(), atomic));
                let out = batch
                    .into_iter()
                    .map(|p| {
                        let replaced = paths.get(&p.id).is_some_and(|old| *old != p);
                        let id = p.id.clone();
                        paths.insert(id.clone(), p);
                        Ok(InjectOutcome { id, replaced })
                    })
                    .collect();
                let _ = reply.send(Ok(out));
            }
            Command::DeletePaths { selectors, reply } => {
                log.lock()
                    .unwrap()
                    .push(Seen::DeletePaths(selectors.clone()));
                let before = paths.len();
                for s in &selectors {
                    paths.retain(|id, p| match s {
                        PathSelector::Id(x) => id != x,
                        PathSelector::Prefix { prefix, path_id } => {
                            p.prefix != *prefix || path_id.is_some_and(|i| i != p.path_id)
                        }
                    });
                }
                let _ = reply.send(Ok((before - paths.len()) as u64));
            }
            Command::InjectFlowSpecs { rules, reply, .. } => {
                log.lock()
                    .unwrap()
                    .push(Seen::InjectFlowSpecs(rules.clone()));
                let out = rules
                    .into_iter()
                    .map(|r| {
                        Ok(InjectOutcome {
                            id: r.id,
                            replaced: false,
                        })
                    })
                    .collect();
                let _ = reply.send(Ok(out));
            }
            Command::ListPaths { reply, .. } => {
                log.lock().unwrap().push(Seen::Other);
                let _ = reply.send(Ok(Page {
                    items: Vec::new(),
                    next_page_token: String::new(),
                }));
            }
            Command::GetInfo { reply } => {
                log.lock().unwrap().push(Seen::Other);
                let _ = reply.send(Ok(SpeakerInfo {
                    version: "0.1.0".into(),
                    asn: 65500,
                    router_id: "10.255.0.1".parse().unwrap(),
                    instance_id: "test-instance".into(),
                    started_at: SystemTime::now(),
                    listen_port: Some(179),
                }));
            }
            Command::GetNeighbor { reply, address } => {
                let _ = reply.send(Err(speaker::command::CommandError::NotFound(format!(
                    "neighbor {address} is not configured"
                ))));
            }
            other => {
                log.lock().unwrap().push(Seen::Other);
                drop(other); // the handle reports the dropped reply as UNAVAILABLE
            }
        }
    }
}

struct Harness {
    uds: std::path::PathBuf,
    tcp: std::net::SocketAddr,
    log: Log,
    registry: Arc<Registry>,
    _dir: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
}

/// The single command of a log.
fn one(log: Vec<Seen>) -> Seen {
    assert_eq!(log.len(), 1, "{log:?}");
    log.into_iter().next().unwrap()
}

impl Harness {
    fn take_log(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    async fn uds_channel(&self) -> Channel {
        let path = self.uds.clone();
        Endpoint::from_static("http://localhost")
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let path = path.clone();
                async move {
                    let s = tokio::net::UnixStream::connect(path).await?;
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
                }
            }))
            .await
            .unwrap()
    }

    async fn tcp_channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.tcp))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    fn metrics_text(&self) -> String {
        let mut s = String::new();
        prometheus_client::encoding::text::encode(&mut s, &self.registry).unwrap();
        s
    }
}

async fn start() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let uds = dir.path().join("run/grpc.sock");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let log: Log = Arc::default();
    let (handle, rx) = SpeakerHandle::channel(64);
    tokio::spawn(fake_core(rx, log.clone()));
    let metrics = GrpcMetrics::default();
    let mut registry = Registry::with_prefix("rustbgpd");
    metrics.register(&mut registry);
    let settings = ApiSettings {
        local_asn: 65500,
        default_hold_time: 90,
    };
    let server = ApiServer::new(handle, settings, metrics);
    let uds_listener = bind_uds(&uds).await.unwrap();
    let tcp_listener = bind_tcp("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let tcp = tcp_listener.local_addr().unwrap();
    let token = Token::from_file(&token_file).unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        server
            .serve(
                Some(uds_listener),
                Some((tcp_listener, Some(token))),
                shutdown,
            )
            .await
            .unwrap();
    });
    Harness {
        uds,
        tcp,
        log,
        registry: Arc::new(registry),
        _dir: dir,
        _stop: stop,
    }
}

fn authed<T>(msg: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {TOKEN}").parse().unwrap());
    r
}

// The seed's bodies, verbatim.
#[tokio::test]
async fn seed_unicast_bodies_reach_the_core_as_typed_commands() {
    let h = start().await;
    let mut c = InjectionServiceClient::new(h.uds_channel().await);

    let req: AddPathRequest = serde_json::from_str(ADD_PATH_BLACKHOLE).unwrap();
    let resp = c.add_path(req).await.unwrap().into_inner();
    assert_eq!(resp.id, "203.0.113.10/32#0");
    let Seen::InjectPaths(paths, true) = one(h.take_log()) else {
        panic!("expected one atomic InjectPaths");
    };
    let p = &paths[0];
    assert_eq!(p.prefix.to_string(), "203.0.113.10/32");
    assert_eq!(p.next_hop, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(p.attrs.communities, vec![Community::new(65535, 666)]);

    let req: AddPathRequest = serde_json::from_str(ADD_PATH_TE).unwrap();
    c.add_path(req).await.unwrap();
    let Seen::InjectPaths(paths, _) = one(h.take_log()) else {
        panic!("expected InjectPaths");
    };
    assert_eq!(paths[0].attrs.local_pref, Some(200));
    assert_eq!(
        paths[0].attrs.communities,
        vec![Community::new(65100, 1000), Community::new(65100, 2000)]
    );
    assert_eq!(paths[0].next_hop, Some("10.255.0.1".parse().unwrap()));

    let req: DeletePathRequest = serde_json::from_str(DELETE_PATH).unwrap();
    let resp = c.delete_path(req).await.unwrap().into_inner();
    assert_eq!(resp.deleted, 1);
    let Seen::DeletePaths(sel) = one(h.take_log()) else {
        panic!("expected DeletePaths");
    };
    assert_eq!(
        sel,
        vec![PathSelector::Prefix {
            prefix: "203.0.113.10/32".parse().unwrap(),
            path_id: None
        }]
    );
}

#[tokio::test]
async fn seed_flowspec_body_reaches_the_core_as_components_and_actions() {
    use bgp_wire::nlri::flowspec::action::Rate;
    use bgp_wire::nlri::flowspec::{ComponentType, FlowSpecAction};
    let h = start().await;
    let mut c = InjectionServiceClient::new(h.uds_channel().await);
    let req: AddFlowSpecRequest = serde_json::from_str(ADD_FLOWSPEC_RATE_LIMIT).unwrap();
    let resp = c.add_flow_spec(req).await.unwrap().into_inner();
    assert!(resp.id.starts_with("ipv4_flowspec:"), "{}", resp.id);
    let Seen::InjectFlowSpecs(rules) = one(h.take_log()) else {
        panic!("expected InjectFlowSpecs");
    };
    let r = &rules[0];
    let types: Vec<ComponentType> = r
        .rule
        .components()
        .iter()
        .map(|c| c.component_type())
        .collect();
    assert_eq!(
        types,
        vec![
            ComponentType::DestinationPrefix,
            ComponentType::IpProtocol,
            ComponentType::DestinationPort
        ]
    );
    assert_eq!(
        r.rule.to_string(),
        "destination 203.0.113.10/32 protocol =udp destination-port =53"
    );
    let rate = FlowSpecAction::TrafficRateBytes {
        asn: 0,
        rate: Rate::from_f32(1_250_000.0),
    };
    assert_eq!(r.attrs.extended_communities, vec![rate.to_ext().unwrap()]);
    assert_eq!(r.redirect_next_hop, None);
}

#[tokio::test]
async fn invalid_input_is_invalid_argument_naming_the_field() {
    let h = start().await;
    let mut c = InjectionServiceClient::new(h.uds_channel().await);
    let cases: Vec<(AddPathRequest, &str)> = vec![
        (
            serde_json::from_str(r#"{"prefix": "203.0.113.300/32"}"#).unwrap(),
            r#"prefix: "203.0.113.300/32" is not an IP prefix"#,
        ),
        (
            serde_json::from_str(r#"{"prefix": "203.0.113.0/24", "next_hop": "2001:db8::1"}"#)
                .unwrap(),
            "next_hop: IPv6 next hop for an IPv4 prefix",
        ),
        (
            serde_json::from_str(r#"{"prefix": "203.0.113.0/24", "communities": ["1:1", "x"]}"#)
                .unwrap(),
            "communities[1]: ",
        ),
    ];
    for (req, want) in cases {
        let err = c.add_path(req).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert!(err.message().starts_with(want), "{}", err.message());
    }
    let fs: AddFlowSpecRequest =
        serde_json::from_str(r#"{"family": "ipv4_flow", "rule": {"protocols": [17]}}"#).unwrap();
    let err = c.add_flow_spec(fs).await.unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    assert_eq!(
        err.message(),
        r#"family: "ipv4_flow" is not one of ipv4_flowspec, ipv6_flowspec"#
    );
    // A batch names the bad item; nothing reaches the core.
    let batch = AddPathsRequest {
        paths: vec![
            serde_json::from_str(ADD_PATH_BLACKHOLE).unwrap(),
            serde_json::from_str(r#"{"prefix": "nope"}"#).unwrap(),
        ],
        allow_partial: false,
    };
    let err = c.add_paths(batch).await.unwrap_err();
    assert_eq!(
        err.message(),
        r#"paths[1].prefix: "nope" is not an IP prefix"#
    );
    assert!(
        h.take_log().is_empty(),
        "invalid requests never reach the core"
    );
}

#[tokio::test]
async fn tcp_requires_the_token_and_uds_does_not() {
    let h = start().await;
    let mut tcp = ControlServiceClient::new(h.tcp_channel().await);
    let err = tcp.get_info(GetInfoRequest {}).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let mut wrong = tonic::Request::new(GetInfoRequest {});
    wrong
        .metadata_mut()
        .insert("authorization", "Bearer nope".parse().unwrap());
    assert_eq!(
        tcp.get_info(wrong).await.unwrap_err().code(),
        Code::Unauthenticated
    );
    let info = tcp
        .get_info(authed(GetInfoRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (info.asn, info.instance_id.as_str()),
        (65500, "test-instance")
    );

    let mut uds = ControlServiceClient::new(h.uds_channel().await);
    assert_eq!(
        uds.get_info(GetInfoRequest {})
            .await
            .unwrap()
            .into_inner()
            .listen_port,
        179
    );
}

#[tokio::test]
async fn health_is_serving_and_reflection_lists_the_services() {
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let h = start().await;
    // Health needs no token, even on TCP (probes).
    let mut health = HealthClient::new(h.tcp_channel().await);
    for service in ["", "rustbgpd.v1.InjectionService"] {
        let r = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.status, ServingStatus::Serving as i32, "{service:?}");
    }

    let mut refl = ServerReflectionClient::new(h.uds_channel().await);
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = refl
        .server_reflection_info(tokio_stream::iter(vec![req]))
        .await
        .unwrap()
        .into_inner();
    let resp = stream.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(list)) = resp.message_response else {
        panic!("unexpected reflection answer");
    };
    let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
    for want in [
        "rustbgpd.v1.InjectionService",
        "rustbgpd.v1.NeighborService",
        "rustbgpd.v1.RibService",
        "rustbgpd.v1.ControlService",
        "rustbgpd.v1.PolicyService",
        "grpc.health.v1.Health",
    ] {
        assert!(
            names.iter().any(|n| n == want),
            "{want} missing from {names:?}"
        );
    }
}

#[tokio::test]
async fn neighbor_errors_map_to_grpc_codes() {
    let h = start().await;
    let mut c =
        bgpd_api::v1::neighbor_service_client::NeighborServiceClient::new(h.uds_channel().await);
    let err = c
        .get_neighbor(GetNeighborRequest {
            address: "10.9.9.9".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    let err = c
        .get_neighbor(GetNeighborRequest {
            address: "bad".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.message(), r#"address: "bad" is not an IP address"#);
}

#[tokio::test]
async fn add_paths_with_100k_paths_is_one_core_batch() {
    let h = start().await;
    let channel = h.uds_channel().await;
    let mut c = InjectionServiceClient::new(channel).max_encoding_message_size(64 << 20);
    let paths: Vec<AddPathRequest> = (0..100_000u32)
        .map(|i| AddPathRequest {
            prefix: format!("10.{}.{}.0/24", i >> 8 & 0xff, i & 0xff),
            path_id: i >> 16,
            next_hop: "192.0.2.1".into(),
            communities: vec!["65535:666".into()],
            ..Default::default()
        })
        .collect();
    let start = Instant::now();
    let resp = c
        .add_paths(AddPathsRequest {
            paths,
            allow_partial: false,
        })
        .await
        .unwrap()
        .into_inner();
    println!("AddPaths with 100k paths over UDS: {:?}", start.elapsed());
    assert_eq!(resp.ids.len(), 100_000);
    assert!(resp.errors.is_empty());
    let log = h.take_log();
    assert_eq!(log.len(), 1, "one command for the whole batch");
    let Seen::InjectPaths(batch, true) = &log[0] else {
        panic!("expected InjectPaths")
    };
    assert_eq!(batch.len(), 100_000);

    // The client stream: chunks of 10k, one command each.
    let stream = tokio_stream::iter((0..25_000u32).map(|i| AddPathRequest {
        prefix: format!("172.16.{}.{}/32", i >> 8 & 0xff, i & 0xff),
        path_id: i >> 16,
        ..Default::default()
    }));
    let start = Instant::now();
    let resp = c.add_path_stream(stream).await.unwrap().into_inner();
    println!(
        "AddPathStream with 25k paths over UDS: {:?}",
        start.elapsed()
    );
    assert_eq!((resp.applied, resp.failed), (25_000, 0));
    let sizes: Vec<usize> = h
        .take_log()
        .iter()
        .map(|s| match s {
            Seen::InjectPaths(b, false) => b.len(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(sizes, vec![10_000, 10_000, 5_000]);
}

#[tokio::test]
async fn metrics_count_calls_by_method_and_code() {
    let h = start().await;
    let mut c = ControlServiceClient::new(h.uds_channel().await);
    c.get_info(GetInfoRequest {}).await.unwrap();
    let mut inj = InjectionServiceClient::new(h.uds_channel().await);
    let _ = inj.add_path(AddPathRequest::default()).await;
    let text = h.metrics_text();
    assert!(
        text.contains(r#"rustbgpd_grpc_requests_total{method="rustbgpd.v1.ControlService/GetInfo",code="Ok"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"rustbgpd_grpc_requests_total{method="rustbgpd.v1.InjectionService/AddPath",code="InvalidArgument"} 1"#),
        "{text}"
    );
    assert!(text.contains("rustbgpd_grpc_request_duration_seconds_count{method=\"rustbgpd.v1.ControlService/GetInfo\"} 1"), "{text}");
}
