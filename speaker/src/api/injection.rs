//! `InjectionService`: add, delete and list injected paths and FlowSpec rules. Each RPC
//! converts and validates its input, then sends one command to the core.

use std::pin::Pin;

use bgpd_api::v1::injection_service_server::InjectionService;
use bgpd_api::v1::*;
use tonic::{Request, Response, Status, Streaming};

use super::batch::{self, Converted, STREAM_CHUNK, StreamSummary};
use super::convert::flowspec::{to_flowspec_selector, to_inject_flowspec, to_injected_flowspec};
use super::convert::path::{
    PathContext, to_inject_path, to_injected_path, to_list_query, to_path_selector,
};
use super::error::FieldError;
use crate::command::{BatchResult, CommandError, InjectOutcome, SpeakerHandle};

/// The InjectionService implementation.
#[derive(Debug, Clone)]
pub struct InjectionApi {
    core: SpeakerHandle,
    ctx: PathContext,
}

impl InjectionApi {
    pub fn new(core: SpeakerHandle, ctx: PathContext) -> Self {
        InjectionApi { core, ctx }
    }
}

/// The single outcome of a one-item batch.
fn single(results: BatchResult) -> Result<InjectOutcome, Status> {
    results
        .into_iter()
        .next()
        .unwrap_or_else(|| {
            Err(CommandError::Internal(
                "empty reply to a one-item batch".into(),
            ))
        })
        .map_err(Status::from)
}

fn count32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A core call for one chunk (boxed: a borrowing async closure would not be `Send`).
type BatchFuture = Pin<Box<dyn Future<Output = Result<BatchResult, CommandError>> + Send>>;

/// Reads a client stream, converting each message; valid items go to the core in chunks
/// of [`STREAM_CHUNK`], each item applied on its own.
async fn drain<R, T>(
    mut stream: Streaming<R>,
    id_of: impl Fn(&R) -> &str,
    convert: impl Fn(&R) -> Result<T, FieldError>,
    send: impl Fn(Vec<T>) -> BatchFuture,
) -> Result<StreamSummary, Status> {
    let mut summary = StreamSummary::default();
    let mut chunk = Vec::with_capacity(STREAM_CHUNK);
    let mut positions = Vec::with_capacity(STREAM_CHUNK);
    let mut index = 0usize;
    while let Some(msg) = stream.message().await? {
        match convert(&msg) {
            Ok(item) => {
                chunk.push(item);
                positions.push(index);
            }
            Err(e) => summary.reject(batch::item_error(index, id_of(&msg), e)),
        }
        index += 1;
        if chunk.len() >= STREAM_CHUNK {
            let results = send(std::mem::take(&mut chunk)).await?;
            summary.record(&positions, results);
            positions.clear();
        }
    }
    if !chunk.is_empty() {
        let results = send(chunk).await?;
        summary.record(&positions, results);
    }
    Ok(summary)
}

#[tonic::async_trait]
impl InjectionService for InjectionApi {
    async fn add_path(
        &self,
        request: Request<AddPathRequest>,
    ) -> Result<Response<AddPathResponse>, Status> {
        let path = to_inject_path(request.get_ref(), self.ctx)?;
        let outcome = single(self.core.inject_paths(vec![path], true).await?)?;
        Ok(Response::new(AddPathResponse {
            id: outcome.id,
            replaced: outcome.replaced,
        }))
    }

    async fn delete_path(
        &self,
        request: Request<DeletePathRequest>,
    ) -> Result<Response<DeletePathResponse>, Status> {
        let selector = to_path_selector(request.get_ref())?;
        let deleted = self.core.delete_paths(vec![selector]).await?;
        Ok(Response::new(DeletePathResponse {
            deleted: count32(deleted),
        }))
    }

