//! `[policy]`: each entry's action and prefix range, checked by the policy engine's own
//! rules (ge ≤ le, lengths within the family) and reported at the offending key's line.

use toml::Spanned;

use super::Ctx;
use crate::config::raw::{RawPolicy, RawPolicyEntry};
use crate::config::{ErrorKind, PolicyConfig, PolicyEntry};
use crate::policy::{Action, PolicyError, PrefixRange};

pub(super) fn validate(ctx: &mut Ctx<'_>, raw: Option<&RawPolicy>) -> PolicyConfig {
    let Some(raw) = raw else {
        return PolicyConfig::default();
    };
    PolicyConfig {
        import: entries(ctx, &raw.import, "policy.import"),
        export: entries(ctx, &raw.export, "policy.export"),
    }
}

fn entries(ctx: &mut Ctx<'_>, raw: &[Spanned<RawPolicyEntry>], key: &str) -> Vec<PolicyEntry> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, e)| entry(ctx, e.get_ref(), &format!("{key}[{i}]")))
        .collect()
}

fn entry(ctx: &mut Ctx<'_>, e: &RawPolicyEntry, key: &str) -> Option<PolicyEntry> {
    let action = match e.action.get_ref().as_str() {
        "permit" => Some(Action::Permit),
        "deny" => Some(Action::Deny),
        other => {
            let kind = ErrorKind::UnknownAction(other.to_string());
            ctx.report(e.action.span(), &format!("{key}.action"), kind);
            None
        }
    };
    let prefix = match e.prefix.get_ref().parse::<ipnet::IpNet>() {
        Ok(p) => Some(p),
        Err(_) => {
            let kind = ErrorKind::Policy(format!("{:?} is not an IP prefix", e.prefix.get_ref()));
            ctx.report(e.prefix.span(), &format!("{key}.prefix"), kind);
            None
        }
    };
    let ge = length(ctx, e.ge.as_ref(), &format!("{key}.ge"))?;
    let le = length(ctx, e.le.as_ref(), &format!("{key}.le"))?;
    let range = match PrefixRange::new(prefix?, ge, le) {
        Ok(r) => r,
        Err(PolicyError::Invalid { field, reason }) => {
            let span = match field.as_str() {
                "ge" => e.ge.as_ref().map(Spanned::span),
                "le" => e.le.as_ref().map(Spanned::span),
                _ => None,
            };
            let span = span.unwrap_or_else(|| e.prefix.span());
            ctx.report(span, &format!("{key}.{field}"), ErrorKind::Policy(reason));
            return None;
        }
        Err(other) => {
            ctx.report(e.prefix.span(), key, ErrorKind::Policy(other.to_string()));
            return None;
        }
    };
    Some(PolicyEntry {
        action: action?,
        range,
    })
}

/// A prefix length 0..=128 (the engine checks it against the family).
fn length(ctx: &mut Ctx<'_>, v: Option<&Spanned<i64>>, key: &str) -> Option<Option<u32>> {
    let Some(v) = v else { return Some(None) };
    match u32::try_from(*v.get_ref()) {
        Ok(n) if n <= 128 => Some(Some(n)),
        _ => {
            let kind = ErrorKind::OutOfRange {
                value: *v.get_ref(),
                min: 0,
                max: 128,
            };
            ctx.report(v.span(), key, kind);
            None
        }
    }
}
