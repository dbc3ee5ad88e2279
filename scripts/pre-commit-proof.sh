#!/usr/bin/env bash
# Proves the `gatectl-lint` hook in .pre-commit-hooks.yaml with the real
# pre-commit tool, on a repository that keeps policies in two folders beside
# unrelated YAML (a CI workflow, a Kubernetes manifest, a compose file): clean
# policies commit; a commit that changes only unrelated YAML passes; a TLS 1.1
# policy under gateway/ (not policies/) is refused by `git commit` itself, naming
# the rule and the file; one secret used by policies in both folders is found.
#
#   scripts/pre-commit-proof.sh
#
# The hook repo is a clone of this repo's HEAD (uncommitted changes don't
# matter). pre-commit's `language: rust` runs `cargo install --path .` of it
# once per rev; the venv and PRE_COMMIT_HOME live under ${GATECTL_CACHE:-.cache}
# so later runs at the same HEAD reuse both. The first run builds the crate in
# release mode (a few minutes on 2 cores); with CARGO_TARGET_DIR (default: this
# repo's target/) it reuses the dependencies a release build here already compiled.
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
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}

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

# 3. A project that uses the hook: policies in two folders, and YAML that is not a policy.
project=$tmp/project
mkdir -p "$project"
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
fixture=$repo/tests/fixtures/base-production.yaml
mkdir -p policies gateway/eu .github/workflows k8s
cp "$fixture" policies/prod.yaml
# The staging policy under gateway/: its own name and secrets (none shared across environments).
sed -e 's/^name: base-prod/name: eu-staging/' -e 's/^environment: production/environment: staging/' \
    -e 's#vault:secret/claude-code\#provider_key#env:EU_STAGING_PROVIDER_KEY#' \
    -e 's#env:TEAM_PLATFORM_GATEWAY_KEY#env:EU_STAGING_TEAM_KEY#' \
    -e 's#aws-sm:claude-code/ci-bot#env:EU_STAGING_CI_KEY#' \
    -e 's#file:/etc/gateway/tls/server.key#file:/etc/gateway/tls/eu-staging.key#' \
    "$fixture" > gateway/eu/staging.yaml
grep -q '^name: eu-staging' gateway/eu/staging.yaml
grep -q 'env:EU_STAGING_PROVIDER_KEY' gateway/eu/staging.yaml
cat > .github/workflows/ci.yml <<'EOF'
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    environment: production
    steps: [{run: make test}]
EOF
cat > k8s/deploy.yaml <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway}
spec:
  template:
    spec:
      containers:
        - name: gateway
          env: [{name: auth, value: upstream}]
EOF
cat > docker-compose.yml <<'EOF'
version: "3.9"
services:
  gateway:
    image: nginx
    environment:
      upstream: https://api.anthropic.com
EOF
"$pre_commit" install >/dev/null

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
show() { printf '%s\n' "$out" | sed 's/^/    | /'; }
# `git commit` with the hook installed: what a developer does.
commit() {
    git add --all
    if out=$(git commit --quiet -m "$1" 2>&1); then rc=0; else rc=$?; fi
    show
}
# pre-commit run, verbose so the hook's own report (the files it linted) shows.
run() {
    if out=$("$pre_commit" run --color never --verbose "$@" 2>&1); then rc=0; else rc=$?; fi
    show
}

# Case 1: clean policies in two folders, beside unrelated YAML, commit; both are linted.
commit "policies in two folders"
if [[ $rc -eq 0 && "$out" == *Passed* ]]; then
    pass "clean policies in policies/ and gateway/eu/ beside unrelated YAML: git commit succeeds"
else
    fail "clean policies: git commit exited $rc, expected 0"
fi
run --all-files
if [[ $rc -eq 0 && "$out" == *"0 errors, 0 warnings in 2 files"* && "$out" == *"skipped"* ]]; then
    pass "pre-commit run --all-files lints the 2 policies (both folders) and skips the other YAML"
else
    fail "pre-commit run --all-files exited $rc, expected 0 with 2 files linted"
fi

# Case 2: a commit that touches only unrelated YAML passes (no policy in it is no error).
echo "      - {run: make lint}" >> .github/workflows/ci.yml
sed -i 's/image: nginx/image: nginx:1.27/' docker-compose.yml
commit "unrelated YAML only"
# The hook ran on them ("Passed", not "no files to check") and found no policy, which is no error.
if [[ $rc -eq 0 && "$out" == *Passed* ]]; then
    pass "a commit of unrelated YAML only (workflow, compose file) runs the hook and passes"
else
    fail "unrelated YAML only: git commit exited $rc, expected 0"
fi

# Case 3: a TLS 1.1 policy outside policies/ is refused by the commit itself.
sed -i 's/min_version: "1.2"/min_version: "1.1"/' gateway/eu/staging.yaml
grep -q 'min_version: "1.1"' gateway/eu/staging.yaml
commit "legacy TLS"
if [[ $rc -ne 0 && "$out" == *"error[tls-min-version]"* && "$out" == *"gateway/eu/staging.yaml:14:18"* ]]; then
    pass "a TLS 1.1 policy under gateway/eu/: git commit refused ($rc), naming tls-min-version at gateway/eu/staging.yaml:14:18"
else
    fail "TLS 1.1 policy under gateway/: git commit exited $rc, expected non-zero naming tls-min-version"
fi
sed -i 's/min_version: "1.1"/min_version: "1.3"/' gateway/eu/staging.yaml
commit "TLS 1.3"
if [[ $rc -eq 0 && "$out" == *Passed* ]]; then
    pass "the fixed policy (TLS 1.3) commits, the hook having run"
else
    fail "the fixed policy: git commit exited $rc, expected 0"
fi

# Case 4: one secret in the policies of two environments, in two folders: found across files.
sed -i 's#env:EU_STAGING_PROVIDER_KEY#vault:secret/claude-code\#provider_key#' gateway/eu/staging.yaml
run --all-files
if [[ $rc -ne 0 && "$out" == *"environment-shared-secret"* ]]; then
    pass "one provider key in policies/prod.yaml and gateway/eu/staging.yaml: environment-shared-secret"
else
    fail "shared secret across folders: exited $rc, expected non-zero with environment-shared-secret"
fi

# Drop hook builds for other revs (each is a few hundred MB of target/); the
# one this config uses is kept.
"$pre_commit" gc >/dev/null 2>&1 || true

echo "pre-commit proof: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
