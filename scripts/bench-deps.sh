#!/usr/bin/env bash
# Installs, from Debian, what the benchmarks need beyond the build: gobgpd (the receiver, and
# the injecting speaker compared with ours) and GoBGP's .proto files (the benchmarks read
# gobgpd's counters and drive it over its gRPC API). Quiet when both are there.
set -euo pipefail

need=()
command -v gobgpd >/dev/null 2>&1 || need+=(gobgpd)
[ -f /usr/share/gocode/src/github.com/osrg/gobgp/api/gobgp.proto ] || need+=(golang-github-osrg-gobgp-dev)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "bench-deps: need root to apt-get install ${need[*]}" >&2
  exit 1
fi
echo "bench-deps: installing ${need[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
