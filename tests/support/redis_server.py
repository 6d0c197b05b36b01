"""A Redis server of the test's own, on a free port, that the test may stop and start again (the shared Redis is
never touched)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis


def redis_server_available() -> bool:
    return shutil.which("redis-server") is not None


@contextmanager
def own_redis_server(port: int) -> Iterator[str]:
    """Runs `redis-server` on `port`, without saving anything, until the block ends; yields its URL."""
    # The server runs on the real clock: libfaketime (CI's pass with the clock moved ahead) clashes with Redis's
    # allocator and stops it starting, and a broker's clock is not what those tests are about.
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
    proc = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],  # noqa: S607
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis.Redis.from_url(url, socket_connect_timeout=0.5).ping():
                    break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
