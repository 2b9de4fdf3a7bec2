//! Mocked-wire tests: the generated servers and clients talk over real
//! loopback transports (TCP on 127.0.0.1 and a Unix socket), with stub
//! service implementations. They show the crate's tonic features are enough
//! for the speaker's listeners and the operator's client.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bgpd_api::FILE_DESCRIPTOR_SET;
use bgpd_api::v1::control_service_client::ControlServiceClient;
use bgpd_api::v1::control_service_server::{ControlService, ControlServiceServer};
use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::injection_service_server::{InjectionService, InjectionServiceServer};
use bgpd_api::v1::*;
use tonic::transport::{Endpoint, Server, Uri};
use tonic::{Request, Response, Status, Streaming};

/// Answers GetInfo with fixed values.
struct StubControl;

#[tonic::async_trait]
impl ControlService for StubControl {
    async fn get_info(
        &self,
        _request: Request<GetInfoRequest>,
    ) -> Result<Response<GetInfoResponse>, Status> {
        Ok(Response::new(GetInfoResponse {
            version: "0.0.0-test".into(),
            asn: 65500,
            router_id: "10.255.0.1".into(),
            instance_id: "test-instance".into(),
            started_at_unix_seconds: 1,
            listen_port: 179,
            uptime_seconds: 2,
        }))
    }
}

/// Implements AddPath and AddPathStream; everything else is unimplemented.
#[derive(Default)]
struct StubInjection {
    streamed: Arc<AtomicU64>,
}

fn unimplemented<T>() -> Result<Response<T>, Status> {
    Err(Status::unimplemented("stub"))
}

#[tonic::async_trait]
impl InjectionService for StubInjection {
    async fn add_path(
        &self,
        request: Request<AddPathRequest>,
    ) -> Result<Response<AddPathResponse>, Status> {
        let req = request.into_inner();
        if req.prefix.is_empty() {
            return Err(Status::invalid_argument("prefix: required"));
        }
        let id = if req.id.is_empty() {
            format!("path:{}#{}", req.prefix, req.path_id)
        } else {
            req.id
        };
        Ok(Response::new(AddPathResponse {
            id,
            replaced: false,
        }))
    }

    async fn add_path_stream(
        &self,
        request: Request<Streaming<AddPathRequest>>,
    ) -> Result<Response<AddPathStreamResponse>, Status> {
        let mut stream = request.into_inner();
        let mut summary = AddPathStreamResponse::default();
        let mut index = 0u32;
        while let Some(path) = stream.message().await? {
            if path.prefix.is_empty() {
                summary.failed += 1;
                summary.errors.push(BatchItemError {
                    index,
                    id: path.id,
                    field: "prefix".into(),
                    message: "required".into(),
                });
            } else {
                summary.applied += 1;
            }
            index += 1;
        }
        self.streamed.fetch_add(summary.applied, Ordering::Relaxed);
        Ok(Response::new(summary))
    }

    async fn delete_path(
        &self,
        _: Request<DeletePathRequest>,
    ) -> Result<Response<DeletePathResponse>, Status> {
        unimplemented()
    }
    async fn list_paths(
        &self,
        _: Request<ListPathsRequest>,
    ) -> Result<Response<ListPathsResponse>, Status> {
        unimplemented()
    }
    async fn add_paths(
        &self,
        _: Request<AddPathsRequest>,
    ) -> Result<Response<AddPathsResponse>, Status> {
        unimplemented()
    }
    async fn delete_paths(
        &self,
        _: Request<DeletePathsRequest>,
    ) -> Result<Response<DeletePathsResponse>, Status> {
        unimplemented()
    }
    async fn add_flow_spec(
        &self,
        _: Request<AddFlowSpecRequest>,
    ) -> Result<Response<AddFlowSpecResponse>, Status> {
        unimplemented()
    }
    async fn delete_flow_spec(
        &self,
        _: Request<DeleteFlowSpecRequest>,
    ) -> Result<Response<DeleteFlowSpecResponse>, Status> {
        unimplemented()
    }
    async fn list_flow_specs(
        &self,
        _: Request<ListFlowSpecsRequest>,
    ) -> Result<Response<ListFlowSpecsResponse>, Status> {
        unimplemented()
    }
    async fn add_flow_specs(
        &self,
        _: Request<AddFlowSpecsRequest>,
    ) -> Result<Response<AddFlowSpecsResponse>, Status> {
        unimplemented()
    }
    async fn add_flow_spec_stream(
        &self,
        _: Request<Streaming<AddFlowSpecRequest>>,
    ) -> Result<Response<AddFlowSpecStreamResponse>, Status> {
        unimplemented()
    }
    async fn delete_flow_specs(
        &self,
        _: Request<DeleteFlowSpecsRequest>,
    ) -> Result<Response<DeleteFlowSpecsResponse>, Status> {
        unimplemented()
    }
}

