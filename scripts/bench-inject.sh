#!/usr/bin/env bash
# Injection benchmark: 100k IPv4 routes and 10k FlowSpec rules injected over gRPC into our
# rustbgpd and into gobgpd, each timed until a receiving gobgpd holds them all.
# Installs what it needs from Debian (gobgpd, and GoBGP's .proto files for the gobgpd side),
# builds the release binaries, then runs `inject-bench` (extra arguments are passed on,
# e.g. --routes 20000 --flows 2000 --only ours).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/bench-deps.sh

# Target names are unique in the workspace; `-p X --bin Y` would build only bins named Y.
cargo build --release --locked --bin rustbgpd --bin inject-bench
target="${CARGO_TARGET_DIR:-target}"
exec "$target/release/inject-bench" "$@"
