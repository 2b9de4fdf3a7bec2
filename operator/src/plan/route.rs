//! `InjectedRoute` → `AddPathRequest`.

use std::time::SystemTime;

use bgpd_api::v1::{AddPathRequest, AsPathPrepend};
use ipnet::IpNet;

use super::expiry::{expiry_of, is_live};
use super::selector::{canonical_ip, resolve};
use super::{Outcome, Plan, Planned};
use crate::crd::InjectedRouteSpec;
use crate::crd::bgp_neighbor::AddressFamily;
use crate::crd::injected_route::Origin;
use crate::model::{Inputs, Object};

/// Plans every `InjectedRoute`.
pub fn plan_all(inputs: &Inputs, now: SystemTime, plan: &mut Plan) {
    for obj in &inputs.routes {
        let expires_at = expiry_of(
            obj.spec.expires_at.as_ref(),
            obj.spec.ttl.as_ref(),
            obj.created,
        );
        let mut planned = Planned {
            key: obj.key.clone(),
            id: obj.id.clone(),
            generation: obj.generation,
            outcome: Outcome::Desired,
            expires_at,
            selected: Vec::new(),
            problem: None,
        };
        match request(obj, inputs) {
            Err(reason) => planned.outcome = Outcome::Rejected(reason),
            Ok(_) if !is_live(expires_at, now) => planned.outcome = Outcome::Expired,
            Ok((req, selected)) => {
                planned.selected = selected;
                plan.desired.paths.push(req);
            }
        }
        plan.record(planned);
    }
    plan.desired.paths.sort_by(|a, b| a.id.cmp(&b.id));
}

/// The request for one route and the neighbors it goes to.
pub fn request(
    obj: &Object<InjectedRouteSpec>,
    inputs: &Inputs,
) -> Result<(AddPathRequest, Vec<(String, String)>), String> {
    let spec = &obj.spec;
    let net: IpNet = spec
        .prefix
        .as_str()
        .parse()
        .map_err(|_| format!("prefix: {:?} is not a prefix", spec.prefix.as_str()))?;
    if net.trunc() != net {
        return Err(format!(
            "prefix: host bits must be zero: did you mean {}?",
            net.trunc()
        ));
    }
    let family = match net {
        IpNet::V4(_) => AddressFamily::Ipv4Unicast,
        IpNet::V6(_) => AddressFamily::Ipv6Unicast,
    };
    if let Some(nh) = &spec.next_hop {
        nh.as_str()
            .parse::<std::net::IpAddr>()
            .map_err(|_| format!("nextHop: {:?} is not an IP address", nh.as_str()))?;
    }
    let selected = resolve(spec.neighbor_selector.as_ref(), family, inputs)?;
    let req = AddPathRequest {
        id: obj.id.clone(),
        prefix: net.to_string(),
        next_hop: spec
            .next_hop
            .as_ref()
            .map(|n| canonical_ip(n.as_str()))
            .unwrap_or_default(),
        communities: spec
            .communities
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        large_communities: spec
            .large_communities
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        extended_communities: spec
            .extended_communities
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        local_pref: spec.local_pref,
        med: spec.med,
        origin: spec.origin.map(origin_name).unwrap_or_default().to_owned(),
        as_path: spec.as_path.clone(),
        as_path_prepend: spec.as_path_prepend.as_ref().map(|p| AsPathPrepend {
            asn: p.asn,
            count: u32::from(p.count),
        }),
        neighbors: selected.iter().map(|(_, a)| a.clone()).collect(),
        path_id: 0,
        description: spec.description.clone().unwrap_or_default(),
    };
    Ok((req, selected))
}

fn origin_name(o: Origin) -> &'static str {
    match o {
        Origin::Igp => "igp",
        Origin::Egp => "egp",
        Origin::Incomplete => "incomplete",
    }
}
