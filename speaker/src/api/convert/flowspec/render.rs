//! [`FlowSpecNlri`] → `FlowSpecRule` and action communities → `FlowSpecActions`, for routes
//! read back from the RIB: a component that is a plain OR of equalities becomes a value
//! list, anything else a `*_match` expression.

use std::net::IpAddr;

use bgp_wire::attribute::PathAttributes;
use bgp_wire::nlri::flowspec::component::Value;
use bgp_wire::nlri::flowspec::text::value_text;
use bgp_wire::nlri::flowspec::{
    Component, ComponentType, FlowPrefix, FlowSpecAction, FlowSpecNlri, NumericCmp,
};
use bgpd_api::v1::{FlowSpecActions, FlowSpecRule};

/// The rule in the API's shape.
pub fn to_rule_proto(rule: &FlowSpecNlri) -> FlowSpecRule {
    let mut out = FlowSpecRule::default();
    for c in rule.components() {
        set_component(&mut out, c);
    }
    out
}

fn set_component(out: &mut FlowSpecRule, c: &Component) {
    use ComponentType as T;
    let ty = c.component_type();
    let (values, expr) = match c.value() {
        Value::Prefix(p) => {
            let (text, offset) = prefix_text(p);
            if ty == T::DestinationPrefix {
                (out.destination_prefix, out.destination_prefix_offset) = (text, offset);
            } else {
                (out.source_prefix, out.source_prefix_offset) = (text, offset);
            }
            return;
        }
        Value::Bitmask(_) => {
            let text = value_text(c).replace('|', "+");
            if ty == T::TcpFlags {
                out.tcp_flags = text;
            } else {
                out.fragment = text;
            }
            return;
        }
        Value::Numeric(ops) => {
            let plain = ops.iter().all(|m| !m.and && m.cmp == NumericCmp::Eq);
            let values: Vec<u32> = ops
                .iter()
                .filter_map(|m| u32::try_from(m.value).ok())
                .collect();
            if plain && values.len() == ops.len() {
                (values, String::new())
            } else {
                (Vec::new(), value_text(c))
            }
        }
    };
    let (list, text) = match ty {
        T::IpProtocol => (&mut out.protocols, &mut out.protocol_match),
        T::Port => (&mut out.ports, &mut out.port_match),
        T::DestinationPort => (&mut out.destination_ports, &mut out.destination_port_match),
        T::SourcePort => (&mut out.source_ports, &mut out.source_port_match),
        T::IcmpType => (&mut out.icmp_types, &mut out.icmp_type_match),
        T::IcmpCode => (&mut out.icmp_codes, &mut out.icmp_code_match),
        T::PacketLength => (&mut out.packet_lengths, &mut out.packet_length_match),
        T::Dscp => (&mut out.dscp, &mut out.dscp_match),
        _ => (&mut out.flow_label, &mut out.flow_label_match),
    };
    *list = values;
    *text = expr;
}

fn prefix_text(p: &FlowPrefix) -> (String, u32) {
    match p {
        FlowPrefix::V4(n) => (n.to_string(), 0),
        FlowPrefix::V6(v) => (
            format!("{}/{}", v.addr(), v.length()),
            u32::from(v.offset()),
        ),
    }
}

/// The actions found among a route's extended communities; `next_hop` is the target of
/// a redirect-to-IP.
pub fn to_actions_proto(attrs: &PathAttributes, next_hop: Option<IpAddr>) -> FlowSpecActions {
    let mut out = FlowSpecActions::default();
    let all = FlowSpecAction::from_communities(
        &attrs.extended_communities,
        &attrs.ipv6_extended_communities,
    );
    for action in all {
        apply(&mut out, action, next_hop);
    }
    out
}

fn apply(out: &mut FlowSpecActions, action: FlowSpecAction, next_hop: Option<IpAddr>) {
    match action {
        FlowSpecAction::TrafficRateBytes { rate, .. } if rate.as_f32() == 0.0 => out.discard = true,
        FlowSpecAction::TrafficRateBytes { rate, .. } => {
            out.traffic_rate_bytes = Some(rate.as_f32())
        }
        FlowSpecAction::TrafficRatePackets { rate, .. } => {
            out.traffic_rate_packets = Some(rate.as_f32());
        }
        FlowSpecAction::TrafficAction { sample, terminal } => {
            out.sample = sample;
            out.terminal = terminal;
        }
        FlowSpecAction::RedirectAs2 { asn, value } => out.redirect_rt = format!("{asn}:{value}"),
        FlowSpecAction::RedirectIpv4 { addr, value } => out.redirect_rt = format!("{addr}:{value}"),
        FlowSpecAction::RedirectAs4 { asn, value } => out.redirect_rt = format!("{asn}:{value}"),
        FlowSpecAction::RedirectIpv6 { addr, value } => {
            out.redirect_rt = format!("[{addr}]:{value}");
        }
        FlowSpecAction::TrafficMarking { dscp } => out.mark_dscp = Some(dscp.into()),
        FlowSpecAction::RedirectToIp { .. } => {
            out.redirect_ip = next_hop.map(|n| n.to_string()).unwrap_or_default();
        }
        FlowSpecAction::RedirectToIpAddr { addr, .. } => out.redirect_ip = addr.to_string(),
    }
}
