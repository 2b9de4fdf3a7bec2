//! PolicyService calls of the client: list policies, sets and chains into [`Actual`]; apply
//! the policy operations in the order the speaker's references need (sets, policies,
//! chains, then deletes). A request the speaker refuses (INVALID_ARGUMENT and the like) is
//! recorded against its object and the rest goes on.

use std::collections::BTreeSet;

use bgpd_api::v1::policy_service_client::PolicyServiceClient;
use bgpd_api::v1::{
    DeleteDefinedSetRequest, DeletePolicyRequest, GetGlobalChainsRequest, ListDefinedSetsRequest,
    ListNeighborPoliciesRequest, ListPoliciesRequest, SetGlobalExportChainRequest,
    SetGlobalImportChainRequest,
};
use tonic::Code;

use super::client::{ApplyError, Refused, Svc, call};
use crate::diff::{Actual, Ops};

type Api = PolicyServiceClient<Svc>;

/// Fills the policy part of `actual`.
pub async fn list(api: &mut Api, actual: &mut Actual) -> Result<(), ApplyError> {
    actual.policies = api
        .list_policies(ListPoliciesRequest {})
        .await
        .map_err(call("ListPolicies"))?
        .into_inner()
        .policies;
    actual.defined_sets = api
        .list_defined_sets(ListDefinedSetsRequest::default())
        .await
        .map_err(call("ListDefinedSets"))?
        .into_inner()
        .sets;
    actual.neighbor_chains = api
        .list_neighbor_policies(ListNeighborPoliciesRequest {})
        .await
        .map_err(call("ListNeighborPolicies"))?
        .into_inner()
        .neighbors;
    let global = api
        .get_global_chains(GetGlobalChainsRequest {})
        .await
        .map_err(call("GetGlobalChains"))?
        .into_inner();
    actual.global_import = global.import_chain;
    actual.global_export = global.export_chain;
    Ok(())
}

/// Whether the speaker refused the request itself (as opposed to a transport failure).
fn refusal(s: &tonic::Status) -> bool {
    matches!(
        s.code(),
        Code::InvalidArgument | Code::NotFound | Code::FailedPrecondition
    )
}

/// Records a refusal under `key`, or fails the pass for any other error.
fn check<T>(
    r: Result<T, tonic::Status>,
    name: &'static str,
    key: &str,
    refused: &mut Refused,
) -> Result<(), ApplyError> {
    match r {
        Ok(_) => Ok(()),
        Err(s) if refusal(&s) => {
            refused.insert(key.to_owned(), s.message().to_owned());
            Ok(())
        }
        Err(status) => Err(ApplyError::Call { call: name, status }),
    }
}

/// Of the policies the speaker just refused, those it does not hold at all (new ones): a
/// chain naming one would be refused as a whole, so they are left out of the chains (the
/// speaker never applied them anyway); a refused edit keeps the previous version in place.
async fn absent(api: &mut Api, failed: Vec<String>) -> Result<BTreeSet<String>, ApplyError> {
    if failed.is_empty() {
        return Ok(BTreeSet::new());
    }
    let held: BTreeSet<String> = api
        .list_policies(ListPoliciesRequest {})
        .await
        .map_err(call("ListPolicies"))?
        .into_inner()
        .policies
        .into_iter()
        .map(|p| p.name)
        .collect();
    Ok(failed.into_iter().filter(|n| !held.contains(n)).collect())
}

/// Applies the policy operations of `ops`.
pub async fn apply(api: &mut Api, ops: &Ops, refused: &mut Refused) -> Result<(), ApplyError> {
    for s in &ops.upsert_sets {
        let owner = s.name.split('/').next().unwrap_or_default().to_owned();
        let r = api.set_defined_set(s.clone()).await;
        check(r, "SetDefinedSet", &owner, refused)?;
    }
    let mut failed = Vec::new();
    for p in &ops.upsert_policies {
        let r = api.set_policy(p.clone()).await;
        if r.is_err() {
            failed.push(p.name.clone());
        }
        check(r, "SetPolicy", &p.name, refused)?;
    }
    let absent = absent(api, failed).await?;
    let keep = |chain: &[String]| -> Vec<String> {
        chain
            .iter()
            .filter(|n| !absent.contains(*n))
            .cloned()
            .collect()
    };
    for n in &ops.set_neighbor_chains {
        let mut n = n.clone();
        n.import_policies = keep(&n.import_policies);
        n.export_policies = keep(&n.export_policies);
        let r = api.set_neighbor_policies(n.clone()).await;
        check(r, "SetNeighborPolicies", &n.address, refused)?;
    }
    let global_import = ops.set_global_import.as_deref().map(keep);
    let global_export = ops.set_global_export.as_deref().map(keep);
    if let Some(chain) = &global_import {
        let r = api
            .set_global_import_chain(SetGlobalImportChainRequest {
                chain: chain.clone(),
            })
            .await;
        if let Err(s) = &r {
            tracing::warn!(error = %s, "the speaker refused the global import chain");
        }
        check(
            r,
            "SetGlobalImportChain",
            "global-import",
            &mut Refused::new(),
        )?;
    }
    if let Some(chain) = &global_export {
        let r = api
            .set_global_export_chain(SetGlobalExportChainRequest {
                chain: chain.clone(),
            })
            .await;
        if let Err(s) = &r {
            tracing::warn!(error = %s, "the speaker refused the global export chain");
        }
        check(
            r,
            "SetGlobalExportChain",
            "global-export",
            &mut Refused::new(),
        )?;
    }
    for name in &ops.delete_policies {
        let r = api
            .delete_policy(DeletePolicyRequest { name: name.clone() })
            .await;
        if let Err(s) = &r {
            tracing::warn!(policy = %name, error = %s, "the speaker kept a policy");
        }
        check(r, "DeletePolicy", name, &mut Refused::new())?;
    }
    for (kind, name) in &ops.delete_sets {
        let r = api
            .delete_defined_set(DeleteDefinedSetRequest {
                kind: kind.clone(),
                name: name.clone(),
            })
            .await;
        check(r, "DeleteDefinedSet", name, &mut Refused::new())?;
    }
    Ok(())
}
