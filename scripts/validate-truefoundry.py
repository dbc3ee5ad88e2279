#!/usr/bin/env python3
"""Validates a gatectl TrueFoundry gateway.yaml against the truefoundry_sdk pydantic models.

    validate-truefoundry.py FILE...

Every YAML document is checked against the model for its `type`, strictly: the models accept
unknown keys silently (extra="allow") and turn an unknown enum value into an `_UNKNOWN` member,
and pydantic coerces types (the string "200" becomes 200), so this script also rejects a key
at any depth that no model field declares, any `_UNKNOWN` enum member, and any value that does
not survive validation unchanged. Exit 0 when every document is valid, 1 otherwise (each problem
on stderr), 2 for a usage error. Runs offline; install with scripts/install-tools.sh.
"""

import enum
import sys

import pydantic
import yaml
from truefoundry_sdk import (
    AnthropicProviderAccount,
    GatewayLoggingConfig,
    RateLimitConfig,
    VirtualAccountManifest,
)

# The manifest types gatectl renders, each with its model.
MODELS = {
    "provider-account/anthropic": AnthropicProviderAccount,
    "virtual-account": VirtualAccountManifest,
    "gateway-rate-limiting-config": RateLimitConfig,
    "gateway-logging-config": GatewayLoggingConfig,
}


def where(path):
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def strict_problems(value, path):
    """Unknown keys and unknown enum members anywhere under a validated value."""
    if isinstance(value, pydantic.BaseModel):
        for key in sorted(value.model_extra or {}):
            yield f"{where(path + [key])}: unknown key (not a field of {type(value).__name__})"
        for name, field in type(value).model_fields.items():
            yield from strict_problems(getattr(value, name), path + [field.alias or name])
    elif isinstance(value, enum.Enum):
        if value.name == "_UNKNOWN" or str(value.value).endswith("_UNKNOWN__"):
            allowed = ", ".join(m.value for m in type(value) if m.name != "_UNKNOWN")
            yield f"{where(path)}: unknown {type(value).__name__} value {value.value!r} (one of: {allowed})"
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from strict_problems(item, path + [i])
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strict_problems(item, path + [key])


def coerced(given, dumped, path):
    """Where validation changed a value (a type coercion the YAML author did not write)."""
    if isinstance(given, dict) and isinstance(dumped, dict):
        for key, item in given.items():
            if key in dumped:
                yield from coerced(item, dumped[key], path + [key])
    elif isinstance(given, list) and isinstance(dumped, list) and len(given) == len(dumped):
        for i, (a, b) in enumerate(zip(given, dumped)):
            yield from coerced(a, b, path + [i])
    elif type(given) is not type(dumped) or given != dumped:
        yield f"{where(path)}: {given!r} is not of the declared type (pydantic coerced it to {dumped!r})"


def document_problems(document):
    if not isinstance(document, dict):
        return [f"not a mapping but {type(document).__name__}"]
    model = MODELS.get(document.get("type"))
    if model is None:
        return [f"type: unknown manifest type {document.get('type')!r} (one of: {', '.join(MODELS)})"]
    try:
        parsed = model.model_validate(document)
    except pydantic.ValidationError as error:
        return [f"{where(list(e['loc']))}: {e['msg']}" for e in error.errors()]
    dumped = parsed.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return list(strict_problems(parsed, [])) + list(coerced(document, dumped, []))


def main(paths):
    if not paths:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                documents = list(yaml.safe_load_all(handle))
        except (OSError, yaml.YAMLError) as error:
            print(f"{path}: cannot read: {error}", file=sys.stderr)
            failed = True
            continue
        if not documents:
            print(f"{path}: no YAML documents", file=sys.stderr)
            failed = True
        for index, document in enumerate(documents):
            kind = document.get("type") if isinstance(document, dict) else None
            for problem in document_problems(document):
                print(f"{path}: document {index + 1} ({kind}): {problem}", file=sys.stderr)
                failed = True
    if not failed:
        print(f"valid: {', '.join(paths)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
