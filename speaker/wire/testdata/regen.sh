#!/usr/bin/env bash
# Regenerate the BGP wire test vectors in testdata/vectors/ from real implementations.
#
# Runs gobgpd, BIRD 2 and two ExaBGP processes on loopback (127.0.0.2-.9, ports 11790-11792),
# captures their sessions with tcpdump on lo, drives withdrawals, route refresh and
# NOTIFICATIONs, stops everything, then cuts the capture into single BGP messages
# (regen/extract.py, selection in regen/vectors.py).  See vectors/README.md.
#
# Usage: speaker/wire/testdata/regen.sh            (as root: tcpdump needs it)
#        KEEP_TMP=1 regen.sh                         keep the temp dir (pcap, logs)
#        DUMP=1 regen.sh                             also list every captured message
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REGEN="$HERE/regen"
OUT="$HERE/vectors"
export PATH="$PATH:/usr/sbin:/sbin"
START_SECONDS=$SECONDS

log() { printf '[regen %3ds] %s\n' "$((SECONDS - START_SECONDS))" "$*" >&2; }

# --- 1. tools -----------------------------------------------------------------------------
missing=0
for bin in exabgp gobgpd gobgp bird birdc tcpdump tshark; do
  command -v "$bin" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
  log "installing exabgp gobgpd bird2 tcpdump tshark from the Debian repositories"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    exabgp gobgpd bird2 tcpdump tshark
fi
log "versions: $(gobgpd --version) / $(bird --version 2>&1) / exabgp $(exabgp --version 2>&1 | awk '/ExaBGP/{print $3}')"

# --- 2. temp dir, cleanup -----------------------------------------------------------------
TMP="$(mktemp -d /tmp/bgp-vectors.XXXXXX)"
PCAP="$TMP/bgp.pcap"
GRPC=50077
G="gobgp -p $GRPC"
B="birdc -s $TMP/bird.ctl"
TCPDUMP_PID="" GOBGPD_PID="" BIRD_PID="" EXA_PID="" EXA0_PID="" EXA_CHILDREN=""

stop_pid() {  # stop_pid PID [SIGNAL]: signal one process we started and wait (max 5 s)
  local pid="$1" sig="${2:-TERM}" i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -CONT "$pid" 2>/dev/null || true
  kill -"$sig" "$pid" 2>/dev/null || true
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if [ -n "$EXA_PID" ]; then
    EXA_CHILDREN="$EXA_CHILDREN $(pgrep -P "$EXA_PID" 2>/dev/null | tr '\n' ' ')"
    stop_pid "$EXA_PID"
    for c in $EXA_CHILDREN; do kill "$c" 2>/dev/null; done
  fi
  stop_pid "$EXA0_PID"
  stop_pid "$BIRD_PID"
  stop_pid "$GOBGPD_PID"
  stop_pid "$TCPDUMP_PID" INT
  if [ "${KEEP_TMP:-0}" = 1 ] || [ "$rc" != 0 ]; then
    log "temp dir kept: $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_until() {  # wait_until SECONDS DESCRIPTION CMD...: poll every 0.2 s
  local limit="$1" desc="$2"; shift 2
  local end=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then log "TIMEOUT waiting for: $desc"; return 1; fi
    sleep 0.2
  done
  log "ok: $desc"
}
count() { python3 "$REGEN/extract.py" count "$PCAP" "$@"; }       # count SRC DST TYPE [HEX]
at_least() { local n="$1"; shift; [ "$(count "$@")" -ge "$n" ]; }  # at_least N SRC DST TYPE [HEX]
gobgp_up() { $G neighbor 2>/dev/null | awk -v a="$1" '$1 == a' | grep -q Establ; }
bird_up() { $B show protocols "$1" 2>/dev/null | grep -q Established; }
updates_quiet() {  # true when the number of captured UPDATEs did not change for 2 s
  local a b
  a="$(python3 "$REGEN/extract.py" dump "$PCAP" | grep -c ' update ' || true)"
  sleep 2
  b="$(python3 "$REGEN/extract.py" dump "$PCAP" | grep -c ' update ' || true)"
  [ "$a" = "$b" ]
}
exa_cmd() { log "exabgp api: $*"; printf '%s\n' "$*" > "$TMP/exabgp/cmd.fifo"; }

