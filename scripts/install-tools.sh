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
venv litellm "litellm[proxy]==1.106.2" "certifi==2026.10.18"
LITELLM_LOCAL_MODEL_COST_MAP=True "$cache/venv-litellm/bin/litellm" --version >/dev/null
