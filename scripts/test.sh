#!/usr/bin/env bash
# The full test suite: what CI runs (.ci/run) and what a developer runs before pushing.
# Installs what the tests need: OpenSSL's headers and pkg-config (the build links Debian's libssl,
# for verify's TLS probes), nginx (and npm, if missing) from Debian; crossplane, LiteLLM, the
# truefoundry SDK and pre-commit from PyPI; the Zuplo CLI with Node 24 from npm (cached under .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."

# gatectl links the system OpenSSL (the `openssl` crate): its headers and pkg-config to build.
if ! pkg-config --exists openssl 2>/dev/null; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get -o DPkg::Lock::Timeout=900 install -y -qq libssl-dev pkg-config >/dev/null
fi
# The real gateways the tests run, from Debian's packages (CI runs as root).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq nginx openssl >/dev/null
fi
# npm fetches the Zuplo CLI and the Node 24 it runs on (Debian's own Node is older).
if ! command -v npm >/dev/null 2>&1; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq npm >/dev/null
fi

scripts/install-tools.sh

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
scripts/pre-commit-proof.sh
