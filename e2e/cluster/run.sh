#!/usr/bin/env bash
# Cluster e2e on kind: builds both images (Dockerfile.speaker, Dockerfile.operator) and a
# gobgpd "edge router" image, loads them into a fresh kind cluster, installs the chart with
# `helm install`, runs gobgpd in a pod, applies a BgpNeighbor for it plus the example
# FlowSpecRule and RTBH InjectedRoute, and asserts what the router's own CLI shows:
#   1. both are announced (gobgp global rib; gobgp prints 65535:666 as `blackhole`), and
#      the CRs report Ready (kstatus);
#   2. deleting the InjectedRoute withdraws it at the router;
#   3. restarting the speaker container (crictl stop in the kind node) loses nothing: the
#      operator replays the desired state and the router has the FlowSpec rule again.
# Deletes the cluster at the end (also on failure). Needs docker (with access to Docker Hub,
# gcr.io and Debian's mirrors for the base images), kind and kubectl; helm comes from
# scripts/check-chart.sh (npm). Run by e2e/testbed/tests/cluster.rs where those exist.
set -euo pipefail
cd "$(dirname "$0")/../.."

CLUSTER=${RUSTBGPD_E2E_CLUSTER:-rustbgpd-e2e}
NS=rustbgpd-system
TAG=e2e
CTX=kind-$CLUSTER
say() { printf '\n== %s\n' "$*"; }
fail() {
  echo "cluster e2e: FAIL: $*" >&2
  kubectl --context "$CTX" -n "$NS" logs -l app.kubernetes.io/name=rustbgpd --all-containers --tail=50 >&2 || true
  exit 1
}
k() { kubectl --context "$CTX" "$@"; }
router() { k -n e2e-router exec gobgpd -- gobgp "$@"; }

# Polls `$@` (a command) until it succeeds, for up to $WAIT seconds.
until_ok() {
  local what=$1
  shift
  for _ in $(seq "${WAIT:-120}"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "timed out waiting for: $what"
}

for tool in docker kind kubectl; do
  command -v "$tool" >/dev/null || fail "$tool is not on PATH"
done
HELM=$(./scripts/check-chart.sh --helm-path)

say "kind cluster $CLUSTER"
kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true
trap 'kind delete cluster --name "$CLUSTER" >/dev/null 2>&1 || true' EXIT
kind create cluster --name "$CLUSTER" --wait 180s

say "Images: speaker, operator, gobgpd router"
docker build -q -f Dockerfile.speaker -t "rustbgpd-speaker:$TAG" .
docker build -q -f Dockerfile.operator -t "rustbgpd-operator:$TAG" .
docker build -q -f e2e/cluster/router.Dockerfile -t "rustbgpd-e2e-router:$TAG" e2e/cluster
for img in rustbgpd-speaker rustbgpd-operator rustbgpd-e2e-router; do
  kind load docker-image --name "$CLUSTER" "$img:$TAG"
done

say "The edge router: gobgpd (AS 65002) in a pod, accepting the speaker from any pod address"
k apply -f e2e/cluster/router.yaml
k -n e2e-router wait --for=condition=Ready pod/gobgpd --timeout=120s
ROUTER_IP=$(k -n e2e-router get pod gobgpd -o jsonpath='{.status.podIP}')

say "helm install (speaker AS 65001 on port 179 via the pod sysctl, non-root)"
"$HELM" install rustbgpd charts/rustbgpd --kube-context "$CTX" -n "$NS" --create-namespace \
  --set operator.image.repository=rustbgpd-operator --set operator.image.tag=$TAG \
  --set operator.image.pullPolicy=Never \
  --set speaker.image.repository=rustbgpd-speaker --set speaker.image.tag=$TAG \
  --set speaker.image.pullPolicy=Never \
  --set speaker.asn=65001 --set speaker.routerId=10.255.0.1 \
  --wait --timeout 180s
POD=$(k -n "$NS" get pod -l app.kubernetes.io/name=rustbgpd -o jsonpath='{.items[0].metadata.name}')

say "Apply: a BgpNeighbor for the router, the example FlowSpecRule and RTBH InjectedRoute"
k create namespace ddos
sed "s/__ROUTER_IP__/$ROUTER_IP/" e2e/cluster/neighbor.yaml | k apply -f -
k apply -f examples/crs/flowspecrule-dns-amplification.yaml -f examples/crs/injectedroute-rtbh.yaml

say "1. The router shows both; the CRs are Ready"
until_ok "session established" sh -c "kubectl --context $CTX -n e2e-router exec gobgpd -- gobgp neighbor | grep -q Establ"
until_ok "FlowSpec rule at the router" sh -c \
  "kubectl --context $CTX -n e2e-router exec gobgpd -- gobgp global rib -a ipv4-flowspec | grep -q 203.0.113.10/32"
until_ok "RTBH route at the router" sh -c \
  "kubectl --context $CTX -n e2e-router exec gobgpd -- gobgp global rib -a ipv4 203.0.113.66/32 | grep -q blackhole"
router global rib -a ipv4-flowspec
router global rib -a ipv4
k -n ddos wait --for=condition=Ready flowspecrule/dns-amp-203-0-113-10 injectedroute/rtbh-203-0-113-66 --timeout=60s
k wait --for=condition=Ready bgpneighbor/e2e-router --timeout=60s

say "2. Delete the InjectedRoute: the router withdraws it"
k -n ddos delete injectedroute rtbh-203-0-113-66
until_ok "RTBH withdrawn" sh -c \
  "! kubectl --context $CTX -n e2e-router exec gobgpd -- gobgp global rib -a ipv4 | grep -q 203.0.113.66/32"
router global rib -a ipv4

say "3. Restart the speaker container: nothing is lost"
NODE=$(k -n "$NS" get pod "$POD" -o jsonpath='{.spec.nodeName}')
CID=$(docker exec "$NODE" crictl ps --name speaker -q | head -1)
[ -n "$CID" ] || fail "no speaker container on $NODE"
docker exec "$NODE" crictl stop "$CID" >/dev/null
until_ok "speaker restarted" sh -c \
  "[ \"\$(kubectl --context $CTX -n $NS get pod $POD -o jsonpath='{.status.containerStatuses[?(@.name==\"speaker\")].restartCount}')\" -ge 1 ]"
until_ok "pod Ready again" k -n "$NS" wait --for=condition=Ready "pod/$POD" --timeout=5s
until_ok "FlowSpec rule back at the router" sh -c \
  "kubectl --context $CTX -n e2e-router exec gobgpd -- gobgp global rib -a ipv4-flowspec | grep -q 203.0.113.10/32"
if router global rib -a ipv4 | grep -q 203.0.113.66/32; then
  fail "the deleted RTBH route came back after the restart"
fi
router neighbor
router global rib -a ipv4-flowspec

echo
echo "cluster e2e: OK"
