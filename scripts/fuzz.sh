#!/usr/bin/env bash
# Coverage-guided fuzzing of gatectl: cargo-fuzz (libFuzzer) on the stable toolchain.
#
#   scripts/fuzz.sh smoke               # CI: build every target, run each for $FUZZ_SMOKE_SECONDS (5)
#   scripts/fuzz.sh run TARGET SECONDS  # a campaign; new inputs go to fuzz/corpus-run/TARGET (not checked in)
#   scripts/fuzz.sh cmin TARGET         # minimise fuzz/corpus/TARGET with what fuzz/corpus-run/TARGET found
#
# libFuzzer's instrumentation flags (-Zsanitizer…, as cargo-fuzz passes them) are nightly-only;
# RUSTC_BOOTSTRAP=1 lets the stable compiler accept them, so no other toolchain is needed. The
# targets are built without a sanitizer (`-s none`: gatectl's library has no unsafe code to
# check) and with debug assertions (`-a`: overflow checks on). cargo-fuzz is installed from
# crates.io into ${GATECTL_CACHE:-.cache}/cargo-fuzz; builds are cached in fuzz/target.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
cache=${GATECTL_CACHE:-$repo/.cache}
version=0.13.2
cargo_fuzz=$cache/cargo-fuzz/bin/cargo-fuzz
if [[ "$("$cargo_fuzz" --version 2>/dev/null)" != "cargo-fuzz $version" ]]; then
    echo "installing cargo-fuzz $version into $cache/cargo-fuzz"
    cargo install --quiet cargo-fuzz --version "$version" --locked --root "$cache/cargo-fuzz"
fi
export RUSTC_BOOTSTRAP=1
targets=(lint diff_kong diff_zuplo diff_truefoundry diff_litellm diff_nginx render yaml_reader)
# Time and memory bounds: a slow or greedy input is a finding (linear time is a promise).
limits=(-timeout=10 -rss_limit_mb=2048)
fuzz() { "$cargo_fuzz" "$@"; }
build() { fuzz build -s none -a --release "$@"; }

case ${1:-smoke} in
smoke)
    build
    for target in "${targets[@]}"; do
        scratch=$(mktemp -d)
        # New inputs go to the scratch folder first; the checked-in corpus is only read.
        fuzz run -s none -a --release "$target" "$scratch" "fuzz/corpus/$target" -- \
            "${limits[@]}" -max_total_time="${FUZZ_SMOKE_SECONDS:-5}" -print_final_stats=1 2>&1 |
            grep -E '^(stat::number_of_executed_units|==|SUMMARY|.*panicked)' | sed "s/^/$target: /"
        rm -rf "$scratch"
    done
    ;;
run)
    target=$2
    mkdir -p "fuzz/corpus-run/$target"
    build "$target"
    fuzz run -s none -a --release "$target" "fuzz/corpus-run/$target" "fuzz/corpus/$target" -- \
        "${limits[@]}" -max_total_time="$3" -print_final_stats=1
    ;;
cmin)
    target=$2
    build "$target"
    merged=$(mktemp -d)
    # A set cover of the edges reached (not libFuzzer's finer features): small enough to check in.
    fuzz run -s none -a --release "$target" "$merged" "fuzz/corpus/$target" "fuzz/corpus-run/$target" -- \
        -set_cover_merge=1 -use_counters=0 -use_cmp=0 "${limits[@]}"
    rm -rf "fuzz/corpus/$target"
    mv "$merged" "fuzz/corpus/$target"
    ;;
*)
    echo "usage: scripts/fuzz.sh smoke | run TARGET SECONDS | cmin TARGET" >&2
    exit 2
    ;;
esac
