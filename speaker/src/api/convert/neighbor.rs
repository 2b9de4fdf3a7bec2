//! Neighbors: `AddNeighborRequest` → [`NeighborConfig`], [`NeighborInfo`] → `Neighbor`,
//! and the soft-reset / disable parameters.

use std::net::IpAddr;
use std::time::SystemTime;

use bgp_wire::message::notification::{MAX_SHUTDOWN_MESSAGE, NotificationCode};
use bgpd_api::v1 as pb;

use super::{ALL_FAMILIES, family, ip, optional_family, optional_ip, unix_seconds};
use crate::api::error::FieldError;
use crate::command::{
    MessageCounters, NegotiatedCaps, NeighborConfig, NeighborInfo, NotificationRecord,
    SoftResetDirection,
};
use crate::config::{
    DEFAULT_BGP_PORT, DEFAULT_CONNECT_RETRY, DEFAULT_STALE_ROUTE_TIMEOUT, Family, Neighbor,
    Password,
};
use crate::fsm::State;

/// Speaker-wide defaults a neighbor inherits when the request leaves a field unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeighborDefaults {
    pub local_asn: u32,
    pub hold_time: u16,
}

/// A required neighbor address.
pub fn address(text: &str) -> Result<IpAddr, FieldError> {
    if text.trim().is_empty() {
        return Err(FieldError::new("address", "required"));
    }
    let a = ip("address", text)?;
    if a.is_unspecified() || a.is_multicast() {
        return Err(FieldError::new(
            "address",
            format!("{a} is not a neighbor address"),
        ));
    }
    Ok(a)
}

/// Validates an `AddNeighborRequest` (same rules as the config file).
pub fn to_neighbor_config(
    req: &pb::AddNeighborRequest,
    d: NeighborDefaults,
) -> Result<NeighborConfig, FieldError> {
    let address = address(&req.address)?;
    if req.remote_asn == 0 || req.remote_asn == 23456 || req.remote_asn == u32::MAX {
        let reason = format!("{} is not a usable AS number", req.remote_asn);
        return Err(FieldError::new("remote_asn", reason));
    }
    let families = families(&req.families, address)?;
    let hold_time = hold_time(req.hold_time, d.hold_time)?;
    let port = ranged("port", req.port, 1, 65535)?.map_or(DEFAULT_BGP_PORT, |p| p as u16);
    let local_address = optional_ip("local_address", &req.local_address)?;
    if let Some(l) = local_address
        && l.is_ipv4() != address.is_ipv4()
    {
        return Err(FieldError::new(
            "local_address",
            "not the same address family as address",
        ));
    }
    let ebgp_multihop = ranged("ebgp_multihop", req.ebgp_multihop, 1, 255)?.map(|t| t as u8);
    if ebgp_multihop.is_some() && req.ttl_security {
        return Err(FieldError::new(
            "ttl_security",
            "cannot be combined with ebgp_multihop",
        ));
    }
    let password = password(&req.password)?;
    let neighbor = Neighbor {
        address,
        remote_asn: req.remote_asn,
        description: Some(req.description.clone()).filter(|s| !s.is_empty()),
        families,
        hold_time,
        keepalive: None,
        connect_retry: DEFAULT_CONNECT_RETRY,
        port,
        local_address,
        passive: req.passive,
        ebgp_multihop,
        password,
        max_prefixes: req.max_prefixes,
        enabled: true,
        // On for eBGP by default (RFC 8955 §6 validation).
        flowspec_validation: req
            .flowspec_validation
            .unwrap_or(req.remote_asn != d.local_asn),
        // Not in AddNeighborRequest (yet): config-file neighbors only choose it.
        stale_route_timeout: DEFAULT_STALE_ROUTE_TIMEOUT,
    };
    Ok(NeighborConfig {
        neighbor,
        peer_group: Some(req.peer_group.clone()).filter(|s| !s.is_empty()),
        ttl_security: req.ttl_security,
    })
}

/// Family names without repeats; empty means the unicast family of the address.
fn families(names: &[String], address: IpAddr) -> Result<Vec<Family>, FieldError> {
    if names.is_empty() {
        let unicast = match address {
            IpAddr::V4(_) => Family::Ipv4Unicast,
            IpAddr::V6(_) => Family::Ipv6Unicast,
        };
        return Ok(vec![unicast]);
    }
    let mut out = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let f = family("families", name, &ALL_FAMILIES).map_err(|e| e.at(i))?;
        if out.contains(&f) {
            return Err(FieldError::new("families", format!("{f} is listed twice")).at(i));
        }
        out.push(f);
    }
    Ok(out)
}

