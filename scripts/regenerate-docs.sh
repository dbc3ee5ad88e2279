#!/usr/bin/env bash
# Regenerates every generated artefact from the code: schema/policy.schema.json, docs/policy.md
# (from the schema), docs/checklist.md (from the rules) and the README's rule list, capability
# matrix and verify check list. Run it after changing a policy type, a rule or the capability matrix, or after merging
# such a change; the tests that keep these in sync fail with this command when one is stale.
#
#   scripts/regenerate-docs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
gatectl=target/debug/gatectl

cargo build --quiet --locked
"$gatectl" schema > schema/policy.schema.json
# The binary embeds the checked-in schema it validates with: build again so it holds the new one.
cargo build --quiet --locked
"$gatectl" schema --format markdown > docs/policy.md
"$gatectl" rules --format markdown > docs/checklist.md

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gatectl" rules > "$tmp/rules"
"$gatectl" targets > "$tmp/targets"
"$gatectl" verify --list > "$tmp/verify"
python3 - "$tmp" <<'PY'
import pathlib, sys
tmp = pathlib.Path(sys.argv[1])
readme = pathlib.Path("README.md")
text = readme.read_text()
def between(text, start, end, body):
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return head + start + body + end + tail
text = between(text, "<!-- rules:start -->\n```\n", "```\n<!-- rules:end -->", (tmp / "rules").read_text())
text = between(text, "<!-- targets:start -->\n", "<!-- targets:end -->", (tmp / "targets").read_text())
text = between(text, "<!-- verify-checks:start -->\n", "<!-- verify-checks:end -->", (tmp / "verify").read_text())
readme.write_text(text)
PY
echo "regenerated schema/policy.schema.json, docs/policy.md, docs/checklist.md and the README's generated sections"
