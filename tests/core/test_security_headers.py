"""Security headers on every page: a Content-Security-Policy without inline script or style (and no page that
needs them), no-store caching for signed-in pages and downloads, audit events for every read of a referral or
case and every download, and production's HSTS and secure cookies."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

from core.models import AuditEvent
from tests.accounts.test_url_walk import PATTERNS, TABLE, _url, world  # noqa: F401  (world is a fixture)
from tests.support.access import ALL_ROLES
from tests.support.production import production_env

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def test_the_content_security_policy_allows_no_inline_code_anywhere():
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name, sources in directives.items():
        for source in sources:
            assert "unsafe" not in str(source), f"{name} allows {source}"
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


# The pages that show one referral's or one case's content: each read is audited (PRODUCT.md).
CASE_CONTENT_PAGES = {"referrals:detail", "channel:case_detail", "channel:case_chronology"}


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_every_page_is_uncached_has_no_inline_code_and_audits_case_reads_and_downloads(world, client_for):  # noqa: F811
    """One walk of every URL pattern per role (the URL walk's table): every answer to a signed-in user carries
    Cache-Control no-store; no HTML page has inline script, inline style or event-handler attributes; every
    referral or case page and every download (Content-Disposition: attachment) writes an audit event by this
    user in the same request. One world for all roles: building it is the slow part."""
    problems: list[str] = []
    for role in sorted(ALL_ROLES):
        problems += _walk_checks(role, world, client_for)
    assert not problems, "\n".join(problems)


def _walk_checks(role: str, the_world: Any, client_for: Any) -> list[str]:
    user = the_world.users[role]
    client = client_for(user)
    problems = []
    for name in PATTERNS:
        row = TABLE.get(name)
        if row is None or row.skip_reason:
            continue  # a missing row is reported by the URL walk itself
        url = _url(name, row, the_world)
        last = _last_event_id()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{role} {name}: Cache-Control {response.get('Cache-Control')!r}")
        if response.status_code != 200:
            continue
        download = "attachment" in response.get("Content-Disposition", "")
        if (name in CASE_CONTENT_PAGES or download) and not AuditEvent.objects.filter(id__gt=last, actor=user).exists():
            problems.append(f"{role} {name} ({url}): read without an audit event")
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = body.decode()
        for label, pattern in (
            ("inline script", INLINE_SCRIPT),
            ("inline style", INLINE_STYLE),
            ("event handler", EVENT_HANDLER),
        ):
            found = pattern.search(html)
            if found:
                problems.append(f"{role} {name} ({url}): {label}: {html[found.start() : found.start() + 80]!r}")
    return problems


def test_production_passes_deploy_checks_and_sends_hsts_and_secure_cookies_only():
    """One process under production settings and CI's variables: `check --deploy` prints no warning, then the
    settings that matter are read back."""
    script = (
        "from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING'); "
        "from django.conf import settings as s; "
        "print('SETTINGS', s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, "
        "s.DEBUG, s.DEMO_DATA_ALLOWED)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS "))
    hsts, subdomains, session_secure, csrf_secure, httponly, samesite, redirect, debug, demo = line.split()[1:]
    assert int(hsts) >= 31536000 and subdomains == "True"
    assert session_secure == csrf_secure == httponly == redirect == "True"
    assert samesite == "Lax" and debug == "False" and demo == "False"
