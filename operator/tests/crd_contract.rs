//! Contract tests of the CRDs (pure: no cluster).
//!
//! * Drift: `crds/` holds exactly what `crdgen` generates now. This is the CI gate that keeps
//!   the checked-in YAML (what users `kubectl apply`) in step with the Rust types.
//! * Examples: every object under `examples/crs/` passes the OpenAPI schema of its CRD, checked
//!   by the `jsonschema` crate (an independent JSON Schema implementation), the CEL rules,
//!   evaluated by kube's `cel` feature (kube-cel, the Kubernetes CEL libraries), and parses
//!   into the Rust type.
//! * Invalid examples: every object under `examples/crs/invalid/` is rejected by the layer its
//!   header names (`# rejected-by: schema|cel`) with a message containing its `# expect:` text.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::core::cel::{ErrorKind, compile_schema};
use operator::crd::{self, BgpNeighbor, FlowSpecRule, InjectedRoute, RoutePolicy, validate};
use serde_json::Value;

const REGENERATE: &str = "run `cargo run -p operator --bin crdgen` and commit crds/";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

fn load(path: &Path) -> (String, Value) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let value: Value = serde_yaml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
    (text, value)
}

/// The CRDs by kind.
fn crds_by_kind() -> BTreeMap<String, CustomResourceDefinition> {
    crd::all()
        .into_iter()
        .map(|c| (c.spec.names.kind.clone(), c))
        .collect()
}

/// OpenAPI schema errors, from the `jsonschema` crate. OpenAPI v3.0 schemas are close to JSON
/// Schema draft 4 (e.g. boolean `exclusiveMinimum`), so validate with that draft; Kubernetes
/// extensions (`x-kubernetes-*`, `nullable`) are unknown keywords and ignored.
fn schema_errors(crd: &CustomResourceDefinition, object: &Value) -> Vec<String> {
    let schema = validate::openapi_schema(crd).expect("CRD has a schema");
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the generated schema is a valid JSON Schema");
    validator
        .iter_errors(object)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// CEL rule errors, from kube's client-side CEL validator. A rule that does not evaluate to a
/// boolean (a runtime error, or a function the evaluator lacks) fails the test outright: on
/// the apiserver it would be an error too, so every rule must evaluate cleanly on every
/// example, valid or not.
fn cel_errors(crd: &CustomResourceDefinition, object: &Value) -> Vec<String> {
    match validate::check_cel(crd, object) {
        Ok(()) => Vec::new(),
        Err(validate::CelCheckError::Rules(errors)) => {
            for e in errors.iter() {
                assert_eq!(
                    e.kind,
                    ErrorKind::ValidationFailure,
                    "rule {:?} did not evaluate: {e}",
                    e.rule
                );
            }
            errors.iter().map(|e| e.to_string()).collect()
        }
        Err(other) => panic!("CEL check could not run: {other}"),
    }
}

#[test]
fn every_cel_rule_compiles() {
    for crd in crd::all() {
        let schema = validate::openapi_schema(&crd).expect("CRD has a schema");
        let compiled = compile_schema(&schema);
        assert!(
            !compiled.has_errors(),
            "{:?}: {:?}",
            crd.metadata.name,
            compiled.compilation_errors()
        );
    }
}

fn kind_of(path: &Path, object: &Value) -> String {
    object["kind"]
        .as_str()
        .unwrap_or_else(|| panic!("{} has no kind", path.display()))
        .to_owned()
}

#[test]
fn crds_directory_matches_generated_crds() {
    let dir = workspace().join("crds");
    let mut expected_files = Vec::new();
    for crd in crd::all() {
        let name = crd::file_name(&crd);
        let generated = crd::to_yaml(&crd).expect("renders");
        let path = dir.join(&name);
        let on_disk = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("crds/{name} is missing ({e}); {REGENERATE}"));
        assert!(
            on_disk == generated,
            "crds/{name} differs from the generated CRD; {REGENERATE}"
        );
        expected_files.push(path);
    }
    let on_disk = yaml_files(&dir);
    assert_eq!(
        on_disk, expected_files,
        "crds/ holds files crdgen does not generate; remove them or {REGENERATE}"
    );
}

#[test]
fn generation_is_deterministic() {
    let once: Vec<String> = crd::all()
        .iter()
        .map(|c| crd::to_yaml(c).expect("renders"))
        .collect();
    let twice: Vec<String> = crd::all()
        .iter()
        .map(|c| crd::to_yaml(c).expect("renders"))
        .collect();
    assert_eq!(once, twice);
}