/// 0 or 3..=65535 (RFC 4271 §4.2); unset: the speaker's default.
fn hold_time(v: Option<u32>, default: u16) -> Result<u16, FieldError> {
    match v {
        None => Ok(default),
        Some(h @ (0 | 3..=65535)) => Ok(h as u16),
        Some(h) => Err(FieldError::new(
            "hold_time",
            format!("{h} is out of range (expected 0 or 3..=65535)"),
        )),
    }
}

fn ranged(field: &str, v: Option<u32>, lo: u32, hi: u32) -> Result<Option<u32>, FieldError> {
    match v {
        Some(x) if !(lo..=hi).contains(&x) => Err(FieldError::new(
            field,
            format!("{x} is out of range (expected {lo}..={hi})"),
        )),
        other => Ok(other),
    }
}

fn password(text: &str) -> Result<Option<Password>, FieldError> {
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > Password::MAX_LEN {
        let reason = format!("longer than {} octets", Password::MAX_LEN);
        return Err(FieldError::new("password", reason));
    }
    Ok(Some(Password::new(text.to_string())))
}

/// RFC 9003: at most 255 octets; empty: none.
pub fn shutdown_message(text: &str) -> Result<Option<String>, FieldError> {
    if text.len() > MAX_SHUTDOWN_MESSAGE {
        let reason = format!(
            "{} octets, at most {MAX_SHUTDOWN_MESSAGE} allowed (RFC 9003)",
            text.len()
        );
        return Err(FieldError::new("shutdown_message", reason));
    }
    Ok(Some(text.to_string()).filter(|s| !s.is_empty()))
}

/// `SoftResetRequest` → (neighbor or all, direction, family or all).
pub fn soft_reset(
    req: &pb::SoftResetRequest,
) -> Result<(Option<IpAddr>, SoftResetDirection, Option<Family>), FieldError> {
    let address = optional_ip("address", &req.address)?;
    let direction = match req.direction.as_str() {
        "" | "both" => SoftResetDirection::Both,
        "in" => SoftResetDirection::In,
        "out" => SoftResetDirection::Out,
        other => {
            let reason = format!("{other:?} is not one of in, out, both");
            return Err(FieldError::new("direction", reason));
        }
    };
    let family = optional_family("family", &req.family, &ALL_FAMILIES)?;
    Ok((address, direction, family))
}

/// The config part of a `Neighbor` (password never returned).
pub fn to_config_proto(c: &NeighborConfig) -> pb::AddNeighborRequest {
    let n = &c.neighbor;
    pb::AddNeighborRequest {
        address: n.address.to_string(),
        remote_asn: n.remote_asn,
        description: n.description.clone().unwrap_or_default(),
        families: n.families.iter().map(|f| f.as_str().to_string()).collect(),
        hold_time: Some(n.hold_time.into()),
        port: Some(n.port.into()),
        local_address: n.local_address.map(|a| a.to_string()).unwrap_or_default(),
        passive: n.passive,
        ebgp_multihop: n.ebgp_multihop.map(u32::from),
        ttl_security: c.ttl_security,
        password: String::new(),
        max_prefixes: n.max_prefixes,
        flowspec_validation: Some(n.flowspec_validation),
        peer_group: c.peer_group.clone().unwrap_or_default(),
    }
}

/// A neighbor with its live state.
pub fn to_neighbor_proto(info: &NeighborInfo, now: SystemTime) -> pb::Neighbor {
    pb::Neighbor {
        config: Some(to_config_proto(&info.config)),
        state: Some(to_state_proto(info, now)),
    }
}

