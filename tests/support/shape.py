"""Prints the shape of each rendered file as the target's own parser reads it: the structure
with every string replaced by a placeholder, so two renders that differ only in string values
have equal shapes. Used by tests/injection.rs."""
import ast
import json
import sys


def blank(value):
    if isinstance(value, dict):
        return {k: blank(v) for k, v in value.items()}
    if isinstance(value, list):
        return [blank(v) for v in value]
    return "<str>" if isinstance(value, str) else value


def nginx(path):
    import crossplane  # nginx's config parser, as a Python library

    parsed = crossplane.parse(path, single=True, strict=False, check_ctx=False, check_args=False, comments=False)
    if parsed["errors"]:
        raise SystemExit(f"{path}: {parsed['errors']}")

    def walk(block):
        return [[d["directive"], len(d["args"]), walk(d["block"]) if "block" in d else None] for d in block]

    return walk(parsed["config"][0]["parsed"])


def shape(path):
    if path.endswith(".conf") and not path.endswith("kong.conf"):
        return nginx(path)
    text = open(path, encoding="utf-8").read()
    if path.endswith((".yaml", ".yml")):
        import yaml  # PyYAML: what LiteLLM and the TrueFoundry CLI load YAML with

        return blank(list(yaml.safe_load_all(text)))
    if path.endswith(".json"):
        return blank(json.loads(text))
    if path.endswith(".py"):
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                node.value = "<str>"
        return ast.dump(tree)
    # Anything else (kong.conf, zuplo.jsonc, …) holds no policy string: compared as text
    # without the provenance line, whose digest differs between any two policies.
    return [line for line in text.splitlines() if "sha256" not in line]


print(json.dumps({path: shape(path) for path in sys.argv[1:]}))
