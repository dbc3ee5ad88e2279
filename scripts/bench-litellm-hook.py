"""What the rendered LiteLLM hook adds to a request: validating an OAuth2 token (RS256, key cached)
and counting it in Redis (one MULTI/EXEC round trip), timed on the hook gatectl renders.

    .cache/venv-litellm/bin/python scripts/bench-litellm-hook.py target/release/gatectl

Renders an OAuth2 policy with shared_state for litellm, starts Debian's redis-server on a free
loopback port, imports the rendered gatectl_auth.py and times each step 5,000 times after 200
warm-up calls: the median and the 99th percentile, in microseconds.
"""

import asyncio
import importlib.util
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

RUNS, WARM_UP = 5000, 200
POLICY = """version: 1
name: bench
environment: development
upstream:
  url: http://127.0.0.1:9
  api_key: env:BENCH_PROVIDER_KEY
auth:
  method: oauth2
  oauth2:
    issuer: https://idp.example.com
    jwks_url: https://idp.example.com/jwks.json
    audience: api://bench
    required_scopes: [anthropic:read]
    max_token_lifetime_minutes: 60
    pkce: required
consumers:
  - name: eng
    subject: eng-client
rate_limits:
  requests_per_minute: 100000000
  shared_state: redis://127.0.0.1:{port}  # gatectl:ignore rate-limit-shared-state-tls -- loopback benchmark
  shared_state_password: env:BENCH_REDIS_PASSWORD
"""


async def timed(label, step):
    for _ in range(WARM_UP):
        await step()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await step()
        samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    print(f"{label}: median {statistics.median(samples):.0f} µs, p99 {samples[int(RUNS * 0.99)]:.0f} µs")


def main(gatectl):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        measure(gatectl, port, pathlib.Path(folder))


def measure(gatectl, port, work):
    (work / "policy.yaml").write_text(POLICY.format(port=port))
    subprocess.run([gatectl, "render", work / "policy.yaml", "-t", "litellm", "--out", work / "out"], check=True, capture_output=True)
    password = "bench-password"
    redis = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--requirepass", password],
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(0.5)
        os.environ.update(BENCH_PROVIDER_KEY="unused", BENCH_REDIS_PASSWORD=password)
        spec = importlib.util.spec_from_file_location("gatectl_auth", work / "out/litellm/gatectl_auth.py")
        hook = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hook)
        key = rsa.generate_private_key(65537, 2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update(kid="k1", alg="RS256")
        hook.JWKS.keys, hook.JWKS.fetched = {"k1": jwk}, time.monotonic()
        now = int(time.time())
        claims = {"iss": "https://idp.example.com", "aud": "api://bench", "sub": "eng-client", "scope": "anthropic:read"}
        token = jwt.encode({**claims, "iat": now, "exp": now + 3000}, key, algorithm="RS256", headers={"kid": "k1"})
        window = lambda: int(time.time() // hook.WINDOW_SECONDS)  # noqa: E731

        async def run():
            await timed("token validation (RS256, key cached)", lambda: hook._token_claims(token))
            await timed("request counted in Redis (MULTI/EXEC, loopback)", lambda: hook.COUNTERS.admit("consumer:eng", window()))

        asyncio.run(run())
    finally:
        redis.kill()
        redis.wait()


if __name__ == "__main__":
    main(sys.argv[1])
