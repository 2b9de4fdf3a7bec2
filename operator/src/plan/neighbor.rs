//! `BgpNeighbor` → `AddNeighborRequest`.
//!
//! The speaker keys neighbors by address and has no id field, so the object's id goes first
//! in `description` (`crate::ids::neighbor_description`). The TCP MD5 password comes from the
//! Secret the spec points at; a missing Secret rejects the object (and keeps the session the
//! speaker has, see `DesiredState::keep`).

use std::collections::BTreeMap;

use bgpd_api::v1::AddNeighborRequest;

use super::selector::{canonical_ip, families_of, family_name};
use super::{Outcome, Plan, Planned};
use crate::crd::BgpNeighborSpec;
use crate::ids::neighbor_description;
use crate::model::{Inputs, Object};

/// Plans every `BgpNeighbor`; two objects with the same address are both rejected.
pub fn plan_all(inputs: &Inputs, plan: &mut Plan) {
    let mut by_address: BTreeMap<String, usize> = BTreeMap::new();
    for n in &inputs.neighbors {
        *by_address
            .entry(canonical_ip(n.spec.address.as_str()))
            .or_default() += 1;
    }
    for obj in &inputs.neighbors {
        let address = canonical_ip(obj.spec.address.as_str());
        let result = if by_address.get(&address).copied().unwrap_or(0) > 1 {
            Err(format!("another BgpNeighbor has the address {address}"))
        } else {
            request(obj, inputs)
        };
        let mut planned = Planned {
            key: obj.key.clone(),
            id: obj.id.clone(),
            generation: obj.generation,
            outcome: Outcome::Desired,
            expires_at: None,
            selected: Vec::new(),
            problem: None,
        };
        match result {
            Ok(req) => plan.desired.neighbors.push(req),
            Err(reason) => planned.outcome = Outcome::Rejected(reason),
        }
        plan.record(planned);
    }
    plan.desired
        .neighbors
        .sort_by(|a, b| a.address.cmp(&b.address));
}

/// The request for one neighbor.
pub fn request(
    obj: &Object<BgpNeighborSpec>,
    inputs: &Inputs,
) -> Result<AddNeighborRequest, String> {
    let s = &obj.spec;
    let address: std::net::IpAddr = s
        .address
        .as_str()
        .parse()
        .map_err(|_| format!("address: {:?} is not an IP address", s.address.as_str()))?;
    let password = match &s.password_secret_ref {
        None => String::new(),
        Some(r) => inputs
            .secrets
            .get(&(r.namespace.clone(), r.name.clone(), r.key.clone()))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "passwordSecretRef: no key {:?} in Secret {}/{}",
                    r.key, r.namespace, r.name
                )
            })?,
    };
    // The speaker has one multihop setting: ebgpMultihop means TTL 255, ttl an explicit one.
    let ebgp_multihop = s.ttl.map(u32::from).or(s.ebgp_multihop.then_some(255));
    Ok(AddNeighborRequest {
        address: address.to_string(),
        remote_asn: s.remote_asn,
        description: neighbor_description(&obj.id, s.description.as_deref()),
        families: families_of(s)
            .into_iter()
            .map(|f| family_name(f).to_owned())
            .collect(),
        hold_time: s.hold_time.map(u32::from),
        port: s.port.map(u32::from),
        local_address: s
            .local_address
            .as_ref()
            .map(|a| canonical_ip(a.as_str()))
            .unwrap_or_default(),
        passive: s.passive,
        ebgp_multihop,
        ttl_security: s.ttl_security,
        password,
        max_prefixes: s.max_prefixes,
        flowspec_validation: s.flowspec_validation,
        peer_group: String::new(),
    })
}
