//! Client-side evaluation of a CRD's CEL rules (`x-kubernetes-validations`), without an
//! apiserver, using kube's `cel` feature (the kube-cel evaluator with the Kubernetes CEL
//! libraries). The operator can check objects read from files (`--from-dir`) the way the
//! apiserver would; the tests check the examples with it.
//!
//! This covers the CEL rules only: the OpenAPI part of the schema (types, bounds, patterns) is
//! checked by the apiserver, or in tests by a JSON Schema validator.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::core::cel::{CompiledSchema, ValidationErrors, Validator, compile_schema};
use serde_json::Value;
use thiserror::Error;

/// Why an object was not checked or did not pass.
#[derive(Debug, Error)]
pub enum CelCheckError {
    /// The CRD has no `openAPIV3Schema` in its first version.
    #[error("CRD {0} has no openAPIV3Schema")]
    NoSchema(String),
    /// The schema did not serialize to JSON.
    #[error("CRD {crd}: {source}")]
    Schema {
        /// The CRD's name.
        crd: String,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// One or more rules failed; each says its field path and message.
    #[error("{0}")]
    Rules(ValidationErrors),
}

/// The first version's OpenAPI v3 schema of a CRD, as JSON.
pub fn openapi_schema(crd: &CustomResourceDefinition) -> Result<Value, CelCheckError> {
    let name = crd.metadata.name.clone().unwrap_or_default();
    let schema = crd
        .spec
        .versions
        .first()
        .and_then(|v| v.schema.as_ref())
        .and_then(|s| s.open_api_v3_schema.as_ref())
        .ok_or_else(|| CelCheckError::NoSchema(name.clone()))?;
    serde_json::to_value(schema).map_err(|source| CelCheckError::Schema { crd: name, source })
}

/// Evaluates the CRD's CEL rules against an object (a whole custom resource as JSON), on
/// creation (transition rules, which need the old object, are skipped).
pub fn check_cel(crd: &CustomResourceDefinition, object: &Value) -> Result<(), CelCheckError> {
    CelRules::new(crd)?.check(object)
}

/// A CRD's CEL rules compiled once, to check many objects: compiling is what costs (about
/// a millisecond per object otherwise, seconds for a folder of 10k manifests).
pub struct CelRules {
    compiled: CompiledSchema,
    validator: Validator,
}

impl CelRules {
    /// Compiles the rules of `crd`'s first version.
    pub fn new(crd: &CustomResourceDefinition) -> Result<Self, CelCheckError> {
        let schema = openapi_schema(crd)?;
        Ok(CelRules {
            compiled: compile_schema(&schema),
            validator: Validator::new(),
        })
    }

    /// Evaluates the rules against an object, like [`check_cel`].
    pub fn check(&self, object: &Value) -> Result<(), CelCheckError> {
        self.validator
            .validate_compiled(&self.compiled, object, None)
            .map_err(CelCheckError::Rules)
    }
}

#[cfg(test)]
mod tests {
    use kube::CustomResourceExt;
    use serde_json::json;

    use super::CelRules;
    use crate::crd::FlowSpecRule;

    fn rule(m: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "bgp.rustbgpd.io/v1alpha1", "kind": "FlowSpecRule",
               "metadata": {"name": "x", "namespace": "y"},
               "spec": {"match": m, "actions": {"discard": true}}})
    }

    #[test]
    fn numeric_items_are_bounded_without_a_regex() {
        let rules = CelRules::new(&FlowSpecRule::crd()).unwrap();
        let ok = rule(json!({"destinationPrefix": "192.0.2.0/24",
            "protocols": ["tcp", "==ipv6-icmp", ">=6&<=17", 47],
            "destinationPorts": [53, "1024-2048", ">=8000&<=8080", "!=80"]}));
        assert!(rules.check(&ok).is_ok(), "{:?}", rules.check(&ok).err());
        for bad in [
            json!({"destinationPorts": [65536]}),
            json!({"destinationPorts": ["1024-65536"]}),
            json!({"destinationPorts": [">=1&<=70000"]}),
            json!({"protocols": ["<=256"]}),
        ] {
            let e = rules.check(&rule(bad.clone())).unwrap_err().to_string();
            assert!(e.contains("values must be at most"), "{bad}: {e}");
        }
    }
}
