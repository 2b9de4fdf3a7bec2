#!/usr/bin/env bash
# The main job, end to end on one machine: a real gobgpd plays the edge router, rustbgpd is the
# speaker, and the operator reconciles a folder of custom resources (--from-dir) onto it.
# We apply a FlowSpecRule and an RTBH InjectedRoute, show the router's own RIB, remove the
# route, show the withdrawal, and stop everything we started. Loopback only (127.77.0.x).
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
TMP=$(mktemp -d /tmp/rustbgpd-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

say "Installing gobgpd from Debian if it is missing"
command -v gobgpd >/dev/null || {
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gobgpd >/dev/null
}

say "Building rustbgpd and the operator (release)"
cargo build --release --locked -q -p speaker -p operator
BIN=${CARGO_TARGET_DIR:-target}/release

say "Starting gobgpd as the edge router (AS 65002 on 127.77.0.2:11790)"
cat > "$TMP/gobgpd.toml" <<CFG
[global.config]
  as = 65002
  router-id = "127.77.0.2"
  port = 11790
  local-address-list = ["127.77.0.2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.77.0.1"
    peer-as = 65001
  [neighbors.transport.config]
    local-address = "127.77.0.2"
    passive-mode = true
  [neighbors.ebgp-multihop.config]
    enabled = true
    multihop-ttl = 255
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-flowspec"
CFG
gobgpd -f "$TMP/gobgpd.toml" -p --api-hosts 127.77.0.2:50077 --pprof-disable >"$TMP/gobgpd.log" 2>&1 &
PIDS+=($!)
G="gobgp -u 127.77.0.2 -p 50077"

say "Starting the speaker rustbgpd (AS 65001, gRPC on a Unix socket)"
cat > "$TMP/rustbgpd.toml" <<CFG
[global]
asn = 65001
router_id = "127.77.0.1"
listen_address = "127.77.0.1"
listen_port = 11791
[global.telemetry]
grpc_uds_path = "$TMP/grpc.sock"
CFG
"$BIN/rustbgpd" "$TMP/rustbgpd.toml" 2>"$TMP/rustbgpd.log" &
PIDS+=($!)

say "Starting the operator on the folder $TMP/crs (--from-dir)"
mkdir -p "$TMP/crs"
cp examples/demo/router.yaml "$TMP/crs/"
for _ in $(seq 50); do [ -S "$TMP/grpc.sock" ] && break; sleep 0.1; done
"$BIN/operator" --from-dir "$TMP/crs" --speaker "unix://$TMP/grpc.sock" 2>"$TMP/operator.log" &
PIDS+=($!)

say "Waiting for the BGP session (the BgpNeighbor manifest made the speaker dial the router)"
for _ in $(seq 100); do
  $G neighbor 2>/dev/null | grep -q Establ && break
  sleep 0.2
done
$G neighbor

say "kubectl apply -f: a FlowSpecRule (DNS amplification) and an RTBH InjectedRoute"
cp examples/crs/flowspecrule-dns-amplification.yaml examples/crs/injectedroute-rtbh.yaml "$TMP/crs/"
for _ in $(seq 50); do
  $G global rib -a ipv4 2>/dev/null | grep -q 203.0.113.66 &&
    $G global rib -a ipv4-flowspec 2>/dev/null | grep -q 203.0.113.10 && break
  sleep 0.1
done
say "The router's own view (gobgp global rib -a ipv4-flowspec)"
$G global rib -a ipv4-flowspec
say "The router's own view (gobgp global rib -a ipv4)"
$G global rib -a ipv4
say "Status the operator wrote next to the manifest"
cat "$TMP/crs/flowspecrule-dns-amplification.yaml.status.yaml" 2>/dev/null || echo "(no status file yet)"

say "kubectl delete: removing the RTBH route"
rm "$TMP/crs/injectedroute-rtbh.yaml"
for _ in $(seq 50); do
  $G global rib -a ipv4 2>/dev/null | grep -q 203.0.113.66 || break
  sleep 0.1
done
$G global rib -a ipv4
if $G global rib -a ipv4 | grep -q 203.0.113.66; then
  echo "withdrawal NOT seen"; exit 1
fi
echo "203.0.113.66/32 withdrawn at the router; the FlowSpec rule stays:"
$G global rib -a ipv4-flowspec

say "Stopping everything (the speaker sends Cease/Administrative Shutdown)"
