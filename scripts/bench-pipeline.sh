#!/usr/bin/env bash
# Render and diff as cold processes at 10,000 and 50,000 consumers, peak memory, diff against
# `diff -u`, and a typical lint against process start-up: every row of the README's pipeline
# table, with hyperfine (median of the runs) and GNU time (peak RSS).
#
#   scripts/bench-pipeline.sh [RUNS]      (default 10 runs per command, 3 warm-up runs)
#
# The policy is scripts/bench-policy.sh's, the one `cargo bench --bench pipeline` builds: a
# development policy whose every tenth consumer has its own rate limit.
set -euo pipefail

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)
cd "$repo"
runs=${1:-10}

for tool in hyperfine /usr/bin/time; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool not found; installing the Debian packages" >&2
        if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" apt-get install -y -qq hyperfine time
        break
    fi
done

cargo build --release --quiet
gatectl=${CARGO_TARGET_DIR:-$repo/target}/release/gatectl
today=2026-11-23

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for n in 10000 50000; do
    scripts/bench-policy.sh "$n" > "$tmp/p$n.yaml"
    # The deployed side: the render itself, so diff compares every file and finds no drift (exit 0).
    "$gatectl" render -t all --today "$today" --out "$tmp/out$n" "$tmp/p$n.yaml" >/dev/null 2>&1
done
# One changed limit in the deployed Kong file, for diff against `diff -u` (both exit 1).
cp "$tmp/out10000/kong/kong.yaml" "$tmp/kong-rendered.yaml"
sed '0,/minute: 100/s//minute: 120/' "$tmp/kong-rendered.yaml" > "$tmp/kong-deployed.yaml"
cmp -s "$tmp/kong-rendered.yaml" "$tmp/kong-deployed.yaml" && { echo "error: no change made" >&2; exit 1; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$("$gatectl" --version); $(hyperfine --version)"

# hyperfine, then one line per command: median, mean ± σ, min … max (seconds → ms).
bench() {
    hyperfine --warmup 3 --runs "$runs" --shell=none --style none --export-json "$tmp/bench.json" "$@" >/dev/null
    python3 - "$tmp/bench.json" <<'PY'
import json, statistics, sys
for r in json.load(open(sys.argv[1]))["results"]:
    t = [x * 1000 for x in r["times"]]
    print(f"{r['command']}: median {statistics.median(t):.1f} ms, mean {statistics.mean(t):.1f} ± {statistics.stdev(t):.1f}, "
          f"min {min(t):.1f}, max {max(t):.1f} ({len(t)} runs)")
PY
}

render() { echo "$gatectl render -t all --today $today --out $tmp/render$1 $tmp/p$1.yaml"; }
diff_all() { echo "$gatectl diff -t all --today $today --deployed $tmp/out$1 $tmp/p$1.yaml"; }

bench -n "render -t all, 10k" "$(render 10000)" -n "render -t all, 50k" "$(render 50000)"
bench -n "diff -t all, 10k" "$(diff_all 10000)" -n "diff -t all, 50k" "$(diff_all 50000)"
bench -i -n "diff -t kong, 10k, one change" \
    "$gatectl diff -t kong --today $today --deployed $tmp/kong-deployed.yaml $tmp/p10000.yaml" \
    -n "diff -u of the same two files" "diff -u $tmp/kong-deployed.yaml $tmp/kong-rendered.yaml"
bench -n "lint, typical policy" "$gatectl lint --today $today tests/fixtures/base-production.yaml" \
    -n "gatectl --version" "$gatectl --version"

# Peak resident memory (GNU time's maximum RSS): the median of five runs.
for n in 10000 50000; do
    for _ in 1 2 3 4 5; do
        /usr/bin/time -f %M $(render "$n") 2>&1 >/dev/null | tail -n 1
    done | sort -n | sed -n 3p | awk -v n="$n" '{printf "peak RSS, render -t all, %dk: %.1f MiB\n", n / 1000, $1 / 1024}'
done
