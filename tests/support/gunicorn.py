"""The portal run as in production: gunicorn under production settings, pointed at the test database, and a
small HTTP client that carries a signed-in user's session cookie."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.support.production import production_env
from tests.support.tcp_proxy import free_port

HOST = "prevent.northbrook.example"


class Portal:
    """gunicorn serving the portal under production settings, and the session cookie of a signed-in user."""

    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.session_key = session_key

    def fetch(self, path: str, *, signed_in: bool = True) -> tuple[int, dict[str, str], bytes]:
        """GET as the signed-in user, or as a monitor with no cookie (signed_in=False)."""
        # X-Forwarded-Proto as the TLS-terminating proxy in front of gunicorn sets it.
        headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
        if signed_in:
            headers["Cookie"] = f"__Host-sessionid={self.session_key}"
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            client.close()

    def get(self, path: str, *, signed_in: bool = True) -> tuple[int, dict[str, str], str]:
        status, headers, body = self.fetch(path, signed_in=signed_in)
        return status, headers, body.decode(errors="replace")


def collect_static(root: Path) -> Path:
    """The pages name their stylesheets through the static files manifest, as in the Docker image."""
    subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin", "-i", "*otp*"],
        cwd=settings.BASE_DIR,
        env=production_env(STATIC_ROOT=str(root)),
        check=True,
        timeout=120,
    )
    return root


@contextmanager
def gunicorn_portal(*, session_key: str, log_path: Path, **env: str) -> Iterator[Portal]:
    """One gunicorn (one worker) with production settings and `env`, until the block ends."""
    port = free_port()
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "gunicorn", "prevent_portal.wsgi", "--config", "gunicorn.conf.py"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=settings.BASE_DIR,
            env=production_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = Portal(port, session_key)
    try:
        _wait_until_serving(running, server, log_path)
        yield running
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_until_serving(portal: Portal, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if portal.get("/healthz", signed_in=False)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not start:\n{log_path.read_text(errors='replace')[-4000:]}")
