//! Static checks of what ships besides the binaries (pure, no Docker or cluster needed):
//! the two Dockerfiles (multi-stage, `--locked` release build, distroless non-root final
//! stage with no shell use), `.dockerignore`, and the GitOps examples (each document parses
//! and has the apiVersion/kind its tool expects, pointing at our chart and CR folder; the
//! Argo CD health check covers every kind).

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// One Dockerfile instruction: keyword (upper case) and its arguments, continuations joined.
#[derive(Debug)]
struct Instr {
    op: String,
    args: String,
}

fn instructions(text: &str) -> Vec<Instr> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        let t = line.trim();
        if pending.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if let Some(head) = t.strip_suffix('\\') {
            pending.push_str(head);
            pending.push(' ');
            continue;
        }
        pending.push_str(t);
        let (op, args) = pending
            .split_once(char::is_whitespace)
            .unwrap_or((&pending, ""));
        out.push(Instr {
            op: op.to_ascii_uppercase(),
            args: args.trim().to_owned(),
        });
        pending.clear();
    }
    assert!(pending.is_empty(), "dangling line continuation");
    out
}

/// Splits the instructions into stages, each starting at a FROM.
fn stages(instrs: Vec<Instr>) -> Vec<Vec<Instr>> {
    let mut out: Vec<Vec<Instr>> = Vec::new();
    for i in instrs {
        if i.op == "FROM" {
            out.push(Vec::new());
        }
        match out.last_mut() {
            Some(stage) => stage.push(i),
            None => assert!(i.op == "ARG", "{} before the first FROM", i.op),
        }
    }
    out
}

/// Exec form: a JSON array of strings, so no `/bin/sh -c` is needed at run time.
fn is_exec_form(args: &str) -> bool {
    serde_json::from_str::<Vec<String>>(args).is_ok_and(|v| !v.is_empty())
}

/// What is wrong with a Dockerfile (empty = fine).
fn dockerfile_problems(text: &str, package: &str, bin: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let stages = stages(instructions(text));
    if stages.len() < 2 {
        return vec!["not multi-stage".into()];
    }
    let build: String = stages[..stages.len() - 1]
        .iter()
        .flatten()
        .filter(|i| i.op == "RUN")
        .map(|i| i.args.as_str())
        .collect();
    let cargo = format!("cargo build --release --locked -p {package} --bin {bin}");
    if !build.contains(&cargo) {
        bad.push(format!("no `{cargo}` in a build stage"));
    }
    let last = stages.last().map(Vec::as_slice).unwrap_or_default();
    let base = &last[0].args;
    if !(base.starts_with("gcr.io/distroless/") && base.ends_with(":nonroot")) {
        bad.push(format!(
            "final base {base} is not a distroless nonroot image"
        ));
    }
    for i in last.iter().filter(|i| i.op == "RUN" || i.op == "ADD") {
        bad.push(format!("{} in the final stage", i.op));
    }
    match last.iter().rfind(|i| i.op == "USER") {
        None => bad.push("no USER in the final stage".into()),
        Some(u) if matches!(u.args.split(':').next(), Some("" | "0" | "root")) => {
            bad.push(format!("final USER {} is root", u.args));
        }
        Some(_) => {}
    }
    match last.iter().find(|i| i.op == "ENTRYPOINT") {
        None => bad.push("no ENTRYPOINT".into()),
        Some(e) if !is_exec_form(&e.args) => bad.push("shell-form ENTRYPOINT".into()),
        Some(e) if !e.args.contains(&format!("/{bin}\"")) => {
            bad.push(format!("ENTRYPOINT {} does not run {bin}", e.args));
        }
        Some(_) => {}
    }
    if last.iter().any(|i| i.op == "CMD" && !is_exec_form(&i.args)) {
        bad.push("shell-form CMD".into());
    }
    let copied = last.iter().any(|i| {
        i.op == "COPY" && i.args.starts_with("--from=") && i.args.contains(&format!("/{bin} "))
    });
    if !copied {
        bad.push(format!(
            "the final stage does not copy {bin} from a build stage"
        ));
    }
    bad
}

fn check_dockerfile(name: &str, package: &str, bin: &str) {
    let bad = dockerfile_problems(&read(name), package, bin);
    assert!(bad.is_empty(), "{name}: {bad:?}");
}

#[test]
fn speaker_dockerfile_is_multi_stage_distroless_non_root() {
    check_dockerfile("Dockerfile.speaker", "speaker", "rustbgpd");
}

#[test]
fn operator_dockerfile_is_multi_stage_distroless_non_root() {
    check_dockerfile("Dockerfile.operator", "operator", "operator");
}

