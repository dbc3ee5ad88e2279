"""Calls a gateway with Anthropic's Python SDK, as a client would, and prints what the SDK made of
each answer: one JSON line per call, `{"ok": true}` or the exception it raised with the gateway's
error body and retry-after header.

    anthropic_sdk.py BASE_URL CA_FILE CALLS     the gateway credential in $GATECTL_SDK_TOKEN

The credential goes out as `Authorization: Bearer` (the SDK's `auth_token`). The SDK's own retries
are off, so every refusal is seen as it came.
"""

import json
import os
import sys

import anthropic


def main() -> None:
    base_url, ca_file, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    client = anthropic.Anthropic(
        base_url=base_url,
        api_key=None,
        auth_token=os.environ["GATECTL_SDK_TOKEN"],
        max_retries=0,
        http_client=anthropic.DefaultHttpxClient(verify=ca_file),
    )
    for _ in range(calls):
        try:
            client.messages.create(model="claude-haiku-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}])
            print(json.dumps({"ok": True}), flush=True)
        except anthropic.APIStatusError as error:
            print(
                json.dumps(
                    {
                        "exception": type(error).__name__,
                        "status": error.status_code,
                        "body": error.body,
                        "message": str(error),
                        "retry_after": error.response.headers.get("retry-after"),
                        "content_type": error.response.headers.get("content-type"),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
