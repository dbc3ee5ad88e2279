#!/usr/bin/env bash
# The benchmarks' policy with N consumers on stdout: benches/many-consumers.head, then consumers
# `c00000`… with keys `env:K0`…, every tenth with its own rate limit. `cargo bench --bench
# pipeline` builds the same text in process.
#
#   scripts/bench-policy.sh N > many-consumers.yaml
set -euo pipefail
cat "$(dirname "${BASH_SOURCE[0]}")/../benches/many-consumers.head"
awk -v n="$1" 'BEGIN {
    for (i = 0; i < n; i++) {
        printf "  - name: c%05d\n    key: env:K%d\n    issued: 2026-10-01\n", i, i
        if (i % 10 == 0) printf "    rate_limit:\n      requests_per_minute: 200\n"
    }
}'
