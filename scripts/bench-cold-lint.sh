#!/usr/bin/env bash
# `gatectl lint` as a cold process (what a pre-commit hook pays per run), with
# hyperfine: a typical policy and a generated one with 10,000 consumers.
#
#   scripts/bench-cold-lint.sh [results.md]
#
# With an argument, hyperfine's summary is also exported there as markdown.
# In-process speed (no start-up) is `cargo bench --bench pipeline`.
set -euo pipefail

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)
cd "$repo"

if ! command -v hyperfine >/dev/null; then
    echo "hyperfine not found; installing the Debian package" >&2
    if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq hyperfine
fi

cargo build --release --quiet
gatectl=${CARGO_TARGET_DIR:-$repo/target}/release/gatectl

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

typical=$repo/tests/fixtures/base-production.yaml
large=$tmp/many-consumers.yaml
scripts/bench-policy.sh 10000 > "$large"

# A fixed date keeps both policies clean (exit 0), so hyperfine's failure check
# means something; check it once here too, showing the output if it isn't.
today=2026-11-23
for policy in "$typical" "$large"; do
    "$gatectl" lint --today "$today" "$policy" >/dev/null || {
        "$gatectl" lint --today "$today" "$policy" | tail -n 20
        echo "error: $policy does not lint clean" >&2
        exit 1
    }
done

export_args=()
if [[ $# -ge 1 ]]; then
    export_args=(--export-markdown "$1")
fi

echo "machine: $(nproc) cores; $("$gatectl" --version); $(hyperfine --version)"
hyperfine --warmup 3 --shell=none "${export_args[@]}" \
    --command-name "typical policy ($(wc -l < "$typical") lines)" \
    "$gatectl lint --today $today $typical" \
    --command-name "10,000 consumers ($(wc -l < "$large") lines)" \
    "$gatectl lint --today $today $large"
