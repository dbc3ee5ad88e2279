#!/usr/bin/env bash
# The full test suite: what CI runs (.ci/run) and what a developer runs before pushing.
# Installs what the tests need: the Debian packages below; crossplane, LiteLLM, the truefoundry SDK,
# Anthropic's Python SDK and pre-commit from PyPI; the Zuplo CLI with Node 24 from npm (cached under .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."

# The real software the tests run, from Debian's packages (CI runs as root): nginx with its njs and
# Lua modules and the Lua Redis client; redis-server (cluster-wide limits); prometheus (promtool)
# and mtail (alert rules); npm, which fetches the Zuplo CLI and the Node 24 it runs on; LuaJIT and
# lua-cjson, which run the Lua gatectl renders for Kong (Kong's own runtime is LuaJIT). `luajit2` is
# OpenResty's LuaJIT (Kong's, and the library libnginx-mod-http-lua links): Debian's `luajit`
# conflicts with that library, so asking for both makes apt refuse the whole install. man-db, zsh
# and fish render the manual page and load the completion scripts.
packages=(nginx openssl redis-server prometheus mtail libnginx-mod-http-js libnginx-mod-http-lua
    lua-nginx-redis bash-completion man-db zsh fish libssl-dev pkg-config luajit2 lua-cjson)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm only when there is none: a machine whose Node.js comes from elsewhere (nodesource) has its
# own npm, and Debian's npm package conflicts with that nodejs.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    # Packaged services must not start on install: the tests start their own on loopback.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo_ tee /usr/sbin/policy-rc.d >/dev/null
        $sudo_ chmod +x /usr/sbin/policy-rc.d
    fi
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get -o DPkg::Lock::Timeout=900 install -y -qq "${missing[@]}" >/dev/null
fi

scripts/install-tools.sh

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
# The README's install line, as written (into a scratch root, not ~/.cargo/bin), and the binary it installs.
cargo install --locked --path . --root target/readme-install
target/readme-install/bin/gatectl lint policies/ --today 2026-11-23
scripts/pre-commit-proof.sh
# The fuzz targets keep building and running: a few seconds each on their corpora.
cargo fmt --all --manifest-path fuzz/Cargo.toml -- --check
scripts/fuzz.sh smoke
