//! `FlowSpecActions` → [`FlowSpecAction`]s → extended communities (RFC 8955 §7), and the
//! API's text names of those communities.

use std::net::IpAddr;

use bgp_wire::attribute::{ExtendedCommunity, GlobalAdmin};
use bgp_wire::nlri::flowspec::FlowSpecAction;
use bgp_wire::nlri::flowspec::action::Rate;
use bgpd_api::v1::FlowSpecActions;

use crate::api::convert::ip;
use crate::api::error::FieldError;
use crate::config::Family;

/// The actions as communities, and the next hop a redirect-to-IP needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Encoded {
    pub actions: Vec<FlowSpecAction>,
    pub communities: Vec<ExtendedCommunity>,
    pub redirect_next_hop: Option<IpAddr>,
}

/// Validates the actions and encodes them. Errors name fields relative to `actions`.
pub fn to_actions(family: Family, a: &FlowSpecActions) -> Result<Encoded, FieldError> {
    let mut out = Encoded::default();
    rates(a, &mut out.actions)?;
    if a.sample || a.terminal {
        // The T bit is set from `terminal`, as GoBGP and ExaBGP do.
        out.actions.push(FlowSpecAction::TrafficAction {
            sample: a.sample,
            terminal: a.terminal,
        });
    }
    if !a.redirect_rt.is_empty() && !a.redirect_ip.is_empty() {
        return Err(FieldError::new(
            "",
            "redirect_rt and redirect_ip are mutually exclusive",
        ));
    }
    if !a.redirect_rt.is_empty() {
        out.actions.push(redirect_rt(&a.redirect_rt)?);
    }
    if !a.redirect_ip.is_empty() {
        let target = redirect_ip(family, &a.redirect_ip)?;
        let (action, next_hop) = FlowSpecAction::redirect_to_ip(target, false);
        out.actions.push(action);
        out.redirect_next_hop = Some(next_hop);
    }
    if let Some(dscp) = a.mark_dscp {
        let dscp = u8::try_from(dscp)
            .ok()
            .filter(|d| *d <= 63)
            .ok_or_else(|| {
                FieldError::new("mark_dscp", format!("{dscp} is out of range (0..=63)"))
            })?;
        out.actions.push(FlowSpecAction::TrafficMarking { dscp });
    }
    out.communities = out
        .actions
        .iter()
        .filter_map(FlowSpecAction::to_ext)
        .collect();
    Ok(out)
}

/// traffic-rate-bytes (or discard) and traffic-rate-packets.
fn rates(a: &FlowSpecActions, out: &mut Vec<FlowSpecAction>) -> Result<(), FieldError> {
    let bytes = a
        .traffic_rate_bytes
        .map(|r| rate("traffic_rate_bytes", r))
        .transpose()?;
    match (a.discard, bytes) {
        (true, Some(r)) if r.as_f32() != 0.0 => {
            return Err(FieldError::new(
                "",
                "traffic_rate_bytes and discard are mutually exclusive",
            ));
        }
        (true, _) => out.push(FlowSpecAction::DISCARD),
        (false, Some(rate)) => out.push(FlowSpecAction::TrafficRateBytes { asn: 0, rate }),
        (false, None) => {}
    }
    if let Some(r) = a.traffic_rate_packets {
        let rate = rate("traffic_rate_packets", r)?;
        out.push(FlowSpecAction::TrafficRatePackets { asn: 0, rate });
    }
    Ok(())
}

fn rate(field: &str, r: f32) -> Result<Rate, FieldError> {
    if !r.is_finite() || r < 0.0 {
        return Err(FieldError::new(
            field,
            format!("{r} is not a rate (expected a finite number >= 0)"),
        ));
    }
    // -0.0 would encode as a non-zero bit pattern.
    Ok(Rate::from_f32(r.abs()))
}

/// "65000:100", "192.0.2.9:100" or "4200000000:100": read like a route target.
fn redirect_rt(text: &str) -> Result<FlowSpecAction, FieldError> {
    let bad = || {
        FieldError::new(
            "redirect_rt",
            format!("{text:?} is not a route target (expected ASN:N, IPv4:N or 4-octet-ASN:N)"),
        )
    };
    let ec: ExtendedCommunity = format!("rt:{}", text.trim()).parse().map_err(|_| bad())?;
    Ok(match ec.as_route_target().ok_or_else(bad)? {
        GlobalAdmin::As2 { asn, local } => FlowSpecAction::RedirectAs2 { asn, value: local },
        GlobalAdmin::Ipv4 { addr, local } => FlowSpecAction::RedirectIpv4 { addr, value: local },
        GlobalAdmin::As4 { asn, local } => FlowSpecAction::RedirectAs4 { asn, value: local },
    })
}

/// An address of the rule's family.
fn redirect_ip(family: Family, text: &str) -> Result<IpAddr, FieldError> {
    let addr = ip("redirect_ip", text)?;
    let ok = match family {
        Family::Ipv6FlowSpec => addr.is_ipv6(),
        _ => addr.is_ipv4(),
    };
    if !ok {
        let kind = if addr.is_ipv4() { "IPv4" } else { "IPv6" };
        let reason = format!("{kind} address for an {family} rule");
        return Err(FieldError::new("redirect_ip", reason));
    }
    Ok(addr)
}

/// The API's text of a FlowSpec action community ("traffic-rate-bytes:0:1250000", ...);
/// `None` when `ec` is not one.
pub fn action_text(ec: &ExtendedCommunity) -> Option<String> {
    Some(match FlowSpecAction::from_ext(ec)? {
        FlowSpecAction::TrafficRateBytes { asn, rate } => {
            format!("traffic-rate-bytes:{asn}:{}", rate.as_f32())
        }
        FlowSpecAction::TrafficRatePackets { asn, rate } => {
            format!("traffic-rate-packets:{asn}:{}", rate.as_f32())
        }
        FlowSpecAction::TrafficAction { sample, terminal } => {
            format!("traffic-action:{}:{}", u8::from(sample), u8::from(terminal))
        }
        FlowSpecAction::RedirectAs2 { asn, value } => format!("redirect:{asn}:{value}"),
        FlowSpecAction::RedirectIpv4 { addr, value } => format!("redirect:{addr}:{value}"),
        FlowSpecAction::RedirectAs4 { asn, value } => format!("redirect:{asn}:{value}"),
        FlowSpecAction::TrafficMarking { dscp } => format!("traffic-marking:{dscp}"),
        FlowSpecAction::RedirectToIp { copy } => format!("redirect-to-ip:{}", u8::from(copy)),
        FlowSpecAction::RedirectIpv6 { addr, value } => format!("redirect:[{addr}]:{value}"),
        FlowSpecAction::RedirectToIpAddr { addr, copy } => {
            format!("redirect-to-ip:{addr}:{}", u8::from(copy))
        }
    })
}