#[test]
fn valid_examples_pass_schema_cel_and_parse() {
    let crds = crds_by_kind();
    let files = yaml_files(&workspace().join("examples/crs"));
    let mut kinds = BTreeMap::<String, usize>::new();
    for path in &files {
        let (_, object) = load(path);
        let kind = kind_of(path, &object);
        let crd = crds
            .get(&kind)
            .unwrap_or_else(|| panic!("{}: unknown kind {kind}", path.display()));
        let schema = schema_errors(crd, &object);
        assert!(
            schema.is_empty(),
            "{}: schema errors: {schema:#?}",
            path.display()
        );
        let cel = cel_errors(crd, &object);
        assert!(cel.is_empty(), "{}: CEL errors: {cel:#?}", path.display());
        let parsed = match kind.as_str() {
            "FlowSpecRule" => serde_json::from_value::<FlowSpecRule>(object.clone()).map(|_| ()),
            "InjectedRoute" => serde_json::from_value::<InjectedRoute>(object.clone()).map(|_| ()),
            "BgpNeighbor" => serde_json::from_value::<BgpNeighbor>(object.clone()).map(|_| ()),
            "RoutePolicy" => serde_json::from_value::<RoutePolicy>(object.clone()).map(|_| ()),
            other => panic!("{}: no Rust type for {other}", path.display()),
        };
        parsed.unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        *kinds.entry(kind).or_default() += 1;
    }
    assert_eq!(
        kinds,
        BTreeMap::from([
            ("BgpNeighbor".to_owned(), 2),
            ("FlowSpecRule".to_owned(), 3),
            ("InjectedRoute".to_owned(), 2),
            ("RoutePolicy".to_owned(), 2),
        ]),
        "the example set changed; update this test deliberately"
    );
}

/// The `# rejected-by:` and `# expect:` header lines of an invalid example.
fn expectation(path: &Path, text: &str) -> (String, String) {
    let header = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("# {key}: ")))
            .unwrap_or_else(|| panic!("{} has no `# {key}:` line", path.display()))
            .trim()
            .to_owned()
    };
    (header("rejected-by"), header("expect"))
}

#[test]
fn invalid_examples_are_rejected_with_the_expected_message() {
    let crds = crds_by_kind();
    let files = yaml_files(&workspace().join("examples/crs/invalid"));
    assert!(
        files.len() >= 20,
        "expected the full set of invalid examples"
    );
    for path in &files {
        let (text, object) = load(path);
        let (layer, expected) = expectation(path, &text);
        let crd = &crds[&kind_of(path, &object)];
        let errors = match layer.as_str() {
            "schema" => schema_errors(crd, &object),
            "cel" => cel_errors(crd, &object),
            other => panic!("{}: unknown layer {other}", path.display()),
        };
        if std::env::var_os("SHOW_REJECTIONS").is_some() {
            eprintln!("{}: {errors:?}", path.display());
        }
        assert!(
            errors.iter().any(|e| e.contains(&expected)),
            "{}: expected a {layer} error containing {expected:?}, got {errors:#?}",
            path.display()
        );
    }
}

/// The columns `kubectl get` shows, by kind.
#[test]
fn printer_columns() {
    let columns = |kind: &str| -> Vec<String> {
        crds_by_kind()[kind].spec.versions[0]
            .additional_printer_columns
            .iter()
            .flatten()
            .filter(|c| c.priority.unwrap_or(0) == 0)
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(
        columns("FlowSpecRule"),
        ["Family", "Destination", "Action", "Peers", "Ready", "Age"]
    );
    assert_eq!(
        columns("InjectedRoute"),
        ["Prefix", "Next Hop", "Communities", "Peers", "Ready", "Age"]
    );
    assert_eq!(
        columns("BgpNeighbor"),
        ["Address", "ASN", "State", "Ready", "Age"]
    );
    assert_eq!(
        columns("RoutePolicy"),
        ["Statements", "Attached To", "Ready", "Age"]
    );
}

#[test]
fn short_names() {
    let short = |kind: &str| crds_by_kind()[kind].spec.names.short_names.clone();
    assert_eq!(short("FlowSpecRule"), Some(vec!["fsr".to_owned()]));
    assert_eq!(short("InjectedRoute"), Some(vec!["ir".to_owned()]));
    assert_eq!(short("BgpNeighbor"), Some(vec!["bgpn".to_owned()]));
    assert_eq!(short("RoutePolicy"), Some(vec!["rpol".to_owned()]));
}