/// The router the speaker would build: services plus reflection.
fn router(injection: StubInjection) -> tonic::transport::server::Router {
    let reflection = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .build_v1()
        .expect("reflection");
    Server::builder()
        .add_service(ControlServiceServer::new(StubControl))
        .add_service(InjectionServiceServer::new(injection))
        .add_service(reflection)
}

#[tokio::test]
async fn tcp_loopback_unary_client_streaming_and_errors() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let injection = StubInjection::default();
    let streamed = injection.streamed.clone();
    let server = tokio::spawn(
        router(injection)
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );

    let url = format!("http://{addr}");
    let mut control = ControlServiceClient::connect(url.clone()).await.unwrap();
    let info = control
        .get_info(GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.instance_id, "test-instance");
    assert_eq!(info.asn, 65500);

    let mut inject = InjectionServiceClient::connect(url).await.unwrap();
    // The seed's blackhole body, parsed from JSON, sent over the wire.
    let req: AddPathRequest = serde_json::from_str(
        r#"{"prefix": "203.0.113.10/32", "next_hop": "192.0.2.1", "communities": ["65535:666"]}"#,
    )
    .unwrap();
    let resp = inject.add_path(req).await.unwrap().into_inner();
    assert_eq!(resp.id, "path:203.0.113.10/32#0");

    let err = inject
        .add_path(AddPathRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    assert_eq!(err.message(), "prefix: required");

    let err = inject
        .list_paths(ListPathsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unimplemented);

    // A bulk load as a client stream, with one bad item.
    const N: u32 = 20_000;
    let paths = (0..N).map(|i| AddPathRequest {
        id: format!("cr-{i}"),
        prefix: if i == 7 {
            String::new()
        } else {
            format!("10.{}.{}.0/24", i / 256, i % 256)
        },
        next_hop: "192.0.2.1".into(),
        ..Default::default()
    });
    let summary = inject
        .add_path_stream(tokio_stream::iter(paths))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.applied, u64::from(N) - 1);
    assert_eq!(summary.failed, 1);
    assert_eq!(summary.errors[0].index, 7);
    assert_eq!(summary.errors[0].id, "cr-7");
    assert_eq!(streamed.load(Ordering::Relaxed), u64::from(N) - 1);

    server.abort();
}

#[tokio::test]
async fn unix_socket_unary_call() {
    let path = std::env::temp_dir().join(format!("bgpd-api-test-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path).unwrap();
    let server = tokio::spawn(
        router(StubInjection::default())
            .serve_with_incoming(tokio_stream::wrappers::UnixListenerStream::new(listener)),
    );

    let connect_path = path.clone();
    let channel = Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let path = connect_path.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(path).await?;
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(stream))
            }
        }))
        .await
        .unwrap();
    let info = ControlServiceClient::new(channel)
        .get_info(GetInfoRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(info.router_id, "10.255.0.1");

    server.abort();
    let _ = std::fs::remove_file(&path);
}
