"""Whether real Redis and Chromium are here. Without them the tests that need them are skipped with a reason,
except under CI=true, where a missing service fails the run instead."""

from __future__ import annotations

import os
import shutil
from functools import cache

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, reason: str) -> None:
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}: a missing service is a failure in CI, never a skip.", pytrace=False)
    pytest.skip(reason)


def test_redis_url() -> str:
    """Redis for tests that need a real broker: REDIS_URL, or TEST_REDIS_URL when the app itself runs on the
    embedded default (CI's SQLite pass sets it so the worker tests run there too)."""
    return os.environ.get("REDIS_URL") or os.environ.get("TEST_REDIS_URL", "")


@cache
def redis_available() -> bool:
    url = test_redis_url()
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001
        return False


def chromium_available() -> bool:
    # Executable, not merely present: a file that cannot be run is no browser.
    return os.access(CHROMIUM, os.X_OK) or shutil.which("chromium") is not None
