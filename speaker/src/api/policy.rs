//! `PolicyService`: policies, defined sets, chains and explain. Requests are validated
//! into the engine's model here; the core checks references and applies changes at once.

use bgpd_api::v1::policy_service_server::PolicyService;
use bgpd_api::v1::*;
use tonic::{Request, Response, Status};

use super::convert::policy::{
    required_name, set_kind, to_defined_set, to_policy, to_policy_proto, to_set_proto,
    to_trace_proto,
};
use super::convert::{ip, list, prefix};
use super::error::FieldError;
use crate::command::SpeakerHandle;
use crate::command::policy::{PolicyOp, PolicyReply};
use crate::policy::{DefinedSet as Set, Direction, NeighborChains, SetKind};

/// The PolicyService implementation.
#[derive(Debug, Clone)]
pub struct PolicyApi {
    core: SpeakerHandle,
}

impl PolicyApi {
    pub fn new(core: SpeakerHandle) -> Self {
        PolicyApi { core }
    }

    async fn run(&self, op: PolicyOp) -> Result<PolicyReply, Status> {
        Ok(self.core.policy(op).await?)
    }

    async fn replaced(&self, op: PolicyOp) -> Result<bool, Status> {
        match self.run(op).await? {
            PolicyReply::Replaced(r) => Ok(r),
            _ => Ok(false),
        }
    }

    async fn sets(&self, kind: Option<SetKind>) -> Result<Vec<(String, Set)>, Status> {
        match self.run(PolicyOp::ListDefinedSets(kind)).await? {
            PolicyReply::Sets(v) => Ok(v),
            _ => Ok(Vec::new()),
        }
    }
}

/// Names in a chain must be non-empty.
fn chain(field: &str, names: &[String]) -> Result<Vec<String>, FieldError> {
    list(field, names, |n| {
        let t = n.trim();
        if t.is_empty() {
            Err("empty policy name".into())
        } else {
            Ok(t.to_string())
        }
    })
}

#[tonic::async_trait]
impl PolicyService for PolicyApi {
    async fn set_policy(
        &self,
        request: Request<SetPolicyRequest>,
    ) -> Result<Response<SetPolicyResponse>, Status> {
        let p = to_policy(request.get_ref())?;
        let replaced = self.replaced(PolicyOp::SetPolicy(p)).await?;
        Ok(Response::new(SetPolicyResponse { replaced }))
    }

    async fn delete_policy(
        &self,
        request: Request<DeletePolicyRequest>,
    ) -> Result<Response<DeletePolicyResponse>, Status> {
        let name = required_name("name", &request.get_ref().name)?;
        self.run(PolicyOp::DeletePolicy(name)).await?;
        Ok(Response::new(DeletePolicyResponse {}))
    }

    async fn list_policies(
        &self,
        _request: Request<ListPoliciesRequest>,
    ) -> Result<Response<ListPoliciesResponse>, Status> {
        let policies = match self.run(PolicyOp::ListPolicies).await? {
            PolicyReply::Policies(v) => v.iter().map(to_policy_proto).collect(),
            _ => Vec::new(),
        };
        Ok(Response::new(ListPoliciesResponse { policies }))
    }

    async fn set_neighbor_set(
        &self,
        request: Request<SetNeighborSetRequest>,
    ) -> Result<Response<SetNeighborSetResponse>, Status> {
        let r = request.get_ref();
        let (name, set) = to_defined_set(&DefinedSet {
            kind: SetKind::Neighbor.name().into(),
            name: r.name.clone(),
            members: r.addresses.clone(),
        })
        .map_err(|e| rename(e, "members", "addresses"))?;
        let replaced = self.replaced(PolicyOp::SetDefinedSet { name, set }).await?;
        Ok(Response::new(SetNeighborSetResponse { replaced }))
    }

    async fn delete_neighbor_set(
        &self,
        request: Request<DeleteNeighborSetRequest>,
    ) -> Result<Response<DeleteNeighborSetResponse>, Status> {
        let name = required_name("name", &request.get_ref().name)?;
        let kind = SetKind::Neighbor;
        self.run(PolicyOp::DeleteDefinedSet { kind, name }).await?;
        Ok(Response::new(DeleteNeighborSetResponse {}))
    }

    async fn list_neighbor_sets(
        &self,
        _request: Request<ListNeighborSetsRequest>,
    ) -> Result<Response<ListNeighborSetsResponse>, Status> {
        let neighbor_sets = self
            .sets(Some(SetKind::Neighbor))
            .await?
            .into_iter()
            .map(|(name, s)| SetNeighborSetRequest {
                name,
                addresses: s.members(),
            })
            .collect();
        Ok(Response::new(ListNeighborSetsResponse { neighbor_sets }))
    }

    async fn set_global_import_chain(
        &self,
        request: Request<SetGlobalImportChainRequest>,
    ) -> Result<Response<SetGlobalImportChainResponse>, Status> {
        let chain = chain("chain", &request.get_ref().chain)?;
        let direction = Direction::Import;
        self.run(PolicyOp::SetGlobalChain { direction, chain })
            .await?;
        Ok(Response::new(SetGlobalImportChainResponse {}))
    }

