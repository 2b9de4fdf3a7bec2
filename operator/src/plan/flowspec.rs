//! `FlowSpecRule` → `AddFlowSpecRequest`.
//!
//! Numeric components: an integer item becomes a value of the equality list (`ports`,
//! `destination_ports`, ...); a string item is a range or expression in the speaker's grammar
//! and goes into the `*_match` field, items joined by a space (OR). A bare protocol name
//! (`tcp`) is an equality value too. Bitmask components are passed as written: the speaker
//! parses the same grammar the CRD documents.

use std::time::SystemTime;

use bgpd_api::v1::{AddFlowSpecRequest, FlowSpecActions, FlowSpecRule};
use ipnet::IpNet;

use super::expiry::{expiry_of, is_live};
use super::selector::{canonical_ip, resolve};
use super::{Outcome, Plan, Planned};
use crate::crd::FlowSpecRuleSpec;
use crate::crd::bgp_neighbor::AddressFamily;
use crate::crd::flowspec_rule::{FlowSpecActions as CrActions, FlowSpecFamily, FlowSpecMatch};
use crate::crd::values::{DscpMatch, FlowLabelMatch, IcmpMatch, PortMatch, Prefix, ProtocolMatch};
use crate::model::{Inputs, Object};

/// Plans every `FlowSpecRule`.
pub fn plan_all(inputs: &Inputs, now: SystemTime, plan: &mut Plan) {
    for obj in &inputs.flowspecs {
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
                plan.desired.flowspecs.push(req);
            }
        }
        plan.record(planned);
    }
    plan.desired.flowspecs.sort_by(|a, b| a.id.cmp(&b.id));
}

type Selected = Vec<(String, String)>;