fn to_state_proto(info: &NeighborInfo, now: SystemTime) -> pb::NeighborState {
    let uptime = info
        .established_since
        .and_then(|t| now.duration_since(t).ok())
        .map_or(0, |d| d.as_secs());
    pb::NeighborState {
        session_state: session_state(info.state) as i32,
        admin_enabled: info.admin_enabled,
        admin_shutdown_message: info.admin_shutdown_message.clone().unwrap_or_default(),
        uptime_seconds: uptime,
        established_since_unix_seconds: info.last_established.map_or(0, unix_seconds),
        established_transitions: info.established_transitions,
        remote_router_id: info
            .remote_router_id
            .map(|r| r.to_string())
            .unwrap_or_default(),
        local_address: info.local.map(|l| l.ip().to_string()).unwrap_or_default(),
        local_port: info.local.map_or(0, |l| l.port().into()),
        remote_port: info.remote.map_or(0, |r| r.port().into()),
        capabilities: info.negotiated.as_ref().map(caps_proto),
        families: info
            .families
            .iter()
            .map(|c| pb::FamilyCounters {
                family: c.family.as_str().into(),
                received: c.received,
                accepted: c.accepted,
                advertised: c.advertised,
            })
            .collect(),
        messages_received: Some(messages_proto(&info.messages_received)),
        messages_sent: Some(messages_proto(&info.messages_sent)),
        last_notification_sent: info.last_notification_sent.as_ref().map(notification_proto),
        last_notification_received: info
            .last_notification_received
            .as_ref()
            .map(notification_proto),
        last_error: info.last_error.clone().unwrap_or_default(),
        password_set: info.config.neighbor.password.is_some(),
    }
}

/// The proto enum of an FSM state.
pub fn session_state(s: State) -> pb::SessionState {
    match s {
        State::Idle => pb::SessionState::Idle,
        State::Connect => pb::SessionState::Connect,
        State::Active => pb::SessionState::Active,
        State::OpenSent => pb::SessionState::OpenSent,
        State::OpenConfirm => pb::SessionState::OpenConfirm,
        State::Established => pb::SessionState::Established,
    }
}

fn caps_proto(c: &NegotiatedCaps) -> pb::NegotiatedCapabilities {
    pb::NegotiatedCapabilities {
        families: c.families.iter().map(|f| f.as_str().into()).collect(),
        four_octet_as: c.four_octet_as,
        route_refresh: c.route_refresh,
        enhanced_route_refresh: c.enhanced_route_refresh,
        add_path: c
            .add_path
            .iter()
            .map(|(f, send, receive)| pb::AddPathFamily {
                family: f.as_str().into(),
                send: *send,
                receive: *receive,
            })
            .collect(),
        hold_time: c.hold_time.into(),
        keepalive_time: c.keepalive_time.into(),
        extended_message: c.extended_message,
        graceful_restart: c.graceful_restart,
        remote_capabilities: c.remote_capabilities.clone(),
    }
}

fn messages_proto(m: &MessageCounters) -> pb::MessageCounters {
    pb::MessageCounters {
        total: m.total(),
        open: m.open,
        update: m.update,
        notification: m.notification,
        keepalive: m.keepalive,
        route_refresh: m.route_refresh,
    }
}

fn notification_proto(r: &NotificationRecord) -> pb::BgpNotification {
    let n = &r.notification;
    let (code, subcode) = n.code.pair();
    pb::BgpNotification {
        code: code.into(),
        subcode: subcode.into(),
        description: notification_description(n.code),
        text: n.shutdown_message().unwrap_or_default().to_string(),
        data: n.data.clone(),
        at_unix_seconds: unix_seconds(r.at),
    }
}

/// "Cease / AdministrativeShutdown": the code's name and the subcode's.
pub fn notification_description(code: NotificationCode) -> String {
    let (name, sub) = match code {
        NotificationCode::MessageHeader(s) => ("Message Header Error", format!("{s:?}")),
        NotificationCode::Open(s) => ("OPEN Message Error", format!("{s:?}")),
        NotificationCode::Update(s) => ("UPDATE Message Error", format!("{s:?}")),
        NotificationCode::HoldTimerExpired(s) => ("Hold Timer Expired", s.to_string()),
        NotificationCode::Fsm(s) => ("Finite State Machine Error", format!("{s:?}")),
        NotificationCode::Cease(s) => ("Cease", format!("{s:?}")),
        NotificationCode::RouteRefresh(s) => ("ROUTE-REFRESH Message Error", format!("{s:?}")),
        NotificationCode::Unknown { code, subcode } => {
            return format!("code {code} / subcode {subcode}");
        }
    };
    format!("{name} / {sub}")
}

#[cfg(test)]
mod tests;
