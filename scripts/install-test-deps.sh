#!/usr/bin/env bash
# Installs, from Debian's package registry, everything the test suite runs against:
# the real BGP peers (GoBGP, BIRD 2, FRR, ExaBGP) and the packet tools (tcpdump, tshark).
# Idempotent and quiet when everything is already there.
set -euo pipefail

pkgs=(gobgpd bird2 frr exabgp tcpdump tshark)
bins=(gobgpd bird /usr/lib/frr/bgpd exabgp tcpdump tshark)

missing=()
for i in "${!pkgs[@]}"; do
  command -v "${bins[$i]}" >/dev/null 2>&1 || missing+=("${pkgs[$i]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: need root to apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "install-test-deps: installing ${missing[*]}"
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