    async fn list_paths(
        &self,
        request: Request<ListPathsRequest>,
    ) -> Result<Response<ListPathsResponse>, Status> {
        let query = to_list_query(request.get_ref())?;
        let page = self.core.list_paths(query).await?;
        Ok(Response::new(ListPathsResponse {
            paths: page.items.into_iter().map(to_injected_path).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn add_paths(
        &self,
        request: Request<AddPathsRequest>,
    ) -> Result<Response<AddPathsResponse>, Status> {
        let req = request.into_inner();
        let Converted { valid, mut errors } = batch::convert_all(
            "paths",
            &req.paths,
            req.allow_partial,
            |p| &p.id,
            |p| to_inject_path(p, self.ctx),
        )?;
        let (positions, paths): (Vec<usize>, Vec<_>) = valid.into_iter().unzip();
        let results = self.core.inject_paths(paths, !req.allow_partial).await?;
        if !req.allow_partial
            && let Some(Err(e)) = results.iter().find(|r| r.is_err())
        {
            return Err(e.clone().into());
        }
        let ids = batch::merge_results(req.paths.len(), &positions, results, &mut errors);
        Ok(Response::new(AddPathsResponse { ids, errors }))
    }

    async fn add_path_stream(
        &self,
        request: Request<Streaming<AddPathRequest>>,
    ) -> Result<Response<AddPathStreamResponse>, Status> {
        let s = drain(
            request.into_inner(),
            |p| &p.id,
            |p| to_inject_path(p, self.ctx),
            |paths| {
                let core = self.core.clone();
                Box::pin(async move { core.inject_paths(paths, false).await })
            },
        )
        .await?;
        Ok(Response::new(AddPathStreamResponse {
            applied: s.applied,
            failed: s.failed,
            errors: s.errors,
        }))
    }

    async fn delete_paths(
        &self,
        request: Request<DeletePathsRequest>,
    ) -> Result<Response<DeletePathsResponse>, Status> {
        let selectors = request
            .get_ref()
            .paths
            .iter()
            .enumerate()
            .map(|(i, p)| to_path_selector(p).map_err(|e| e.within(&format!("paths[{i}]"))))
            .collect::<Result<Vec<_>, _>>()?;
        let deleted = self.core.delete_paths(selectors).await?;
        Ok(Response::new(DeletePathsResponse { deleted }))
    }

    async fn add_flow_spec(
        &self,
        request: Request<AddFlowSpecRequest>,
    ) -> Result<Response<AddFlowSpecResponse>, Status> {
        let rule = to_inject_flowspec(request.get_ref())?;
        let outcome = single(self.core.inject_flowspecs(vec![rule], true).await?)?;
        Ok(Response::new(AddFlowSpecResponse {
            id: outcome.id,
            replaced: outcome.replaced,
        }))
    }

    async fn delete_flow_spec(
        &self,
        request: Request<DeleteFlowSpecRequest>,
    ) -> Result<Response<DeleteFlowSpecResponse>, Status> {
        let selector = to_flowspec_selector(request.get_ref())?;
        let deleted = self.core.delete_flowspecs(vec![selector]).await?;
        Ok(Response::new(DeleteFlowSpecResponse {
            deleted: count32(deleted),
        }))
    }

    async fn list_flow_specs(
        &self,
        request: Request<ListFlowSpecsRequest>,
    ) -> Result<Response<ListFlowSpecsResponse>, Status> {
        let query = super::convert::flowspec::to_list_query(request.get_ref())?;
        let page = self.core.list_flowspecs(query).await?;
        Ok(Response::new(ListFlowSpecsResponse {
            flowspecs: page.items.into_iter().map(to_injected_flowspec).collect(),
            next_page_token: page.next_page_token,
        }))
    }

    async fn add_flow_specs(
        &self,
        request: Request<AddFlowSpecsRequest>,
    ) -> Result<Response<AddFlowSpecsResponse>, Status> {
        let req = request.into_inner();
        let Converted { valid, mut errors } = batch::convert_all(
            "flowspecs",
            &req.flowspecs,
            req.allow_partial,
            |f| &f.id,
            to_inject_flowspec,
        )?;
        let (positions, rules): (Vec<usize>, Vec<_>) = valid.into_iter().unzip();
        let results = self
            .core
            .inject_flowspecs(rules, !req.allow_partial)
            .await?;
        if !req.allow_partial
            && let Some(Err(e)) = results.iter().find(|r| r.is_err())
        {
            return Err(e.clone().into());
        }
        let ids = batch::merge_results(req.flowspecs.len(), &positions, results, &mut errors);
        Ok(Response::new(AddFlowSpecsResponse { ids, errors }))
    }

    async fn add_flow_spec_stream(
        &self,
        request: Request<Streaming<AddFlowSpecRequest>>,
    ) -> Result<Response<AddFlowSpecStreamResponse>, Status> {
        let s = drain(
            request.into_inner(),
            |f| &f.id,
            to_inject_flowspec,
            |rules| {
                let core = self.core.clone();
                Box::pin(async move { core.inject_flowspecs(rules, false).await })
            },
        )
        .await?;
        Ok(Response::new(AddFlowSpecStreamResponse {
            applied: s.applied,
            failed: s.failed,
            errors: s.errors,
        }))
    }

    async fn delete_flow_specs(
        &self,
        request: Request<DeleteFlowSpecsRequest>,
    ) -> Result<Response<DeleteFlowSpecsResponse>, Status> {
        let selectors = request
            .get_ref()
            .flowspecs
            .iter()
            .enumerate()
            .map(|(i, f)| to_flowspec_selector(f).map_err(|e| e.within(&format!("flowspecs[{i}]"))))
            .collect::<Result<Vec<_>, _>>()?;
        let deleted = self.core.delete_flowspecs(selectors).await?;
        Ok(Response::new(DeleteFlowSpecsResponse { deleted }))
    }
}
