//! Expiry of announced objects: `expiresAt` (a point in time) or `ttl` (a duration counted
//! from the object's creation), never both. Mitigations pushed during an attack should not
//! outlive it by accident.

use kube::core::Rule;
use schemars::{Schema, SchemaGenerator, json_schema};

/// CEL: `expiresAt` and `ttl` exclude each other.
pub(crate) fn exclusive_rule() -> Rule {
    Rule::new("!(has(self.expiresAt) && has(self.ttl))")
        .message("set at most one of expiresAt and ttl")
}

/// Schema of `ttl`: a positive Go-style duration ("90s", "30m", "1h30m"), the format of
/// `metav1.Duration`, which `kube::core::Duration` parses.
pub(crate) fn ttl_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Withdraw this long after the object's creation: a duration such as \
                        \"90s\", \"30m\" or \"1h30m\" (units h, m, s, ms). Exclusive with \
                        expiresAt.",
        "type": "string",
        "maxLength": 32,
        "pattern": r"^([0-9]+(\.[0-9]+)?(h|m|s|ms))+$",
        "nullable": true,
        "x-kubernetes-validations": [{
            "rule": "duration(self) > duration('0s')",
            "message": "ttl must be longer than 0s",
        }],
    })
}
