"""A test identity provider on loopback: serves a JWKS and mints tokens for the OAuth2 tests.

    idp.py keygen DIR KID {RS256|ES256}     add a signing key (DIR/KID.RS256.pem, private, PEM)
    idp.py serve DIR PORT                   serve GET /jwks.json, /.well-known/openid-configuration, /stats
    idp.py mint DIR < specs.json            one token per line for a JSON list of specs

The JWKS is read from DIR on every request, so a key added with `keygen` while the server runs
is a rotation (a new `kid`) that needs no restart; `/stats` counts JWKS fetches, so a test can
prove a gateway caches the keys. A spec is {"kid": KID, "claims": {...}} plus, for the attacks a
gateway must refuse, "alg": "none" (unsigned) or "alg": "HS256-public" (HMAC keyed with the
public key's PEM: the RS256/HS256 confusion), or "tamper": true (a valid signature over other claims),
or "header_kid": KID2 (signed with KID's key, but naming KID2 in its header: a key the JWKS may not hold).
"""

import base64
import hashlib
import hmac
import http.server
import json
import pathlib
import sys
import threading

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys(directory: pathlib.Path):
    """(kid, alg, private key) for every key in DIR, sorted by kid."""
    found = []
    for path in sorted(directory.glob("*.pem")):
        kid, alg = path.name[: -len(".pem")].rsplit(".", 1)
        found.append((kid, alg, serialization.load_pem_private_key(path.read_bytes(), password=None)))
    return found


def keygen(directory: pathlib.Path, kid: str, alg: str) -> None:
    key = rsa.generate_private_key(65537, 2048) if alg == "RS256" else ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    directory.mkdir(parents=True, exist_ok=True)
    temp = directory / f".{kid}.tmp"
    temp.write_bytes(pem)
    temp.rename(directory / f"{kid}.{alg}.pem")  # atomic: the server never reads half a key


def jwks(directory: pathlib.Path) -> dict:
    out = []
    for kid, alg, key in keys(directory):
        algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
        jwk = json.loads(algorithm.to_jwk(key.public_key()))
        jwk.update({"kid": kid, "alg": alg, "use": "sig"})
        out.append(jwk)
    return {"keys": out}


def mint(directory: pathlib.Path, spec: dict) -> str:
    found = {kid: (alg, key) for kid, alg, key in keys(directory)}
    claims, kid = spec["claims"], spec.get("kid")
    mode = spec.get("alg")
    if mode == "none":
        header = {"alg": "none", "typ": "JWT", **({"kid": kid} if kid else {})}
        return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
    alg, key = found[kid]
    if mode == "HS256-public":
        public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': kid}).encode())}.{b64(json.dumps(claims).encode())}"
        return f"{signing_input}.{b64(hmac.new(public, signing_input.encode(), hashlib.sha256).digest())}"
    token = jwt.encode(claims, key, algorithm=alg, headers={"kid": spec.get("header_kid", kid)})
    if spec.get("tamper"):
        head, _, signature = token.split(".")
        token = f"{head}.{b64(json.dumps({**claims, 'sub': claims.get('sub', '') + '-x'}).encode())}.{signature}"
    return token


def serve(directory: pathlib.Path, port: int) -> None:
    fetches = {"jwks": 0}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            base = f"http://127.0.0.1:{port}"
            if self.path == "/jwks.json":
                with lock:
                    fetches["jwks"] += 1
                body = jwks(directory)
            elif self.path == "/.well-known/openid-configuration":
                body = {"issuer": base, "jwks_uri": f"{base}/jwks.json", "id_token_signing_alg_values_supported": ["RS256", "ES256"]}
            elif self.path == "/stats":
                body = dict(fetches)
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    command, directory = sys.argv[1], pathlib.Path(sys.argv[2])
    if command == "keygen":
        keygen(directory, sys.argv[3], sys.argv[4])
    elif command == "serve":
        serve(directory, int(sys.argv[3]))
    elif command == "mint":
        for spec in json.load(sys.stdin):
            print(mint(directory, spec))
    else:
        sys.exit(f"unknown command {command}")
