#!/usr/bin/env bash
# Cold-process times on the inputs that used to be superlinear (issue 9, class 6), each near the
# sizes the issue names, plus inputs at the 8 MiB cap: hyperfine over target/release/gatectl.
#   scripts/bench-hostile.sh [RUNS]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
base = {"version": 1, "name": "flow", "environment": "development",
        "upstream": {"url": "https://api.anthropic.com", "api_key": "env:P"}, "auth": {"method": "api_key"}}
def flow(n):
    doc = dict(base, consumers=[{"name": f"c{i}", "key": f"env:K{i}", "issued": "2026-11-01"} for i in range(n)])
    return json.dumps(doc)
open(f"{w}/flow-10k.yaml", "w").write(flow(10_000))
open(f"{w}/flow-40k.yaml", "w").write(flow(40_000))
open(f"{w}/keys-150k.yaml", "w").write("".join(f"k{i}: {i}\n" for i in range(150_000)))
open(f"{w}/keys-150k-flow.yaml", "w").write(json.dumps({f"k{i}": i for i in range(150_000)}))
open(f"{w}/nginx-20k.conf", "w").write("".join(f"d{i % 3} on;\nsendfile on;\n" for i in range(20_000)))
open(f"{w}/tf-20k.yaml", "w").write("---\n".join(["type: virtual-account\nname: same\nx: 1\n"] * 20_000))
# At the cap: one 8 MiB line of candidate credential starts, in a comment.
open(f"{w}/cap-tokens.yaml", "w").write("# " + "eyJabcdefghijk.eyJ-" * (8 * 1024 * 1024 // 20) + "\nversion: 1\n")
PY
# The base policy with a model list, so that every target renders it.
policy=$work/policy.yaml
sed 's/^  anthropic_version: "2023-06-01"$/&\n  models: [claude-sonnet-4-5]/' tests/fixtures/base-production.yaml >"$policy"
g=target/release/gatectl
hyperfine -N --warmup 1 --runs "${1:-5}" --ignore-failure --export-markdown "$work/results.md" \
    -n "lint flow 10k" "$g lint $work/flow-10k.yaml" \
    -n "lint flow 40k" "$g lint $work/flow-40k.yaml" \
    -n "lint 150k keys (block)" "$g lint $work/keys-150k.yaml" \
    -n "lint 150k keys (flow)" "$g lint $work/keys-150k-flow.yaml" \
    -n "lint 8 MiB of token starts" "$g lint $work/cap-tokens.yaml" \
    -n "diff nginx 20k directives" "$g diff $policy -t nginx --deployed $work/nginx-20k.conf --today 2026-11-23" \
    -n "diff TrueFoundry 20k documents" "$g diff $policy -t truefoundry --deployed $work/tf-20k.yaml --today 2026-11-23" \
    >/dev/null
cat "$work/results.md"
