//! Resolves a `neighborSelector` against the `BgpNeighbor`s' labels and families.
//!
//! An absent selector resolves to an empty list, which the speaker reads as "every neighbor
//! that negotiated the family" (including neighbors from its static config). A selector that
//! matches no neighbor is an error, never an empty list: an empty list would mean "all".

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use crate::crd::BgpNeighborSpec;
use crate::crd::bgp_neighbor::AddressFamily;
use crate::model::{Inputs, Object};

/// The neighbors an object goes to: `(name, address)` pairs, or an error text.
pub fn resolve(
    selector: Option<&LabelSelector>,
    family: AddressFamily,
    inputs: &Inputs,
) -> Result<Vec<(String, String)>, String> {
    let Some(selector) = selector else {
        return Ok(Vec::new());
    };
    let mut chosen = Vec::new();
    for n in &inputs.neighbors {
        if matches(selector, &n.labels)? && has_family(n, family) {
            chosen.push((n.key.name.clone(), canonical_ip(n.spec.address.as_str())));
        }
    }
    if chosen.is_empty() {
        return Err(format!(
            "neighborSelector matches no BgpNeighbor with family {}",
            family_name(family)
        ));
    }
    chosen.sort();
    Ok(chosen)
}

/// The families a neighbor negotiates: as listed, or the unicast family of its address.
pub fn families_of(spec: &BgpNeighborSpec) -> Vec<AddressFamily> {
    if !spec.families.is_empty() {
        return spec.families.clone();
    }
    if spec.address.as_str().contains(':') {
        vec![AddressFamily::Ipv6Unicast]
    } else {
        vec![AddressFamily::Ipv4Unicast]
    }
}

fn has_family(n: &Object<BgpNeighborSpec>, family: AddressFamily) -> bool {
    families_of(&n.spec).contains(&family)
}

/// The speaker's name of a family.
pub fn family_name(family: AddressFamily) -> &'static str {
    match family {
        AddressFamily::Ipv4Unicast => "ipv4_unicast",
        AddressFamily::Ipv6Unicast => "ipv6_unicast",
        AddressFamily::Ipv4FlowSpec => "ipv4_flowspec",
        AddressFamily::Ipv6FlowSpec => "ipv6_flowspec",
    }
}

/// An address in the form the speaker prints it, so that lists compare equal.
pub fn canonical_ip(text: &str) -> String {
    text.parse::<std::net::IpAddr>()
        .map_or_else(|_| text.to_owned(), |ip| ip.to_string())
}

/// Whether labels satisfy a selector (matchLabels AND every matchExpression).
pub fn matches(
    selector: &LabelSelector,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    let by_label = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let mut ok = by_label;
    for req in selector.match_expressions.iter().flatten() {
        ok &= requirement(req, labels)?;
    }
    Ok(ok)
}

fn requirement(
    req: &LabelSelectorRequirement,
    labels: &BTreeMap<String, String>,
) -> Result<bool, String> {
    let value = labels.get(&req.key);
    let values = req.values.as_deref().unwrap_or_default();
    match req.operator.as_str() {
        "In" => Ok(value.is_some_and(|v| values.contains(v))),
        "NotIn" => Ok(value.is_none_or(|v| !values.contains(v))),
        "Exists" => Ok(value.is_some()),
        "DoesNotExist" => Ok(value.is_none()),
        other => Err(format!(
            "neighborSelector: unknown operator {other:?} (In, NotIn, Exists, DoesNotExist)"
        )),
    }
}
