//! `NeighborService`: neighbor config and live state, and runtime changes to them.

use std::time::SystemTime;

use bgpd_api::v1::neighbor_service_server::NeighborService;
use bgpd_api::v1::*;
use tonic::{Request, Response, Status};

use super::convert::neighbor::{
    NeighborDefaults, address, shutdown_message, soft_reset, to_neighbor_config, to_neighbor_proto,
};
use crate::command::SpeakerHandle;

/// The NeighborService implementation.
#[derive(Debug, Clone)]
pub struct NeighborApi {
    core: SpeakerHandle,
    defaults: NeighborDefaults,
}

impl NeighborApi {
    pub fn new(core: SpeakerHandle, defaults: NeighborDefaults) -> Self {
        NeighborApi { core, defaults }
    }
}

#[tonic::async_trait]
impl NeighborService for NeighborApi {
    async fn list_neighbors(
        &self,
        _request: Request<ListNeighborsRequest>,
    ) -> Result<Response<ListNeighborsResponse>, Status> {
        let mut infos = self.core.list_neighbors().await?;
        infos.sort_by_key(|n| n.address());
        let now = SystemTime::now();
        Ok(Response::new(ListNeighborsResponse {
            neighbors: infos.iter().map(|n| to_neighbor_proto(n, now)).collect(),
        }))
    }

    async fn get_neighbor(
        &self,
        request: Request<GetNeighborRequest>,
    ) -> Result<Response<GetNeighborResponse>, Status> {
        let addr = address(&request.get_ref().address)?;
        let info = self.core.get_neighbor(addr).await?;
        Ok(Response::new(GetNeighborResponse {
            neighbor: Some(to_neighbor_proto(&info, SystemTime::now())),
        }))
    }

    async fn add_neighbor(
        &self,
        request: Request<AddNeighborRequest>,
    ) -> Result<Response<AddNeighborResponse>, Status> {
        let config = to_neighbor_config(request.get_ref(), self.defaults)?;
        let updated = self.core.add_neighbor(config).await?;
        Ok(Response::new(AddNeighborResponse { updated }))
    }

    async fn delete_neighbor(
        &self,
        request: Request<DeleteNeighborRequest>,
    ) -> Result<Response<DeleteNeighborResponse>, Status> {
        let addr = address(&request.get_ref().address)?;
        self.core.delete_neighbor(addr).await?;
        Ok(Response::new(DeleteNeighborResponse {}))
    }

    async fn enable_neighbor(
        &self,
        request: Request<EnableNeighborRequest>,
    ) -> Result<Response<EnableNeighborResponse>, Status> {
        let addr = address(&request.get_ref().address)?;
        self.core.enable_neighbor(addr).await?;
        Ok(Response::new(EnableNeighborResponse {}))
    }

    async fn disable_neighbor(
        &self,
        request: Request<DisableNeighborRequest>,
    ) -> Result<Response<DisableNeighborResponse>, Status> {
        let req = request.get_ref();
        let addr = address(&req.address)?;
        let message = shutdown_message(&req.shutdown_message)?;
        self.core.disable_neighbor(addr, message).await?;
        Ok(Response::new(DisableNeighborResponse {}))
    }

    async fn soft_reset(
        &self,
        request: Request<SoftResetRequest>,
    ) -> Result<Response<SoftResetResponse>, Status> {
        let (addr, direction, family) = soft_reset(request.get_ref())?;
        self.core.soft_reset(addr, direction, family).await?;
        Ok(Response::new(SoftResetResponse {}))
    }
}