/// The request for one rule and the neighbors it goes to.
pub fn request(
    obj: &Object<FlowSpecRuleSpec>,
    inputs: &Inputs,
) -> Result<(AddFlowSpecRequest, Selected), String> {
    let spec = &obj.spec;
    let family = family_of(spec)?;
    let rule = rule(&spec.match_, family)?;
    let api_family = match family {
        FlowSpecFamily::Ipv4 => AddressFamily::Ipv4FlowSpec,
        FlowSpecFamily::Ipv6 => AddressFamily::Ipv6FlowSpec,
    };
    let selected = resolve(spec.neighbor_selector.as_ref(), api_family, inputs)?;
    let req = AddFlowSpecRequest {
        id: obj.id.clone(),
        family: family.api_name().to_owned(),
        rule: Some(rule),
        actions: spec.actions.as_ref().map(actions),
        neighbors: selected.iter().map(|(_, a)| a.clone()).collect(),
        description: spec.description.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok((req, selected))
}

/// The family: given, or taken from the prefixes; prefixes must agree with it.
fn family_of(spec: &FlowSpecRuleSpec) -> Result<FlowSpecFamily, String> {
    let m = &spec.match_;
    let prefixes = [
        ("destinationPrefix", &m.destination_prefix),
        ("sourcePrefix", &m.source_prefix),
    ];
    let mut family = spec.family;
    for (field, p) in prefixes {
        let Some(p) = p else { continue };
        let net = parse_prefix(field, p)?;
        let f = if matches!(net, IpNet::V6(_)) {
            FlowSpecFamily::Ipv6
        } else {
            FlowSpecFamily::Ipv4
        };
        match family {
            Some(given) if given != f => {
                return Err(format!(
                    "match.{field} {} is not an {} prefix",
                    p.as_str(),
                    given.api_name()
                ));
            }
            _ => family = Some(f),
        }
    }
    family.ok_or_else(|| "family is required when match has no prefix to infer it from".to_owned())
}

fn parse_prefix(field: &str, p: &Prefix) -> Result<IpNet, String> {
    let net: IpNet = p
        .as_str()
        .parse()
        .map_err(|_| format!("match.{field}: {:?} is not a prefix", p.as_str()))?;
    if net.trunc() != net {
        return Err(format!(
            "match.{field}: host bits must be zero: did you mean {}?",
            net.trunc()
        ));
    }
    Ok(net)
}

/// One numeric item: an equality value or an expression.
enum Item {
    Value(u32),
    Expr(String),
}

/// Splits a numeric list into the equality values and the `*_match` expression.
fn numeric(field: &str, items: Vec<Item>, max: u32) -> Result<(Vec<u32>, String), String> {
    let mut values = Vec::new();
    let mut exprs = Vec::new();
    for item in items {
        match item {
            Item::Value(v) if v > max => {
                return Err(format!("match.{field}: {v} is above the maximum {max}"));
            }
            Item::Value(v) => values.push(v),
            Item::Expr(e) if e.trim().is_empty() => {
                return Err(format!("match.{field}: empty expression"));
            }
            Item::Expr(e) => exprs.push(e.trim().to_owned()),
        }
    }
    Ok((values, exprs.join(" ")))
}

macro_rules! items {
    ($list:expr, $ty:ident) => {
        $list
            .iter()
            .map(|i| match i {
                $ty::Value(v) => Item::Value(*v),
                $ty::Expression(e) => Item::Expr(e.clone()),
            })
            .collect::<Vec<_>>()
    };
}

/// Protocol items: a bare name (`tcp`) is an equality value.
fn protocol_items(list: &[ProtocolMatch]) -> Vec<Item> {
    list.iter()
        .map(|i| match i {
            ProtocolMatch::Value(v) => Item::Value(*v),
            ProtocolMatch::Expression(e) => {
                protocol_number(e).map_or_else(|| Item::Expr(e.clone()), Item::Value)
            }
        })
        .collect()
}

/// IP protocol names the CRD allows, with their numbers.
fn protocol_number(name: &str) -> Option<u32> {
    let n = match name.to_ascii_lowercase().as_str() {
        "icmp" => 1,
        "igmp" => 2,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "icmpv6" | "ipv6-icmp" => 58,
        "ospf" => 89,
        "pim" => 103,
        "sctp" => 132,
        digits => return digits.parse().ok(),
    };
    Some(n)
}

fn rule(m: &FlowSpecMatch, family: FlowSpecFamily) -> Result<FlowSpecRule, String> {
    if family == FlowSpecFamily::Ipv4
        && (m.destination_prefix_offset.unwrap_or(0) > 0 || m.source_prefix_offset.unwrap_or(0) > 0)
    {
        return Err("prefix offsets are for IPv6 rules only".to_owned());
    }
    if family == FlowSpecFamily::Ipv4 && !m.flow_label.is_empty() {
        return Err("match.flowLabel is for IPv6 rules only".to_owned());
    }
    let (protocols, protocol_match) = numeric("protocols", protocol_items(&m.protocols), 255)?;
    let (ports, port_match) = numeric("ports", items!(m.ports, PortMatch), PortMatch::MAX)?;
    let (destination_ports, destination_port_match) = numeric(
        "destinationPorts",
        items!(m.destination_ports, PortMatch),
        PortMatch::MAX,
    )?;
    let (source_ports, source_port_match) = numeric(
        "sourcePorts",
        items!(m.source_ports, PortMatch),
        PortMatch::MAX,
    )?;
    let (icmp_types, icmp_type_match) =
        numeric("icmpTypes", items!(m.icmp_types, IcmpMatch), IcmpMatch::MAX)?;
    let (icmp_codes, icmp_code_match) =
        numeric("icmpCodes", items!(m.icmp_codes, IcmpMatch), IcmpMatch::MAX)?;
    let (packet_lengths, packet_length_match) = numeric(
        "packetLengths",
        items!(m.packet_lengths, PortMatch),
        PortMatch::MAX,
    )?;
    let (dscp, dscp_match) = numeric("dscp", items!(m.dscp, DscpMatch), DscpMatch::MAX)?;
    let (flow_label, flow_label_match) = numeric(
        "flowLabel",
        items!(m.flow_label, FlowLabelMatch),
        FlowLabelMatch::MAX,
    )?;
    let rule = FlowSpecRule {
        destination_prefix: m
            .destination_prefix
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        destination_prefix_offset: m.destination_prefix_offset.map_or(0, u32::from),
        source_prefix: m
            .source_prefix
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        source_prefix_offset: m.source_prefix_offset.map_or(0, u32::from),
        protocols,
        protocol_match,
        ports,
        port_match,
        destination_ports,
        destination_port_match,
        source_ports,
        source_port_match,
        icmp_types,
        icmp_type_match,
        icmp_codes,
        icmp_code_match,
        tcp_flags: m
            .tcp_flags
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        packet_lengths,
        packet_length_match,
        dscp,
        dscp_match,
        fragment: m
            .fragment
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        flow_label,
        flow_label_match,
    };
    if rule == FlowSpecRule::default() {
        return Err("match needs at least one component".to_owned());
    }
    Ok(rule)
}

// Rates are f32 on the wire (IEEE 754 single precision, RFC 8955 section 7), so the u64 of
// the CRD is narrowed here on purpose.
#[allow(clippy::cast_precision_loss)]
fn actions(a: &CrActions) -> FlowSpecActions {
    let redirect = a.redirect.as_ref();
    FlowSpecActions {
        traffic_rate_bytes: a.rate_limit_bytes_per_second.map(|r| r as f32),
        traffic_rate_packets: a.rate_limit_packets_per_second.map(|r| r as f32),
        discard: a.discard,
        sample: a.sample,
        terminal: a.terminal,
        redirect_rt: redirect
            .and_then(|r| r.route_target.as_ref())
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default(),
        redirect_ip: redirect
            .and_then(|r| r.ip.as_ref())
            .map(|ip| canonical_ip(ip.as_str()))
            .unwrap_or_default(),
        mark_dscp: a.mark_dscp.map(u32::from),
    }
}