    async fn set_global_export_chain(
        &self,
        request: Request<SetGlobalExportChainRequest>,
    ) -> Result<Response<SetGlobalExportChainResponse>, Status> {
        let chain = chain("chain", &request.get_ref().chain)?;
        let direction = Direction::Export;
        self.run(PolicyOp::SetGlobalChain { direction, chain })
            .await?;
        Ok(Response::new(SetGlobalExportChainResponse {}))
    }

    async fn get_global_chains(
        &self,
        _request: Request<GetGlobalChainsRequest>,
    ) -> Result<Response<GetGlobalChainsResponse>, Status> {
        let (import_chain, export_chain) = match self.run(PolicyOp::GetGlobalChains).await? {
            PolicyReply::Chains { import, export } => (import, export),
            _ => Default::default(),
        };
        Ok(Response::new(GetGlobalChainsResponse {
            import_chain,
            export_chain,
        }))
    }

    async fn set_neighbor_policies(
        &self,
        request: Request<SetNeighborPoliciesRequest>,
    ) -> Result<Response<SetNeighborPoliciesResponse>, Status> {
        let r = request.get_ref();
        let address = ip("address", &r.address)?;
        let chains = NeighborChains {
            import: chain("import_policies", &r.import_policies)?,
            export: chain("export_policies", &r.export_policies)?,
        };
        self.run(PolicyOp::SetNeighborPolicies { address, chains })
            .await?;
        Ok(Response::new(SetNeighborPoliciesResponse {}))
    }

    async fn list_neighbor_policies(
        &self,
        _request: Request<ListNeighborPoliciesRequest>,
    ) -> Result<Response<ListNeighborPoliciesResponse>, Status> {
        let neighbors = match self.run(PolicyOp::ListNeighborPolicies).await? {
            PolicyReply::Neighbors(v) => v
                .into_iter()
                .map(|(a, c)| SetNeighborPoliciesRequest {
                    address: a.to_string(),
                    import_policies: c.import,
                    export_policies: c.export,
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Response::new(ListNeighborPoliciesResponse { neighbors }))
    }

    async fn set_defined_set(
        &self,
        request: Request<DefinedSet>,
    ) -> Result<Response<SetDefinedSetResponse>, Status> {
        let (name, set) = to_defined_set(request.get_ref())?;
        let replaced = self.replaced(PolicyOp::SetDefinedSet { name, set }).await?;
        Ok(Response::new(SetDefinedSetResponse { replaced }))
    }

    async fn delete_defined_set(
        &self,
        request: Request<DeleteDefinedSetRequest>,
    ) -> Result<Response<DeleteDefinedSetResponse>, Status> {
        let r = request.get_ref();
        let kind = set_kind("kind", &r.kind, false)?.unwrap_or(SetKind::Prefix);
        let name = required_name("name", &r.name)?;
        self.run(PolicyOp::DeleteDefinedSet { kind, name }).await?;
        Ok(Response::new(DeleteDefinedSetResponse {}))
    }

    async fn list_defined_sets(
        &self,
        request: Request<ListDefinedSetsRequest>,
    ) -> Result<Response<ListDefinedSetsResponse>, Status> {
        let kind = set_kind("kind", &request.get_ref().kind, true)?;
        let sets = self
            .sets(kind)
            .await?
            .iter()
            .map(|(n, s)| to_set_proto(n, s))
            .collect();
        Ok(Response::new(ListDefinedSetsResponse { sets }))
    }

    async fn explain(
        &self,
        request: Request<ExplainRequest>,
    ) -> Result<Response<ExplainResponse>, Status> {
        let r = request.get_ref();
        let prefix = prefix("prefix", &r.prefix)?;
        let neighbor = ip("neighbor", &r.neighbor)?;
        let family = match prefix {
            ipnet::IpNet::V4(_) => bgp_wire::AfiSafi::IPV4_UNICAST,
            ipnet::IpNet::V6(_) => bgp_wire::AfiSafi::IPV6_UNICAST,
        };
        let op = PolicyOp::Explain {
            family,
            prefix,
            neighbor,
        };
        let PolicyReply::Explained(e) = self.run(op).await? else {
            return Err(Status::internal("unexpected reply to explain"));
        };
        Ok(Response::new(ExplainResponse {
            import: e.import.as_ref().map(to_trace_proto),
            export: e.export.as_ref().map(to_trace_proto),
            export_note: e.export_note.clone().unwrap_or_default(),
            export_source: e.export_source.clone().unwrap_or_default(),
        }))
    }
}

/// The same error under the field name of the request that was given.
fn rename(mut e: FieldError, from: &str, to: &str) -> FieldError {
    if let Some(rest) = e.field.strip_prefix(from) {
        e.field = format!("{to}{rest}");
    }
    e
}
