#!/usr/bin/env bash
# Proves the `gatectl-lint` hook in .pre-commit-hooks.yaml with the real
# pre-commit tool: a clean policy passes, a policy with a finding fails.
#
#   scripts/pre-commit-proof.sh
#
# The hook repo is a clone of this repo's HEAD (uncommitted changes don't
# matter). pre-commit's `language: rust` runs `cargo install --path .` of it
# once per rev; the venv and PRE_COMMIT_HOME live under ${GATECTL_CACHE:-.cache}
# so later runs at the same HEAD reuse both. The first run builds the crate in
# release mode (a few minutes on 2 cores).
set -euo pipefail

PRE_COMMIT_VERSION=4.7.0
# The fixture's keys were issued 2026-09-15 and 2026-10-01 with a 90-day
# rotation limit; lint as of a fixed date so the "clean" case stays clean.
TODAY=2026-11-23

repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")/.." rev-parse --show-toplevel)
cache=${GATECTL_CACHE:-$repo/.cache}
venv=$cache/venv-pre-commit
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
export PRE_COMMIT_HOME=$cache/pre-commit

# 1. pre-commit itself, pinned, in a venv that is reused when it already has it.
if [[ "$("$venv/bin/pre-commit" --version 2>/dev/null || true)" != "pre-commit $PRE_COMMIT_VERSION" ]]; then
    echo "installing pre-commit $PRE_COMMIT_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pre-commit==$PRE_COMMIT_VERSION"
fi
pre_commit=$venv/bin/pre-commit
"$pre_commit" --version

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 2. The hook repo: a clone of HEAD, so pre-commit gets a real rev. pre-commit
# keys its store on (repo URL, rev), so the clone lives at a fixed path: the
# same HEAD reuses the hook that was built before.
hook_repo=$cache/pre-commit-proof/gatectl
rm -rf "$hook_repo"
mkdir -p "$(dirname "$hook_repo")"
git clone --quiet "$repo" "$hook_repo"
if [[ ! -f "$hook_repo/.pre-commit-hooks.yaml" ]]; then
    # Not committed yet: add the working tree's manifest in a commit of the
    # clone only. Fixed identity and dates keep its sha (the cache key) stable.
    echo "note: HEAD has no .pre-commit-hooks.yaml; using the working tree's in the clone"
    cp "$repo/.pre-commit-hooks.yaml" "$hook_repo/"
    (
        cd "$hook_repo"
        git add .pre-commit-hooks.yaml
        GIT_AUTHOR_NAME=proof GIT_AUTHOR_EMAIL=proof@localhost \
            GIT_COMMITTER_NAME=proof GIT_COMMITTER_EMAIL=proof@localhost \
            GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
            git commit --quiet -m "pre-commit hook manifest (proof only)"
    )
fi
rev=$(git -C "$hook_repo" rev-parse HEAD)
echo "hook repo: $hook_repo @ $rev"

# 3. A project that uses the hook.
project=$tmp/project
mkdir -p "$project/policies"
cd "$project"
git init --quiet
git config user.name proof
git config user.email proof@localhost
cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $hook_repo
    rev: $rev
    hooks:
      - id: gatectl-lint
        args: [--today, "$TODAY"]
EOF

passed=0
failed=0
pass() { echo "PASS: $1"; passed=$((passed + 1)); }
fail() {
    echo "FAIL: $1"
    failed=$((failed + 1))
    if [[ -f "$PRE_COMMIT_HOME/pre-commit.log" ]]; then
        echo "--- $PRE_COMMIT_HOME/pre-commit.log (tail) ---"
        tail -n 40 "$PRE_COMMIT_HOME/pre-commit.log"
    fi
}
run() {
    git add --all
    if out=$("$pre_commit" run --all-files --color never 2>&1); then rc=0; else rc=$?; fi
    printf '%s\n' "$out" | sed 's/^/    | /'
}

# Case 1: a clean policy passes.
cp "$repo/tests/fixtures/base-production.yaml" policies/base-production.yaml
run
if [[ $rc -eq 0 ]]; then
    pass "clean policy: pre-commit run --all-files exits 0"
else
    fail "clean policy: pre-commit run --all-files exited $rc, expected 0"
fi

# Case 2: a policy with a finding fails, naming the rule.
sed 's/min_version: "1.2"/min_version: "1.1"/' "$repo/tests/fixtures/base-production.yaml" \
    > policies/weak-tls.yaml
grep -q 'min_version: "1.1"' policies/weak-tls.yaml
run
if [[ $rc -ne 0 && "$out" == *tls-min-version* ]]; then
    pass "weak TLS policy: pre-commit run --all-files exits $rc and reports tls-min-version"
else
    fail "weak TLS policy: pre-commit run --all-files exited $rc, expected non-zero with tls-min-version"
fi

# Drop hook builds for other revs (each is a few hundred MB of target/); the
# one this config uses is kept.
"$pre_commit" gc >/dev/null 2>&1 || true

echo "pre-commit proof: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