#[test]
fn the_checker_rejects_what_it_should() {
    let bad = "FROM rust AS b\nRUN cargo build --release -p x --bin y\n\
               FROM debian:12\nCOPY --from=b /y /y\nRUN chmod +x /y\nUSER 0\n\
               ENTRYPOINT /y\nCMD [\"a\"]\n";
    assert_eq!(
        dockerfile_problems(bad, "x", "y"),
        [
            "no `cargo build --release --locked -p x --bin y` in a build stage",
            "final base debian:12 is not a distroless nonroot image",
            "RUN in the final stage",
            "final USER 0 is root",
            "shell-form ENTRYPOINT",
        ]
    );
    assert_eq!(
        dockerfile_problems("FROM a\n", "x", "y"),
        ["not multi-stage"]
    );
    let continued = instructions("RUN a \\\n  && b\n");
    assert_eq!(continued.len(), 1);
    assert_eq!(continued[0].args, "a  && b");
}

#[test]
fn dockerignore_keeps_build_output_and_git_out_of_the_context() {
    let text = read(".dockerignore");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for must in ["target/", ".git/"] {
        assert!(lines.contains(&must), ".dockerignore lacks {must}");
    }
}

/// Every YAML document of a file, parsed.
fn documents(rel: &str) -> Vec<serde_yaml::Value> {
    use serde::Deserialize;
    let text = read(rel);
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde_yaml::Value::deserialize(d).unwrap_or_else(|e| panic!("{rel}: {e}")))
        .filter(|v| !v.is_null())
        .collect()
}

fn kinds(rel: &str) -> Vec<(String, String)> {
    documents(rel)
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (s("apiVersion"), s("kind"))
        })
        .collect()
}

fn pair(api: &str, kind: &str) -> (String, String) {
    (api.to_owned(), kind.to_owned())
}

#[test]
fn argocd_applications_point_at_the_chart_and_the_cr_folder() {
    let docs = documents("examples/gitops/argocd/applications.yaml");
    let app = pair("argoproj.io/v1alpha1", "Application");
    assert_eq!(
        kinds("examples/gitops/argocd/applications.yaml"),
        [app.clone(), app]
    );
    assert_eq!(
        docs[0]["spec"]["source"]["path"].as_str(),
        Some("charts/rustbgpd")
    );
    assert_eq!(
        docs[1]["spec"]["source"]["path"].as_str(),
        Some("examples/gitops/crs")
    );
}

#[test]
fn argocd_health_checks_cover_every_kind_with_the_same_kstatus_reading() {
    let docs = documents("examples/gitops/argocd/argocd-cm-health.yaml");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["kind"].as_str(), Some("ConfigMap"));
    assert_eq!(docs[0]["metadata"]["name"].as_str(), Some("argocd-cm"));
    let script = |kind: &str| {
        let key = format!("resource.customizations.health.bgp.rustbgpd.io_{kind}");
        docs[0]["data"][key.as_str()]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    let first = script("BgpNeighbor");
    for needle in [
        "observedGeneration",
        "\"Ready\"",
        "Healthy",
        "Degraded",
        "Progressing",
    ] {
        assert!(first.contains(needle), "health check lacks {needle}");
    }
    assert_eq!(script("FlowSpecRule"), first);
    assert_eq!(script("InjectedRoute"), first);
}

#[test]
fn flux_objects_install_the_chart_and_apply_the_cr_folder() {
    let rel = "examples/gitops/flux/rustbgpd.yaml";
    assert_eq!(
        kinds(rel),
        [
            pair("source.toolkit.fluxcd.io/v1", "GitRepository"),
            pair("helm.toolkit.fluxcd.io/v2", "HelmRelease"),
            pair("kustomize.toolkit.fluxcd.io/v1", "Kustomization"),
        ]
    );
    let docs = documents(rel);
    let chart = &docs[1]["spec"]["chart"]["spec"];
    assert_eq!(chart["chart"].as_str(), Some("./charts/rustbgpd"));
    assert_eq!(
        docs[2]["spec"]["path"].as_str(),
        Some("./examples/gitops/crs")
    );
    // The CRs need the CRDs the HelmRelease installs.
    assert_eq!(
        docs[2]["spec"]["dependsOn"][0]["name"].as_str(),
        Some("rustbgpd")
    );
}

#[test]
fn gitops_cr_folder_holds_one_of_each_kind_we_reconcile() {
    let dir = repo().join("examples/gitops/crs");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "kustomization.yaml")
        .flat_map(|n| kinds(&format!("examples/gitops/crs/{n}")))
        .collect();
    found.sort();
    let api = "bgp.rustbgpd.io/v1alpha1";
    assert_eq!(
        found,
        [
            pair(api, "BgpNeighbor"),
            pair(api, "FlowSpecRule"),
            pair(api, "InjectedRoute"),
            pair("v1", "Namespace"),
        ]
    );
}
