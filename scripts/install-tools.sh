#!/usr/bin/env bash
# Installs the third-party software the tests run from PyPI, each pinned, into cached
# venvs under ${GATECTL_CACHE:-<repo>/.cache}: crossplane (nginx's config parser, for
# the injection test) and the LiteLLM proxy (for its live test). Idempotent: a venv
# that already holds the pinned versions is reused.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${GATECTL_CACHE:-$repo/.cache}

# venv NAME PACKAGE==VERSION...: creates or refreshes $cache/venv-NAME with exactly those pins.
venv() {
    local dir=$cache/venv-$1
    shift
    local pin missing=0
    for pin in "$@"; do
        local package=${pin%%[*}; package=${package%%==*}
        [[ "$("$dir/bin/python" -m pip show "$package" 2>/dev/null | sed -n 's/^Version: //p')" == "${pin##*==}" ]] || missing=1
    done
    if [[ $missing == 1 ]]; then
        echo "installing $* into $dir"
        python3 -m venv "$dir"
        "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    fi
}

venv crossplane "crossplane==0.5.8"
# certifi is pinned with LiteLLM: the newest certifi does not install here.
venv litellm "litellm[proxy]==1.106.2" "certifi==2026.10.18" "prometheus-client==0.26.0"
LITELLM_LOCAL_MODEL_COST_MAP=True "$cache/venv-litellm/bin/litellm" --version >/dev/null

# Real clients and a test identity provider: Anthropic's Python SDK (the errors it raises for a
# gateway's refusals), PyJWT with cryptography (tests/support/idp.py mints tokens and serves a JWKS).
venv clients "anthropic==2.15.0" "PyJWT==2.15.1" "cryptography==50.0.2"
"$cache/venv-clients/bin/python" -c "import anthropic, jwt, cryptography" >/dev/null

# TrueFoundry: the `truefoundry` CLI's pydantic models (truefoundry_sdk), which
# scripts/validate-truefoundry.py checks rendered gateway.yaml files against, offline.
# The SDK, pydantic and PyYAML are pinned too: the SDK's models are what the validator reads.
venv truefoundry "truefoundry==0.17.5" "truefoundry-sdk==0.6.0" "pydantic==2.14.3" "PyYAML==6.0.3" "certifi==2026.10.18"
"$cache/venv-truefoundry/bin/python" -c "import truefoundry_sdk, yaml" >/dev/null

# Zuplo: the CLI (`zuplo lint`, `zuplo dev`) and the Node >= 24 it needs, both from npm, as
# locked in scripts/zuplo-tools/. `npm install` rather than `npm ci`: npm leaves other platforms'
# optional binaries out of the lock and `npm ci` then refuses it. Reinstalled when the lock changes.
zuplo=$cache/zuplo
if ! cmp -s "$repo/scripts/zuplo-tools/package-lock.json" "$zuplo/installed.lock" || [[ ! -x "$zuplo/node_modules/.bin/zuplo" ]]; then
    echo "installing the Zuplo CLI into $zuplo"
    rm -rf "$zuplo"
    mkdir -p "$zuplo"
    cp "$repo/scripts/zuplo-tools/package.json" "$repo/scripts/zuplo-tools/package-lock.json" "$zuplo/"
    (cd "$zuplo" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$repo/scripts/zuplo-tools/package-lock.json" "$zuplo/installed.lock"
fi
[[ "$(PATH="$zuplo/node_modules/.bin:$PATH" ZUPLO_DISABLE_UPDATE_CHECK=1 ZUPLO_DO_NOT_TRACK=1 "$zuplo/node_modules/.bin/zuplo" --version)" == "7.4.5" ]]
# `zuplo dev` runs esbuild and workerd: their install scripts fetched the platform binaries.
PATH="$zuplo/node_modules/.bin:$PATH" "$zuplo/node_modules/.bin/workerd" --version >/dev/null
PATH="$zuplo/node_modules/.bin:$PATH" "$zuplo/node_modules/.bin/esbuild" --version >/dev/null
