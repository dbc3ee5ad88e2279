"""Calls a gateway with Anthropic's Python SDK, as a client would, and reports what the SDK made
of each answer: one JSON line per call.

    anthropic_client.py < request.json

request.json: {"base_url": URL, "auth_token": CREDENTIAL, "model": MODEL, "calls": N} (the
credential on stdin, never on a command line; the SDK sends it as `Authorization: Bearer`), and
"ca_file": PEM for an https gateway whose certificate that file vouches for. `max_retries` is 0, so a 429 is seen rather
than retried. A line is {"ok": true, "type", "request_id"} for a response, or for an error the SDK raised:
{"error": class name, "status", "api_message", "type", "request_id", "retry_after"}.
"""

import json
import sys

import anthropic

request = json.load(sys.stdin)
trust = {"http_client": anthropic.DefaultHttpxClient(verify=request["ca_file"])} if "ca_file" in request else {}
client = anthropic.Anthropic(
    base_url=request["base_url"], auth_token=request["auth_token"], max_retries=0, timeout=30, **trust
)
for _ in range(request.get("calls", 1)):
    try:
        message = client.messages.create(
            model=request["model"], max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
        print(json.dumps({"ok": True, "type": message.type, "request_id": message._request_id}), flush=True)
    except anthropic.APIStatusError as error:
        print(
            json.dumps(
                {
                    "error": type(error).__name__,
                    "status": error.status_code,
                    "api_message": error.api_message,
                    "type": error.type,
                    "request_id": error.request_id,
                    "retry_after": error.response.headers.get("retry-after"),
                }
            ),
            flush=True,
        )
