"""An OIDC issuer and JWT checker written outside the project's code, as an oracle for its tests.

Only the standard library and `cryptography` (RSA, PKCS#1 v1.5, SHA-256): the JWTs are assembled and checked by hand
here, independently of Microsoft.IdentityModel, which the local cloud uses.

  serve  <dir>                      key pair in <dir>/key.pem (made once); serves on 127.0.0.1:<free port>
                                    /.well-known/openid-configuration and /keys (JWKS), issuer http://127.0.0.1:<port>;
                                    prints the port, then serves until standard input closes
  sign   <dir> <claims json> [--stranger]
                                    prints an RS256 JWT of the claims with kid "oracle-1"; --stranger signs with another
                                    key under the same kid (a forged token)
  verify <jwks url> <token>         checks the token's RS256 signature with the key of its kid from the JWKS at the URL;
                                    prints the header and payload as JSON, exit 1 when it does not verify
"""
import base64
import http.server
import json
import os
import sys
import threading
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

KID = "oracle-1"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def uint(n: int) -> str:
    return b64url(n.to_bytes((n.bit_length() + 7) // 8, "big"))


def key_in(directory: str) -> rsa.RSAPrivateKey:
    path = os.path.join(directory, "key.pem")
    if not os.path.exists(path):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with open(path, "wb") as f:
            f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def serve(directory: str) -> None:
    numbers = key_in(directory).public_key().public_numbers()
    jwks = {"keys": [{"kty": "RSA", "kid": KID, "use": "sig", "alg": "RS256", "n": uint(numbers.n), "e": uint(numbers.e)}]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
            documents = {
                "/.well-known/openid-configuration": {"issuer": issuer, "jwks_uri": issuer + "/keys",
                                                      "response_types_supported": ["id_token"], "subject_types_supported": ["public"],
                                                      "id_token_signing_alg_values_supported": ["RS256"]},
                "/keys": jwks,
            }
            document = documents.get(self.path)
            body = json.dumps(document or {"error": "not found"}).encode()
            self.send_response(200 if document else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes standard input (or dies): stop
    server.shutdown()


def sign(directory: str, claims: str, stranger: bool) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if stranger else key_in(directory)
    header = {"alg": "RS256", "typ": "JWT", "kid": KID}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(json.loads(claims)).encode())
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    print(signing_input + "." + b64url(signature))


def verify(jwks_url: str, token: str) -> None:
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(unb64url(header_part))
    jwks = json.loads(urllib.request.urlopen(jwks_url, timeout=10).read())
    jwk = next((k for k in jwks["keys"] if k.get("kid") == header.get("kid")), None)
    if header.get("alg") != "RS256" or jwk is None or jwk.get("kty") != "RSA":
        print(f"no RS256 key for kid {header.get('kid')}", file=sys.stderr)
        sys.exit(1)
    public = rsa.RSAPublicNumbers(int.from_bytes(unb64url(jwk["e"]), "big"), int.from_bytes(unb64url(jwk["n"]), "big")).public_key()
    try:
        public.verify(unb64url(signature_part), f"{header_part}.{payload_part}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        print("signature does not verify", file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"header": header, "payload": json.loads(unb64url(payload_part))}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "serve":
        serve(sys.argv[2])
    elif command == "sign":
        sign(sys.argv[2], sys.argv[3], "--stranger" in sys.argv[4:])
    elif command == "verify":
        verify(sys.argv[2], sys.argv[3])
    else:
        sys.exit(f"unknown command {command}")
