//! `[global]` and `[global.telemetry]`.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use toml::Spanned;

use super::Ctx;
use super::values::{self, optional, or_default};
use crate::config::raw::{RawGlobal, RawGrpcTcp, RawTelemetry};
use crate::config::{
    DEFAULT_BGP_PORT, DEFAULT_GRPC_TCP_ADDRESS, DEFAULT_GRPC_UDS_PATH, DEFAULT_HOLD_TIME,
    ErrorKind, Global, GrpcTcp, LogFormat, Telemetry,
};

pub(super) fn validate(ctx: &mut Ctx<'_>, g: &RawGlobal) -> Option<Global> {
    let asn = values::asn(ctx, &g.asn, "global.asn");
    let router_id = router_id(ctx, &g.router_id);
    let listen_port = or_default(ctx, g.listen_port.as_ref(), DEFAULT_BGP_PORT, |c, v| {
        values::ranged(c, v, "global.listen_port", 0, 65535)
    });
    let listen_address = optional(ctx, g.listen_address.as_ref(), |c, v| {
        values::ip(c, v, "global.listen_address")
    });
    let hold_time = or_default(ctx, g.hold_time.as_ref(), DEFAULT_HOLD_TIME, |c, v| {
        values::hold_time(c, v, "global.hold_time")
    });
    let state_file = optional(ctx, g.state_file.as_ref(), |c, v| {
        values::path(c, v, "global.state_file")
    });
    let telemetry = telemetry(ctx, &g.telemetry);
    Some(Global {
        asn: asn?,
        router_id: router_id?,
        // 0 means "don't listen": the speaker only connects out.
        listen_port: Some(listen_port?).filter(|&p| p != 0),
        listen_address: listen_address?,
        hold_time: hold_time?,
        state_file: state_file?,
        telemetry: telemetry?,
    })
}

/// The BGP Identifier must be a non-zero IPv4 address (RFC 6286 §2.1).
fn router_id(ctx: &mut Ctx<'_>, v: &Spanned<String>) -> Option<Ipv4Addr> {
    let id = values::ipv4(ctx, v, "global.router_id")?;
    if id.is_unspecified() {
        let reason = "the BGP Identifier must be non-zero";
        ctx.report(v.span(), "global.router_id", unusable(id, reason));
        return None;
    }
    Some(id)
}

fn unusable(id: Ipv4Addr, reason: &'static str) -> ErrorKind {
    ErrorKind::UnusableAddress {
        value: id.into(),
        reason,
    }
}

fn telemetry(ctx: &mut Ctx<'_>, t: &RawTelemetry) -> Option<Telemetry> {
    let prometheus_addr = optional(ctx, t.prometheus_addr.as_ref(), |c, v| {
        values::socket(c, v, "global.telemetry.prometheus_addr")
    });
    let log_format = or_default(ctx, t.log_format.as_ref(), LogFormat::Text, log_format);
    let grpc_uds = grpc_uds(ctx, t);
    let grpc_tcp = grpc_tcp(ctx, &t.grpc_tcp);
    let health_addr = optional(ctx, t.health_addr.as_ref(), |c, v| {
        values::socket(c, v, "global.telemetry.health_addr")
    });
    Some(Telemetry {
        prometheus_addr: prometheus_addr?,
        log_format: log_format?,
        grpc_uds: grpc_uds?,
        grpc_tcp: grpc_tcp?,
        health_addr: health_addr?,
    })
}

fn log_format(ctx: &mut Ctx<'_>, v: &Spanned<String>) -> Option<LogFormat> {
    match v.get_ref().as_str() {
        "text" => Some(LogFormat::Text),
        "json" => Some(LogFormat::Json),
        other => {
            let kind = ErrorKind::UnknownLogFormat(other.to_owned());
            ctx.report(v.span(), "global.telemetry.log_format", kind);
            None
        }
    }
}

/// The UDS listener is on by default (local tools and the operator sidecar use it);
/// `grpc_uds = false` turns it off.
fn grpc_uds(ctx: &mut Ctx<'_>, t: &RawTelemetry) -> Option<Option<PathBuf>> {
    let key = "global.telemetry.grpc_uds_path";
    let path = or_default(
        ctx,
        t.grpc_uds_path.as_ref(),
        PathBuf::from(DEFAULT_GRPC_UDS_PATH),
        |c, v| values::path(c, v, key),
    );
    let enabled = t.grpc_uds.as_ref().is_none_or(|v| *v.get_ref());
    if let (false, Some(v)) = (enabled, &t.grpc_uds_path) {
        let kind = ErrorKind::Conflict("grpc_uds_path is set but grpc_uds = false");
        ctx.report(v.span(), key, kind);
        return None;
    }
    let path = path?;
    Some(enabled.then_some(path))
}

/// Bad values are reported even when the listener is disabled, so that enabling it later
/// doesn't surprise anyone.
fn grpc_tcp(ctx: &mut Ctx<'_>, t: &RawGrpcTcp) -> Option<Option<GrpcTcp>> {
    let address = or_default(ctx, t.address.as_ref(), DEFAULT_GRPC_TCP_ADDRESS, |c, v| {
        values::socket(c, v, "global.telemetry.grpc_tcp.address")
    });
    let token_file = optional(ctx, t.token_file.as_ref(), |c, v| {
        values::path(c, v, "global.telemetry.grpc_tcp.token_file")
    });
    let listener = GrpcTcp {
        address: address?,
        token_file: token_file?,
    };
    Some(t.enabled.then_some(listener))
}
