//! `FlowSpecRule` → [`FlowSpecNlri`]: prefixes, equality lists and `*_match` expressions.

use std::net::IpAddr;

use bgp_wire::Afi;
use bgp_wire::nlri::flowspec::component::Value;
use bgp_wire::nlri::flowspec::text::parse_component;
use bgp_wire::nlri::flowspec::{
    Component, ComponentType, FlowPrefix, FlowSpecError, FlowSpecNlri, Ipv6Pattern, NumericCmp,
    NumericMatch,
};
use bgpd_api::v1::FlowSpecRule;
use ipnet::IpNet;

use crate::api::error::FieldError;
use crate::config::Family;

/// One numeric component's fields in the proto: (type, list field, values, match field,
/// expression, largest value).
type NumericField<'a> = (
    ComponentType,
    &'static str,
    &'a [u32],
    &'static str,
    &'a str,
    u32,
);

/// Builds the rule; the family decides which components and prefixes are allowed.
pub fn to_rule(family: Family, r: &FlowSpecRule) -> Result<FlowSpecNlri, FieldError> {
    let afi = afi_of(family);
    let mut comps = Vec::new();
    let prefixes = [
        (
            ComponentType::DestinationPrefix,
            "destination_prefix",
            &r.destination_prefix,
            "destination_prefix_offset",
            r.destination_prefix_offset,
        ),
        (
            ComponentType::SourcePrefix,
            "source_prefix",
            &r.source_prefix,
            "source_prefix_offset",
            r.source_prefix_offset,
        ),
    ];
    for (ty, field, text, offset_field, offset) in prefixes {
        comps.extend(prefix(family, ty, (field, text), (offset_field, offset))?);
    }
    for f in numeric_fields(r) {
        comps.extend(numeric(family, afi, f)?);
    }
    comps.extend(bitmask(
        afi,
        ComponentType::TcpFlags,
        "tcp_flags",
        &r.tcp_flags,
    )?);
    comps.extend(bitmask(
        afi,
        ComponentType::Fragment,
        "fragment",
        &r.fragment,
    )?);
    if comps.is_empty() {
        return Err(FieldError::new("", "at least one component is required"));
    }
    FlowSpecNlri::new(afi, comps).map_err(|e| FieldError::new("", rule_error(e)))
}

fn afi_of(family: Family) -> Afi {
    match family.afi() {
        1 => Afi::Ipv4,
        _ => Afi::Ipv6,
    }
}

fn rule_error(e: FlowSpecError) -> String {
    match e {
        FlowSpecError::Invalid(r) => r.to_string(),
        other => other.to_string(),
    }
}

fn numeric_fields(r: &FlowSpecRule) -> [NumericField<'_>; 9] {
    use ComponentType as T;
    [
        (
            T::IpProtocol,
            "protocols",
            &r.protocols,
            "protocol_match",
            &r.protocol_match,
            255,
        ),
        (
            T::Port,
            "ports",
            &r.ports,
            "port_match",
            &r.port_match,
            65535,
        ),
        (
            T::DestinationPort,
            "destination_ports",
            &r.destination_ports,
            "destination_port_match",
            &r.destination_port_match,
            65535,
        ),
        (
            T::SourcePort,
            "source_ports",
            &r.source_ports,
            "source_port_match",
            &r.source_port_match,
            65535,
        ),
        (
            T::IcmpType,
            "icmp_types",
            &r.icmp_types,
            "icmp_type_match",
            &r.icmp_type_match,
            255,
        ),
        (
            T::IcmpCode,
            "icmp_codes",
            &r.icmp_codes,
            "icmp_code_match",
            &r.icmp_code_match,
            255,
        ),
        (
            T::PacketLength,
            "packet_lengths",
            &r.packet_lengths,
            "packet_length_match",
            &r.packet_length_match,
            65535,
        ),
        (T::Dscp, "dscp", &r.dscp, "dscp_match", &r.dscp_match, 63),
        (
            T::FlowLabel,
            "flow_label",
            &r.flow_label,
            "flow_label_match",
            &r.flow_label_match,
            0xF_FFFF,
        ),
    ]
}

