//! The status fields `kubectl get` shows besides the conditions, read from the object's spec
//! as the API server stored it (pure): a FlowSpecRule's `family` (given, or from the
//! prefixes) and `action` (a one-line summary); a RoutePolicy's `statementCount`.

use serde_json::Value;

use crate::crd::flowspec_rule::FlowSpecFamily;

/// The family in effect: `spec.family`, else that of the prefixes (the CEL rules already
/// made them agree).
pub fn family(spec: &Value) -> Option<FlowSpecFamily> {
    if let Some(f) = spec.get("family") {
        return serde_json::from_value(f.clone()).ok();
    }
    let m = spec.get("match")?;
    let prefix = ["destinationPrefix", "sourcePrefix"]
        .iter()
        .find_map(|k| m.get(*k).and_then(Value::as_str))?;
    Some(if prefix.contains(':') {
        FlowSpecFamily::Ipv6
    } else {
        FlowSpecFamily::Ipv4
    })
}

/// How many statements a RoutePolicy has.
pub fn statement_count(spec: &Value) -> Option<u32> {
    let n = spec
        .get("statements")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    Some(u32::try_from(n).unwrap_or(u32::MAX))
}

/// E.g. "rate-limit 1250000 B/s", "discard", "redirect 65000:100, mark dscp 10".
pub fn action(spec: &Value) -> Option<String> {
    let a = spec.get("actions")?;
    let flag = |k: &str| a.get(k).and_then(Value::as_bool).unwrap_or(false);
    let num = |k: &str| a.get(k).and_then(Value::as_u64);
    let mut parts: Vec<String> = Vec::new();
    let rate = |n: u64, unit: &str| match n {
        0 => "discard".to_owned(),
        n => format!("rate-limit {n} {unit}"),
    };
    if flag("discard") {
        parts.push("discard".to_owned());
    }
    if let Some(n) = num("rateLimitBytesPerSecond") {
        parts.push(rate(n, "B/s"));
    }
    if let Some(n) = num("rateLimitPacketsPerSecond") {
        parts.push(rate(n, "pps"));
    }
    if let Some(r) = a.get("redirect") {
        let to = ["routeTarget", "ip"]
            .iter()
            .find_map(|k| r.get(*k).and_then(Value::as_str));
        parts.extend(to.map(|t| format!("redirect {t}")));
    }
    if let Some(d) = num("markDscp") {
        parts.push(format!("mark dscp {d}"));
    }
    for f in ["sample", "terminal"] {
        if flag(f) {
            parts.push(f.to_owned());
        }
    }
    parts.dedup();
    // The status schema bounds the field at 256 characters.
    let text: String = parts.join(", ").chars().take(256).collect();
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn family_is_given_or_inferred() {
        let v4 = json!({"match": {"destinationPrefix": "203.0.113.0/24"}});
        assert_eq!(family(&v4), Some(FlowSpecFamily::Ipv4));
        let v6 = json!({"match": {"sourcePrefix": "2001:db8::/32"}});
        assert_eq!(family(&v6), Some(FlowSpecFamily::Ipv6));
        let given = json!({"family": "ipv6", "match": {"protocols": ["udp"]}});
        assert_eq!(family(&given), Some(FlowSpecFamily::Ipv6));
        assert_eq!(family(&json!({"match": {"protocols": ["udp"]}})), None);
    }

    #[test]
    fn actions_are_summarised() {
        let s = |a| action(&json!({"actions": a}));
        assert_eq!(
            s(json!({"rateLimitBytesPerSecond": 1_250_000})).as_deref(),
            Some("rate-limit 1250000 B/s")
        );
        assert_eq!(s(json!({"discard": true})).as_deref(), Some("discard"));
        assert_eq!(
            s(json!({"rateLimitPacketsPerSecond": 0})).as_deref(),
            Some("discard")
        );
        assert_eq!(
            s(json!({"redirect": {"routeTarget": "65000:100"}, "markDscp": 10, "terminal": true}))
                .as_deref(),
            Some("redirect 65000:100, mark dscp 10, terminal")
        );
        assert_eq!(s(json!({})), None);
    }
}
