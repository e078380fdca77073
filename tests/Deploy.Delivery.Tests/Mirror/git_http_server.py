#!/usr/bin/env python3
"""Test-only git smart-HTTP server on loopback, plus an independent CodeCommit git-password implementation.

Written with the standard library only (hmac, hashlib), independently of the C# code under test.

  sign  --url URL --region R [--ts yyyymmddTHHMMSS]
        Prints "username=...\npassword=..." for the credentials in AWS_ACCESS_KEY_ID,
        AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN.
  serve --root DIR [--auth sigv4|static|both|none] [--region R] [--log FILE]
        Serves the bare repositories under DIR through git-http-backend on 127.0.0.1 (a free port,
        printed as "listening <port>"). sigv4: Basic auth whose password must be the CodeCommit
        password for the repository path, signed with the AWS_* credentials above, at most 15 minutes
        old. static: Basic auth with EXPECTED_USERNAME / EXPECTED_PASSWORD. both: either. No credentials -> 401,
        wrong ones -> 403 (as CodeCommit). Every request is appended to --log as "METHOD PATH STATUS".
"""
import argparse
import base64
import datetime
import hashlib
import hmac
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

GIT_SUFFIX = re.compile(r"/(info/refs|git-upload-pack|git-receive-pack|HEAD|objects/.*)$")


def codecommit_password(secret_key, host, path, region, ts):
    """ts: yyyymmddTHHMMSS. Returns ts + 'Z' + hex signature, as the CodeCommit git endpoint expects."""
    canonical = "GIT\n{0}\n\nhost:{1}\n\nhost\n".format(path, host)
    scope = "{0}/{1}/codecommit/aws4_request".format(ts[:8], region)
    string_to_sign = "AWS4-HMAC-SHA256\n{0}\n{1}\n{2}".format(
        ts, scope, hashlib.sha256(canonical.encode("utf-8")).hexdigest())
    key = ("AWS4" + secret_key).encode("utf-8")
    for part in (ts[:8], region, "codecommit", "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return ts + "Z" + hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def expected_username():
    token = os.environ.get("AWS_SESSION_TOKEN")
    return os.environ["AWS_ACCESS_KEY_ID"] + ("%" + token if token else "")


def sign(args):
    parts = urlsplit(args.url)
    ts = args.ts or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S")
    password = codecommit_password(os.environ["AWS_SECRET_ACCESS_KEY"], parts.hostname, parts.path, args.region, ts)
    sys.stdout.write("username={0}\npassword={1}\n".format(expected_username(), password))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    settings = None
    log_lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - silence the default stderr access log
        pass

    def do_GET(self):
        self.handle_git()

    def do_POST(self):
        self.handle_git()

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def authorized(self, repo_path):
        """None when allowed, else the status to answer with."""
        settings = self.settings
        if settings.auth == "none":
            return None
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return 401
        try:
            username, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except ValueError:
            return 403
        if settings.auth in ("static", "both"):
            ok = hmac.compare_digest(username, os.environ["EXPECTED_USERNAME"]) and hmac.compare_digest(
                password, os.environ["EXPECTED_PASSWORD"])
            if ok or settings.auth == "static":
                return None if ok else 403
        match = re.fullmatch(r"(\d{8}T\d{6})Z[0-9a-f]{64}", password)
        if not match or not hmac.compare_digest(username, expected_username()):
            return 403
        ts = match.group(1)
        signed_at = datetime.datetime.strptime(ts, "%Y%m%dT%H%M%S").replace(tzinfo=datetime.timezone.utc)
        if abs((datetime.datetime.now(datetime.timezone.utc) - signed_at).total_seconds()) > 15 * 60:
            return 403
        host = (self.headers.get("Host") or "").split(":")[0]
        expected = codecommit_password(os.environ["AWS_SECRET_ACCESS_KEY"], host, repo_path, settings.region, ts)
        return None if hmac.compare_digest(password, expected) else 403

    def handle_git(self):
        path, _, query = self.path.partition("?")
        body = self.read_body() if self.command == "POST" else b""
        repo_path = GIT_SUFFIX.sub("", path)
        denied = self.authorized(repo_path)
        if denied is not None:
            self.finish_response(denied, {"WWW-Authenticate": 'Basic realm="git"'} if denied == 401 else {}, b"denied\n")
            return
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": self.settings.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "mirror",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": self.settings.root,
        }
        for header, variable in (("Content-Encoding", "HTTP_CONTENT_ENCODING"), ("Git-Protocol", "HTTP_GIT_PROTOCOL")):
            if self.headers.get(header):
                env[variable] = self.headers[header]
        result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        if not _:
            head, _, payload = result.stdout.partition(b"\n\n")
        status, headers = 200, {}
        for line in head.decode("latin-1").splitlines():
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers[name] = value.strip()
        if result.returncode != 0 and not result.stdout:
            status, payload = 500, result.stderr
        self.finish_response(status, headers, payload)

    def finish_response(self, status, headers, payload):
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in ("content-length", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        if self.settings.log:
            with self.log_lock, open(self.settings.log, "a", encoding="utf-8") as log:
                log.write("{0} {1} {2}\n".format(self.command, self.path, status))


def serve(args):
    Handler.settings = args
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    sys.stdout.write("listening {0}\n".format(server.server_address[1]))
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    sign_parser = commands.add_parser("sign")
    sign_parser.add_argument("--url", required=True)
    sign_parser.add_argument("--region", required=True)
    sign_parser.add_argument("--ts")
    serve_parser = commands.add_parser("serve")
    serve_parser.add_argument("--root", required=True)
    serve_parser.add_argument("--auth", choices=("sigv4", "static", "both", "none"), default="sigv4")
    serve_parser.add_argument("--region", default="us-east-1")
    serve_parser.add_argument("--port", type=int, default=0)
    serve_parser.add_argument("--log")
    args = parser.parse_args()
    sign(args) if args.command == "sign" else serve(args)


if __name__ == "__main__":
    main()