/// A prefix component of the rule's family, with the IPv6 offset.
fn prefix(
    family: Family,
    ty: ComponentType,
    (field, text): (&str, &str),
    (offset_field, offset): (&str, u32),
) -> Result<Option<Component>, FieldError> {
    if text.trim().is_empty() {
        if offset != 0 {
            return Err(FieldError::new(offset_field, format!("needs {field}")));
        }
        return Ok(None);
    }
    let net = super::super::prefix(field, text)?;
    let value = match (family, net) {
        (Family::Ipv4FlowSpec, IpNet::V4(n)) if offset == 0 => FlowPrefix::V4(n),
        (Family::Ipv4FlowSpec, IpNet::V4(_)) => {
            return Err(FieldError::new(
                offset_field,
                "only valid for ipv6_flowspec",
            ));
        }
        (Family::Ipv6FlowSpec, IpNet::V6(n)) => FlowPrefix::V6(v6_pattern(
            n.addr().into(),
            n.prefix_len(),
            offset_field,
            offset,
        )?),
        (_, net) => {
            let kind = if net.addr().is_ipv4() { "IPv4" } else { "IPv6" };
            return Err(FieldError::new(
                field,
                format!("{kind} prefix in an {family} rule"),
            ));
        }
    };
    Ok(Component::prefix(ty, value))
}

fn v6_pattern(
    addr: IpAddr,
    len: u8,
    offset_field: &str,
    offset: u32,
) -> Result<Ipv6Pattern, FieldError> {
    let bad = || {
        FieldError::new(
            offset_field,
            format!("{offset} is not below the prefix length {len}"),
        )
    };
    let IpAddr::V6(a) = addr else {
        return Err(bad());
    };
    let offset = u8::try_from(offset).map_err(|_| bad())?;
    if offset != 0 && offset >= len {
        return Err(bad());
    }
    Ipv6Pattern::new(a, offset, len).ok_or_else(bad)
}

/// The match expression's terms, then one "=" term per listed value (all ORed).
fn numeric(
    family: Family,
    afi: Afi,
    (ty, list, values, match_field, expr, max): NumericField<'_>,
) -> Result<Option<Component>, FieldError> {
    if values.is_empty() && expr.trim().is_empty() {
        return Ok(None);
    }
    if ty == ComponentType::FlowLabel && family == Family::Ipv4FlowSpec {
        let field = if values.is_empty() { match_field } else { list };
        return Err(FieldError::new(field, "only valid for ipv6_flowspec"));
    }
    let mut ops = match_ops(afi, ty, match_field, expr)?;
    for (i, &v) in values.iter().enumerate() {
        if v > max {
            let reason = format!("{v} is out of range (0..={max})");
            return Err(FieldError::new(list, reason).at(i));
        }
        ops.push(NumericMatch::new(false, NumericCmp::Eq, v.into()));
    }
    Ok(Component::numeric(ty, ops))
}

fn match_ops(
    afi: Afi,
    ty: ComponentType,
    field: &str,
    expr: &str,
) -> Result<Vec<NumericMatch>, FieldError> {
    if expr.trim().is_empty() {
        return Ok(Vec::new());
    }
    let c = parse_component(afi, ty, expr.trim())
        .map_err(|e| FieldError::new(field, format!("{expr:?}: {e}")))?;
    match c.value() {
        Value::Numeric(ops) => Ok(ops.to_vec()),
        _ => Err(FieldError::new(field, "not a numeric expression")),
    }
}

/// A bitmask expression; the API joins flags with '+', the codec's grammar with '|'.
fn bitmask(
    afi: Afi,
    ty: ComponentType,
    field: &str,
    expr: &str,
) -> Result<Option<Component>, FieldError> {
    let text = expr.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.contains('|') {
        return Err(FieldError::new(
            field,
            format!("{expr:?}: join flags with '+'"),
        ));
    }
    parse_component(afi, ty, &text.replace('+', "|"))
        .map(Some)
        .map_err(|e| {
            FieldError::new(
                field,
                format!("{expr:?}: {}", e.to_string().replace('|', "+")),
            )
        })
}
