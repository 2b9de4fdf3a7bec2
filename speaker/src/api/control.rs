//! `ControlService`: version, identity and instance id of the running speaker.

use std::time::SystemTime;

use bgpd_api::v1::control_service_server::ControlService;
use bgpd_api::v1::{GetInfoRequest, GetInfoResponse};
use tonic::{Request, Response, Status};

use super::convert::unix_seconds;
use crate::command::{SpeakerHandle, SpeakerInfo};

/// The ControlService implementation.
#[derive(Debug, Clone)]
pub struct ControlApi {
    core: SpeakerHandle,
}

impl ControlApi {
    pub fn new(core: SpeakerHandle) -> Self {
        ControlApi { core }
    }
}

/// The proto form of the speaker's facts, uptime taken at `now`.
pub fn to_info_proto(info: &SpeakerInfo, now: SystemTime) -> GetInfoResponse {
    GetInfoResponse {
        version: info.version.clone(),
        asn: info.asn,
        router_id: info.router_id.to_string(),
        instance_id: info.instance_id.clone(),
        started_at_unix_seconds: unix_seconds(info.started_at),
        listen_port: info.listen_port.map_or(0, u32::from),
        uptime_seconds: now
            .duration_since(info.started_at)
            .map_or(0, |d| d.as_secs()),
    }
}

#[tonic::async_trait]
impl ControlService for ControlApi {
    async fn get_info(
        &self,
        _request: Request<GetInfoRequest>,
    ) -> Result<Response<GetInfoResponse>, Status> {
        let info = self.core.get_info().await?;
        Ok(Response::new(to_info_proto(&info, SystemTime::now())))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn info_renders_times_and_port() {
        let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let info = SpeakerInfo {
            version: "0.1.0".into(),
            asn: 65500,
            router_id: "10.255.0.1".parse().unwrap(),
            instance_id: "abc".into(),
            started_at: started,
            listen_port: None,
        };
        let p = to_info_proto(&info, started + Duration::from_secs(42));
        assert_eq!(p.started_at_unix_seconds, 1000);
        assert_eq!(p.uptime_seconds, 42);
        assert_eq!(p.listen_port, 0);
        assert_eq!(p.router_id, "10.255.0.1");
    }
}
