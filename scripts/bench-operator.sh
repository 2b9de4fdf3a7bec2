#!/usr/bin/env bash
# Operator benchmark: 10k FlowSpecRule manifests in a folder, the operator (--from-dir) and
# rustbgpd as release binaries, a receiving gobgpd. Prints the time until every rule is held
# by the speaker and accepted by gobgpd (cold start, delete all, write while running), and
# the operator's and the speaker's peak RSS, against the targets (<= 2 s, <= 100 MB).
# Installs gobgpd from Debian if it is missing (and GoBGP's .proto files, which let the
# benchmark read gobgpd's counters over gRPC instead of its CLI), builds the release
# binaries, then runs `operator-bench` (extra arguments are passed on, e.g. --rules 2000).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bench-deps.sh

# Target names are unique in the workspace; `-p X --bin Y` would build only bins named Y.
cargo build --release --locked --bin rustbgpd --bin operator --bin operator-bench
target="${CARGO_TARGET_DIR:-target}"
exec "$target/release/operator-bench" "$@"
