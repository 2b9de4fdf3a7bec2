//! The health-only listener (`health_addr`) over real loopback TCP with a real tonic client:
//! it answers `grpc.health.v1` Check without a token, follows the core (SERVING while it
//! answers, NOT_SERVING once it is gone), serves no other service, and the daemon starts it
//! from the config.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant, SystemTime};

use bgpd_api::v1::GetInfoRequest;
use bgpd_api::v1::control_service_client::ControlServiceClient;
use speaker::api::{HealthSettings, bind_tcp, serve_health};
use speaker::command::{Command, SpeakerHandle, SpeakerInfo};
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const FAST: HealthSettings = HealthSettings {
    interval: Duration::from_millis(50),
    timeout: Duration::from_millis(500),
};

/// A core that answers only GetInfo, until `stop` fires; then its receiver is dropped.
fn info_core(
    mut rx: tokio::sync::mpsc::Receiver<Command>,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    tokio::spawn(async move {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => return,
                cmd = rx.recv() => match cmd {
                    Some(Command::GetInfo { reply }) => {
                        let _ = reply.send(Ok(SpeakerInfo {
                            version: "0.1.0".into(),
                            asn: 65000,
                            router_id: "192.0.2.1".parse().expect("literal"),
                            instance_id: "health-test".into(),
                            started_at: SystemTime::now(),
                            listen_port: None,
                        }));
                    }
                    Some(_) => {}
                    None => return,
                },
            }
        }
    });
}

async fn client(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .expect("valid uri")
        .connect()
        .await
        .expect("connect to the health listener")
}

async fn status(ch: &Channel, service: &str) -> ServingStatus {
    let req = HealthCheckRequest {
        service: service.into(),
    };
    let resp = HealthClient::new(ch.clone())
        .check(req)
        .await
        .expect("Check succeeds without a token");
    resp.into_inner().status()
}

/// Polls until `service` reports `want` (the watcher updates asynchronously).
async fn wait_for(ch: &Channel, service: &str, want: ServingStatus) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = status(ch, service).await;
        if got == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{service:?}: {got:?}, want {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn health_follows_the_core_and_nothing_else_is_served() {
    let (handle, rx) = SpeakerHandle::channel(8);
    let (stop_core, stop) = tokio::sync::oneshot::channel();
    info_core(rx, stop);
    let ip = testbed::addr::next_loopback_v4();
    let listener = bind_tcp(SocketAddr::new(IpAddr::V4(ip), 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("bound address");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_health(listener, handle, FAST, async {
        let _ = stop_rx.await;
    }));

    let ch = client(addr).await;
    wait_for(&ch, "", ServingStatus::Serving).await;
    wait_for(&ch, "rustbgpd.v1.InjectionService", ServingStatus::Serving).await;
    // Only grpc.health.v1 lives here: the API itself is not reachable without its token.
    let err = ControlServiceClient::new(ch.clone())
        .get_info(GetInfoRequest {})
        .await
        .expect_err("ControlService is not served on the health listener");
    assert_eq!(err.code(), Code::Unimplemented);
    let unknown = HealthClient::new(ch.clone())
        .check(HealthCheckRequest {
            service: "no.such.Service".into(),
        })
        .await
        .expect_err("unknown service");
    assert_eq!(unknown.code(), Code::NotFound);

    // The core goes away: the probe must fail.
    let _ = stop_core.send(());
    wait_for(&ch, "", ServingStatus::NotServing).await;
    wait_for(&ch, "rustbgpd.v1.RibService", ServingStatus::NotServing).await;

    let _ = stop_tx.send(());
    server
        .await
        .expect("server task")
        .expect("server stops cleanly");
}

#[tokio::test]
async fn the_daemon_serves_health_addr_from_its_config() {
    let ip = testbed::addr::next_loopback_v4();
    let port = testbed::addr::free_port(IpAddr::V4(ip)).expect("free port");
    let text = format!(
        "[global]\nasn = 65000\nrouter_id = \"192.0.2.1\"\nlisten_port = 0\n\
         [global.telemetry]\ngrpc_uds = false\nhealth_addr = \"{ip}:{port}\"\n"
    );
    let config = speaker::config::parse(&text, "health.toml").expect("valid config");
    let running = speaker::daemon::start(config).await.expect("daemon starts");
    let ch = client(SocketAddr::new(IpAddr::V4(ip), port)).await;
    wait_for(&ch, "", ServingStatus::Serving).await;
    running.stop(None).await;
    // Stopping the daemon closes the health listener too.
    let refused = Channel::from_shared(format!("http://{ip}:{port}"))
        .expect("valid uri")
        .connect()
        .await;
    assert!(refused.is_err(), "health listener still open after stop");
}