# --- 3. configs ---------------------------------------------------------------------------
mkdir -p "$TMP/exabgp" "$TMP/exabgp0"
cp "$REGEN/exabgp-rx.conf" "$TMP/exabgp0/exabgp.conf"
sed "s#@TMP@#$TMP#g" "$REGEN/bird.conf" > "$TMP/bird.conf"
cp "$REGEN/gobgpd.toml" "$TMP/gobgpd.toml"
cp "$REGEN/exabgp-cmd.py" "$TMP/exabgp/exabgp-cmd.py"
mkfifo "$TMP/exabgp/cmd.fifo"
python3 - "$REGEN/exabgp.conf" "$TMP/exabgp/exabgp.conf" "$TMP" <<'EOF'
import sys
src, dst, tmp = sys.argv[1:4]
s = open(src).read()
s = s.replace("@TMP@", tmp)
# 1100 standard communities 65003:0 .. 65003:1099: the UPDATE exceeds 4096 octets.
s = s.replace("@BIGCOMM@", " ".join("65003:%d" % i for i in range(1100)))
open(dst, "w").write(s)
EOF
gobgpd -d -f "$TMP/gobgpd.toml" >/dev/null
bird -p -c "$TMP/bird.conf"

# --- 4. capture ---------------------------------------------------------------------------
tcpdump -i lo -U -n -s 0 -w "$PCAP" '(tcp port 11790 or tcp port 11791 or tcp port 11792) and src net 127.0.0.0/28 and dst net 127.0.0.0/28' 2> "$TMP/tcpdump.log" &
TCPDUMP_PID=$!
wait_until 10 "tcpdump listening" grep -q "listening on" "$TMP/tcpdump.log"

# --- 5. gobgpd + its routes -----------------------------------------------------------------
gobgpd -f "$TMP/gobgpd.toml" -p --api-hosts "127.0.0.1:$GRPC" --pprof-disable > "$TMP/gobgpd.log" 2>&1 &
GOBGPD_PID=$!
wait_until 15 "gobgpd API" $G global
# shellcheck source=regen/gobgp-routes.sh
. "$REGEN/gobgp-routes.sh"
log "gobgpd routes injected"

# --- 6. BIRD and ExaBGP dial in -------------------------------------------------------------
bird -f -c "$TMP/bird.conf" -s "$TMP/bird.ctl" -P "$TMP/bird.pid" > "$TMP/bird.stdout" 2>&1 &
BIRD_PID=$!
wait_until 15 "bird control socket" $B show status
exabgp_daemon_user=root exabgp_api_cli=false exabgp_log_destination="$TMP/exabgp0/exabgp.log" \
  exabgp_daemon_pid="$TMP/exabgp0/exabgp.pid" \
  exabgp "$TMP/exabgp0/exabgp.conf" > "$TMP/exabgp0/stdout.log" 2>&1 &
EXA0_PID=$!
wait_until 15 "ExaBGP E0 listening on 127.0.0.9:11792" sh -c "ss -ltn | grep -q '127.0.0.9:11792'"
exabgp_daemon_user=root exabgp_api_cli=false exabgp_log_destination="$TMP/exabgp/exabgp.log" \
  exabgp_daemon_pid="$TMP/exabgp/exabgp.pid" \
  exabgp "$TMP/exabgp/exabgp.conf" > "$TMP/exabgp/stdout.log" 2>&1 &
EXA_PID=$!

wait_until 30 "gobgpd <-> BIRD Established" gobgp_up 127.0.0.3
wait_until 30 "gobgpd <-> BIRD FlowSpec session Established" gobgp_up 127.0.0.4
wait_until 30 "ExaBGP E1 -> E0 End-of-RIB ipv6 flow" at_least 1 127.0.0.5 127.0.0.9 update 900f0003000285
wait_until 30 "BIRD <-> ExaBGP(E2, 2-octet AS) Established" bird_up exa2
wait_until 30 "BIRD <-> ExaBGP(E3, iBGP) Established" bird_up exa3
wait_until 30 "initial updates settled" updates_quiet
EXA_CHILDREN="$(pgrep -P "$EXA_PID" | tr '\n' ' ' || true)"

