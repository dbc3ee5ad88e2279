#!/usr/bin/env bash
# The full test suite: what CI runs (.ci/run) and what a developer runs before pushing.
# Installs what the tests need: nginx, man-db, zsh and fish (and npm, if missing) from Debian; crossplane, LiteLLM, the
# truefoundry SDK and pre-commit from PyPI; the Zuplo CLI with Node 24 from npm (cached under .cache/).
set -euo pipefail
cd "$(dirname "$0")/.."

# The real gateways the tests run, from Debian's packages (CI runs as root).
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq nginx openssl >/dev/null
fi
# man (for the manual page), zsh and fish (for the completion scripts), as the shell tests run them.
if ! command -v man >/dev/null 2>&1 || ! command -v zsh >/dev/null 2>&1 || ! command -v fish >/dev/null 2>&1; then
    sudo_=""; [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get -o DPkg::Lock::Timeout=900 install -y -qq man-db zsh fish >/dev/null
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
# The README's install line, as written (into a scratch root, not ~/.cargo/bin), and the binary it installs.
cargo install --locked --path . --root target/readme-install
target/readme-install/bin/gatectl lint policies/ --today 2026-11-23
scripts/pre-commit-proof.sh