# --- 7. withdrawals -----------------------------------------------------------------------
n=$(count 127.0.0.5 127.0.0.9 update)
exa_cmd "neighbor 127.0.0.9 withdraw route 203.0.113.0/24 next-hop 192.0.2.6 path-information 2"
wait_until 15 "E1 add-path IPv4 withdraw" at_least $((n + 1)) 127.0.0.5 127.0.0.9 update
exa_cmd "neighbor 127.0.0.9 withdraw route 2001:db8:500::/48 next-hop 2001:db8::6 path-information 2"
wait_until 15 "E1 add-path IPv6 withdraw" at_least $((n + 2)) 127.0.0.5 127.0.0.9 update
n=$(count 127.0.0.7 127.0.0.3 update)
exa_cmd "neighbor 127.0.0.3 local-ip 127.0.0.7 withdraw route 198.51.100.192/26 next-hop 192.0.2.7"
wait_until 15 "E3 IPv4 withdraw" at_least $((n + 1)) 127.0.0.7 127.0.0.3 update
exa_cmd "neighbor 127.0.0.3 local-ip 127.0.0.7 withdraw route 2001:db8:701::/48 next-hop 2001:db8::7"
wait_until 15 "E3 IPv6 withdraw" at_least $((n + 2)) 127.0.0.7 127.0.0.3 update

# --- 8. route refresh ---------------------------------------------------------------------
exa_cmd "neighbor 127.0.0.9 announce route-refresh ipv4 unicast"
wait_until 15 "ROUTE-REFRESH E1 -> E0" at_least 1 127.0.0.5 127.0.0.9 route-refresh
# (gobgp 3.10 "neighbor X softresetin" re-filters its Adj-RIB-In and sends no ROUTE-REFRESH.)
$B reload in gobgp >/dev/null
wait_until 15 "ROUTE-REFRESH BIRD -> gobgpd" at_least 2 127.0.0.3 127.0.0.2 route-refresh
$B reload out exa3 >/dev/null
wait_until 15 "BoRR+EoRR BIRD -> E3" at_least 2 127.0.0.3 127.0.0.7 route-refresh
wait_until 30 "updates settled after refresh" updates_quiet

# --- 9. FlowSpec rule > 240 octets (2-octet NLRI length), last thing on the E1 session ------
# 90 OR-ed equality terms (ports 1000..1089). ExaBGP E0 cannot decode it and sends a
# NOTIFICATION (UPDATE error / malformed NLRI, with text).
exa_cmd "neighbor 127.0.0.9 announce flow route { match { destination 203.0.113.0/24; destination-port [ $(python3 -c 'print(" ".join("=%d" % p for p in range(1000, 1090)))') ]; } then { rate-limit 12345; } }"
wait_until 15 "long FlowSpec rule E1 -> E0" at_least 1 127.0.0.5 127.0.0.9 update f1140118cb0071
wait_until 15 "NOTIFICATION E0 -> E1" at_least 1 127.0.0.9 127.0.0.5 notification

# --- 10. NOTIFICATIONs ---------------------------------------------------------------------
$G neighbor 127.0.0.3 disable --reason "rustbgpd test vector: gobgp shutdown" >/dev/null
wait_until 15 "NOTIFICATION gobgpd -> BIRD" at_least 1 127.0.0.2 127.0.0.3 notification
$B disable exa3 '"rustbgpd test vector: bird disable"' >/dev/null
wait_until 15 "NOTIFICATION BIRD -> E3" at_least 1 127.0.0.3 127.0.0.7 notification
$B disable gobgpfs >/dev/null
wait_until 15 "NOTIFICATION BIRD -> gobgpd (no data)" at_least 1 127.0.0.4 127.0.0.8 notification
# Hold timer: freeze the ExaBGP process running E1/E2/E3; BIRD (hold 6 s) gives up on E2.
kill -STOP "$EXA_PID"
wait_until 30 "Hold Timer Expired BIRD -> E2" at_least 1 127.0.0.3 127.0.0.6 notification 0400
kill -CONT "$EXA_PID"

# --- 11. stop everything ------------------------------------------------------------------
EXA_CHILDREN="$EXA_CHILDREN $(pgrep -P "$EXA_PID" | tr '\n' ' ' || true)"
stop_pid "$EXA_PID"; for c in $EXA_CHILDREN; do kill "$c" 2>/dev/null || true; done; EXA_PID=""
stop_pid "$EXA0_PID"; EXA0_PID=""
stop_pid "$BIRD_PID"; BIRD_PID=""
stop_pid "$GOBGPD_PID"; GOBGPD_PID=""
sleep 0.5
stop_pid "$TCPDUMP_PID" INT; TCPDUMP_PID=""
log "capture: $(python3 "$REGEN/extract.py" dump "$PCAP" | wc -l) BGP messages"

# --- 12. extract --------------------------------------------------------------------------
if [ "${DUMP:-0}" = 1 ]; then python3 "$REGEN/extract.py" dump "$PCAP" > "$TMP/dump.txt"; log "dump: $TMP/dump.txt"; fi
python3 "$REGEN/extract.py" extract "$PCAP" "$OUT"
log "done in $((SECONDS - START_SECONDS)) s"
