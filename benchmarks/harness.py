"""The measurements behind `python -m benchmarks.national`, as functions over an already set-up Django, so that
tests/benchmarks/ can run every code path on a small database (without timing assertions).

Pages and lists are requested in process through Django's test Client (the whole middleware stack, sessions,
two factors and templates; no network or WSGI server), timed with perf_counter and counted with
a query counter (connection.execute_wrapper). Throughput uses a real gunicorn and a real session cookie over HTTP.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

ROOT = Path(__file__).resolve().parent.parent
DEMO_DOMAIN = "@northbrook.example"
ROLES = ["coordinator", "adviser", "dsl", "practitioner", "chair", "member"]
# Not pages to time: sign-out, the sign-in steps and the health check (timed under load instead). The CSV exports
# are timed as a person asks for them: a long list's request queues its download (measure_downloads times that).
SKIP = {"accounts:logout", "accounts:two_factor", "accounts:enrol", "accounts:backup_codes_shown", "healthz"}
SKIP_SUFFIXES: tuple[str, ...] = ()
SKIP_PREFIXES = ("admin:",)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


# ---- the database -------------------------------------------------------------------------------------------


def demo_loaded() -> bool:
    from accounts.models import User

    return User.objects.filter(email=f"coordinator{DEMO_DOMAIN}").exists()


def analyze() -> float:
    """VACUUM ANALYZE, as autovacuum leaves a real database (since PostgreSQL 13 it vacuums tables after inserts
    too, which sets the visibility map that index-only scans rely on) with fresh planner statistics; the seconds
    it took."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def audit_events_top_up(target: int) -> tuple[int, int]:
    """Adds invented read events until the audit table holds `target` rows, in one INSERT ... SELECT over a
    generated series (the table's trigger refuses UPDATE and DELETE, not INSERT). Returns (before, after)."""
    from core.models import AuditEvent

    table = AuditEvent._meta.db_table
    before = AuditEvent.objects.count()
    missing = target - before
    if missing <= 0:
        return before, before
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE is_active ORDER BY id")
        actors = [row[0] for row in cursor.fetchall()]
        columns = "occurred_at, actor_id, actor_email, ip_address, action, object_type, object_id, changes, detail"
        actor_list = ",".join(str(a) for a in actors)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"""INSERT INTO {table} ({columns})
                SELECT now() - g * interval '31 seconds', (ARRAY[{actor_list}])[1 + g %% {len(actors)}], '',
                       ('10.0.' || (g %% 250) || '.' || (g %% 200))::inet, (ARRAY['referrals.viewed', 'channel.case_viewed',
                       'schools.viewed', 'auth.signed_in'])[1 + g %% 4], 'referrals.referral', (g %% 60000)::text,
                       '{{}}'::jsonb, ''
                FROM generate_series(1, %s) AS g""",
                [missing],
            )
        else:  # SQLite (the harness's own test): one actor, from a recursive series
            cursor.execute(
                f"""WITH RECURSIVE series(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM series WHERE g < %s)
                INSERT INTO {table} ({columns})
                SELECT datetime('now', '-' || (g * 31) || ' seconds'), {actors[0]}, '', NULL,
                       'referrals.viewed', 'referrals.referral', CAST(g %% 60000 AS TEXT), '{{}}', ''
                FROM series""",
                [missing],
            )
    return before, AuditEvent.objects.count()


@contextmanager
def statement_timeout(seconds: int) -> Iterator[None]:
    """A page whose plan never finishes is reported as an error after `seconds` instead of blocking the run."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{int(seconds)}s'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")


# ---- signing in ---------------------------------------------------------------------------------------------


def demo_user(role: str) -> Any:
    from accounts.models import User

    return User.objects.get(email=f"{role}{DEMO_DOMAIN}")


def signed_in_client(user: Any) -> Client:
    """A client with a session that passed both factors, as after a real sign-in (the session is stored in the
    database, so its cookie also works against a separate gunicorn)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user, confirmed=True).persistent_id
    session.save()
    return client


# ---- timing requests ----------------------------------------------------------------------------------------


@dataclass
class Timing:
    url: str
    status: int
    median_ms: float
    p95_ms: float
    queries: int
    error: str = ""

    def row(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "status": self.status,
            "median_ms": self.median_ms,
            "p95_ms": self.p95_ms,
            "queries": self.queries,
            **({"error": self.error} if self.error else {}),
        }


class QueryCounter:
    """Counts the SQL statements run on the default connection while open (not BEGIN and COMMIT, which
    CaptureQueriesContext lists under DEBUG). CaptureQueriesContext is not used: it reads
    `connection.queries_log`, a deque of at most 9,000 entries that nothing clears between requests here: once
    full, every later page would count 0."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> QueryCounter:
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._wrapper.__exit__(*exc)


def is_export(url: str) -> bool:
    """A list's CSV download: the URL names of every export end in "export"."""
    return (resolve(url.split("?")[0]).url_name or "").endswith("export")


@contextmanager
def tasks_left_queued() -> Iterator[None]:
    """As in production, where a worker makes what a request queues: a task is published (to the in-process
    broker when there is no Redis) rather than run inside the request, as the embedded default runs it."""
    from prevent_portal.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def forget_downloads() -> None:
    """Deletes the downloads (and their outbox messages) a timed request asked for, so that each request of an
    export asks afresh rather than finding the one before still being made."""
    from django.core.files.storage import default_storage

    from core.models import ListDownload, OutboxMessage

    for stored in ListDownload.objects.exclude(stored_name="").values_list("stored_name", flat=True):
        default_storage.delete(stored)
    ListDownload.objects.all().delete()
    OutboxMessage.objects.filter(task="core.tasks.download_prepare_task").delete()


def time_get(client: Client, url: str, *, repeat: int, warm: int = 1) -> Timing:
    """GETs `url` `warm` times untimed (template and connection warm-up), then `repeat` times timed. An export
    that answers with its download's page (a redirect: the list is made in the background) is timed as asked
    for, each time afresh."""
    from django.db import OperationalError

    export = is_export(url)

    timings: list[float] = []
    queries = status = 0
    try:
        for i in range(warm + repeat):
            with QueryCounter() as ctx:
                started = time.perf_counter()
                response = client.get(url)
                if response.streaming:  # an export: the rows are made while the body is read
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                elapsed = (time.perf_counter() - started) * 1000
            status = response.status_code
            queries = ctx.count
            if i >= warm:
                timings.append(elapsed)
            if export:
                forget_downloads()
            if status != 200 and not (export and status == 302):
                break
    except OperationalError as error:  # a statement timeout: reported, the run goes on
        connection.close()
        return Timing(url, 0, 0.0, 0.0, 0, error=str(error).splitlines()[0])
    if not timings:
        return Timing(url, status, 0.0, 0.0, queries)
    return Timing(url, status, round(statistics.median(timings), 1), round(p95(timings), 1), queries)


# ---- every page, for every role ------------------------------------------------------------------------------


def _url_names(resolver: URLResolver, ns: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += _url_names(entry, f"{ns}{entry.namespace}:" if entry.namespace else ns)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append(f"{ns}{entry.name}")
    return found


def _first(queryset: Any, field_name: str = "pk") -> Any:
    return queryset.order_by("pk").values_list(field_name, flat=True).first()


def detail_objects(user: Any) -> dict[str, dict[str, Any]]:
    """For each detail page, the URL kwargs of one record this user may open (the first in scope by primary key),
    found through the app's own scoping selector; pages with nothing in scope are left out."""
    from accounts.selectors import user_list_visible_to
    from channel import selectors as channel_selectors
    from referrals.selectors import referral_list_visible_to
    from reports.selectors import report_list_visible_to
    from schools import selectors as school_selectors
    from training.selectors import session_list_visible_to

    finders: dict[str, tuple[str, Callable[[], Any]]] = {
        "accounts:user_detail": ("pk", lambda: _first(user_list_visible_to(user=user))),
        "schools:detail": ("urn", lambda: _first(school_selectors.school_list_visible_to(user=user), "urn")),
        "schools:visit_detail": ("pk", lambda: _first(school_selectors.visit_list_visible_to(user=user))),
        "schools:meeting_detail": ("pk", lambda: _first(school_selectors.meeting_list_visible_to(user=user))),
        "training:session_detail": ("pk", lambda: _first(session_list_visible_to(user=user))),
        "referrals:detail": ("pk", lambda: _first(referral_list_visible_to(user=user).exclude(status="draft"))),
        "channel:panel_detail": ("pk", lambda: _first(channel_selectors.panel_list_visible_to(user=user))),
        "channel:meeting_detail": ("pk", lambda: _first(channel_selectors.meeting_list_visible_to(user=user))),
        "channel:case_detail": ("pk", lambda: _first(channel_selectors.case_list_visible_to(user=user))),
        "reports:detail": ("pk", lambda: _first(report_list_visible_to(user=user))),
    }
    found: dict[str, dict[str, Any]] = {}
    for name, (kwarg, finder) in finders.items():
        try:
            value = finder()
        except Http404:  # the role has no such list at all
            continue
        if value is not None:
            found[name] = {kwarg: value}
    return found


def page_urls(user: Any) -> list[str]:
    """Every GET page the URLconf names that reverses without arguments, plus one record's detail page each."""
    details = detail_objects(user)
    urls: list[str] = []
    for name in sorted(set(_url_names(get_resolver()))):
        if name in SKIP or name.startswith(SKIP_PREFIXES) or name.endswith(SKIP_SUFFIXES):
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            if name in details:
                urls.append(reverse(name, kwargs=details[name]))
    return urls


def measure_pages(
    *, roles: list[str], repeat: int, timeout: int = 30, on_row: Callable[[dict[str, Any]], None] | None = None
) -> list[dict[str, Any]]:
    """Median and p95 server time and query count of every page each role may open (200s only; a page that
    times out is listed with its error). `on_row` is told each row as it is measured."""
    rows: list[dict[str, Any]] = []
    for role in roles:
        user = demo_user(role)
        client = signed_in_client(user)
        for url in page_urls(user):
            with statement_timeout(timeout), tasks_left_queued():  # a timed-out page's connection is replaced
                timing = time_get(client, url, repeat=repeat)
                if timing.status == 200 or timing.error or (timing.status == 302 and is_export(url)):
                    rows.append({"role": role, **timing.row()})
                    if on_row is not None:
                        on_row(rows[-1])
    return rows


def measure_downloads(*, roles: list[str], repeat: int = 3) -> list[dict[str, Any]]:
    """Each export a role may ask for that is made in the background (core.downloads): the rows and the seconds
    the worker's task takes to make the file (median of `repeat`), as `download_prepare` runs in the worker."""
    from core.downloads import download_prepare
    from core.models import ListDownload

    rows: list[dict[str, Any]] = []
    for role in roles:
        user = demo_user(role)
        client = signed_in_client(user)
        for url in [u for u in page_urls(user) if is_export(u)]:
            seconds: list[float] = []
            made: ListDownload | None = None
            with tasks_left_queued():
                for _ in range(repeat):
                    if client.get(url).status_code != 302:
                        break  # made in the request: timed with the pages
                    download = ListDownload.objects.get(state=ListDownload.State.QUEUED)
                    started = time.perf_counter()
                    made = download_prepare(download_id=download.pk)
                    seconds.append(time.perf_counter() - started)
                    forget_downloads()
            if seconds and made is not None:
                rows.append(
                    {
                        "role": role,
                        "url": url,
                        "rows": made.rows,
                        "size_mb": round((made.size or 0) / 1e6, 1),
                        "median_s": round(statistics.median(seconds), 3),
                        "max_s": round(max(seconds), 3),
                    }
                )
                print(
                    f"{role:<13} {url:<52} {made.rows:>9} {rows[-1]['median_s']:>8} {rows[-1]['max_s']:>8}", flush=True
                )
    return rows


# ---- lists beside Django's admin ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ListSpec:
    """A portal list and its stock-admin equivalent over the same rows. `portal_search` / `admin_search` are
    the query strings of one search or filter, the same on both sides."""

    name: str
    url_name: str
    admin_model: str  # app_label.model_name in benchmarks.scratch_admin
    portal_query: dict[str, str] = field(default_factory=dict)  # what page 1 is (for example the queue's tab)
    portal_search: dict[str, str] = field(default_factory=dict)
    admin_query: dict[str, str] = field(default_factory=dict)
    admin_search: dict[str, str] = field(default_factory=dict)
    role: str = "coordinator"
    page_size: int = 50


def list_specs(*, school_term: str, audit_term: str, case_term: str) -> list[ListSpec]:
    return [
        ListSpec("schools list", "schools:list", "schools.school", {}, {"q": school_term}, {}, {"q": school_term}),
        # The queue has no free-text search; its filter is a status tab, the admin's the same status filter.
        ListSpec(
            "referral queue",
            "referrals:list",
            "referrals.referral",
            {"tab": "all"},
            {"tab": "new"},
            {},
            {"status__exact": "new"},
        ),
        ListSpec("audit list", "audit:list", "core.auditevent", {}, {"person": audit_term}, {}, {"q": audit_term}),
        ListSpec("case list", "channel:case_list", "channel.case", {}, {"q": case_term}, {}, {"q": case_term}),
        ListSpec("institutions", "schools:institution_list", "schools.institution", {}, {"q": "a"}, {}, {"q": "a"}),
    ]


def search_terms() -> dict[str, str]:
    """Search words that match a good share of the rows: the word most school names share, the coordinator's
    e-mail name (the most frequent actor), a common referral surname's first letters."""
    from referrals.models import Referral
    from schools.models import School

    words: dict[str, int] = {}
    for name in School.objects.order_by("pk").values_list("name", flat=True)[:2000]:
        for word in name.split():
            if len(word) > 3:
                words[word] = words.get(word, 0) + 1
    school_term = max(words, key=lambda w: words[w]) if words else "School"
    last_name = Referral.objects.exclude(last_name="").order_by("pk").values_list("last_name", flat=True).first()
    return {"school_term": school_term, "audit_term": "coordinator", "case_term": (last_name or "a")[:4]}


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return f"?{urlencode(params)}" if params else ""


def measure_lists(*, specs: list[ListSpec], repeat: int, timeout: int = 30) -> list[dict[str, Any]]:
    """Each list's page 1, search and last page, in the portal and in the scratch admin, with the ratio."""
    from django.apps import apps as django_apps

    from . import scratch_admin

    rows: list[dict[str, Any]] = []
    with override_settings(ROOT_URLCONF="benchmarks.scratch_admin"):
        clients: dict[str, Client] = {}
        for spec in specs:
            client = clients.setdefault(spec.role, signed_in_client(demo_user(spec.role)))
            model = django_apps.get_model(spec.admin_model)
            model_admin = scratch_admin.site.get_model_admin(model)
            total = model_admin.get_queryset(None).count()  # type: ignore[arg-type]  # no request needed here
            last = max(1, -(-total // spec.page_size))
            portal = reverse(spec.url_name)
            admin = f"/{scratch_admin.PREFIX}/{model._meta.app_label}/{model._meta.model_name}/"
            cases = {
                "page 1": (spec.portal_query, spec.admin_query),
                "search": (spec.portal_search, spec.admin_search),
                f"last page ({last})": ({**spec.portal_query, "page": str(last)}, {**spec.admin_query, "p": str(last)}),
            }
            for case, (portal_params, admin_params) in cases.items():
                with statement_timeout(timeout):
                    mine = time_get(client, portal + _query(portal_params), repeat=repeat)
                with statement_timeout(timeout):
                    theirs = time_get(client, admin + _query(admin_params), repeat=repeat)
                ratio = round(mine.p95_ms / theirs.p95_ms, 2) if theirs.p95_ms and mine.p95_ms else None
                rows.append(
                    {
                        "list": spec.name,
                        "case": case,
                        "rows": total,
                        "portal": mine.row(),
                        "admin": theirs.row(),
                        "ratio_median": round(mine.median_ms / theirs.median_ms, 2) if theirs.median_ms else None,
                        "ratio_p95": ratio,
                    }
                )
    return rows


# ---- the committee report -----------------------------------------------------------------------------------


def report_period(today: date) -> tuple[date, date]:
    """The last complete financial year (1 April to 31 March) before `today`."""
    end_year = today.year if today.month > 3 else today.year - 1
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = _database_url()
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "prevent_portal.settings.test")
    env["PYTHONPATH"] = str(ROOT)
    return env


def _database_url() -> str:
    """The running connection as a URL for child processes (gunicorn, render_report)."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{host}:{port}/{connection.settings_dict['NAME']}"


def _run_measured(args: list[str]) -> tuple[float, float, float, str]:
    """Runs a child process; its wall seconds, its own peak resident memory in MB (ru_maxrss from wait4), its
    CPU seconds (user + system; PostgreSQL's work is not in it) and its stdout. A failure stops the benchmark
    with the child's output."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, cwd=ROOT, env=_child_env(), stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({child.returncode}):\n{stdout}\n{stderr}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stdout


def measure_report(
    *, today: date, classifications: tuple[str, ...] = ("general", "official-sensitive"), repeat: int = 1
) -> list[dict[str, Any]]:
    """`manage.py render_report` in a fresh process (a worker making one report: wall, peak memory, and the
    command's own time without Python's start), then the bare WeasyPrint render of that report's HTML in another
    fresh process (benchmarks.report_child), and the ratios of the two: in process (the command's own time over
    the bare render's, the stricter) and of the processes' wall times (Python's start on both sides). With
    `repeat` > 1 each figure is the median of the runs (peak memory the highest)."""
    start, end = report_period(today)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for classification in classifications:
            runs = [_report_once(Path(tmp), classification, start, end) for _ in range(max(1, repeat))]
            row: dict[str, Any] = {"classification": classification, "period": f"{start} to {end}", "runs": len(runs)}
            for key in runs[0]:
                values = [run[key] for run in runs]
                row[key] = max(values) if key.endswith("peak_mb") else round(statistics.median(values), 3)
            row["ratio"] = round(row["in_process_s"] / row["bare_render_s"], 2) if row["bare_render_s"] else None
            row["ratio_wall"] = round(row["wall_s"] / row["bare_wall_s"], 2)
            rows.append(row)
    return rows


def _report_once(tmp: Path, classification: str, start: date, end: date) -> dict[str, float]:
    pdf, html = tmp / f"{classification}.pdf", tmp / f"{classification}.html"
    common = ["--from", start.isoformat(), "--to", end.isoformat(), "--classification", classification]
    wall, peak, cpu, out = _run_measured([sys.executable, "manage.py", "render_report", *common, "--output", str(pdf)])
    found = re.search(r": (\d+) pages, .* in ([\d.]+)s", out)
    if found is None:
        raise RuntimeError(f"render_report printed no figures:\n{out}")
    _, _, _, gathered = _run_measured(
        [sys.executable, "-m", "benchmarks.report_child", "html", *common, "--html", str(html)]
    )
    bare_wall, bare_peak, bare_cpu, bare_out = _run_measured(
        [sys.executable, "-m", "benchmarks.report_child", "pdf", "--html", str(html)]
    )
    bare = json.loads(bare_out.strip().splitlines()[-1])
    parts = json.loads(gathered.strip().splitlines()[-1])
    return {
        "pages": int(found.group(1)),
        "wall_s": round(wall, 2),
        "in_process_s": float(found.group(2)),
        "gather_s": parts["gather_s"],
        "html_s": parts["html_s"],
        "cpu_s": round(cpu, 2),
        "peak_mb": round(peak, 1),
        "bare_wall_s": round(bare_wall, 2),
        "bare_render_s": bare["pdf_s"],
        "bare_cpu_s": round(bare_cpu, 2),
        "bare_peak_mb": round(bare_peak, 1),
    }


# ---- throughput with a real gunicorn ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(*, workers: int = 2) -> Iterator[str]:
    """The repository's gunicorn.conf.py with `workers` workers on a free local port; yields its base URL."""
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    env = _child_env()
    env.update(GUNICORN_WORKERS=str(workers), GUNICORN_BIND=f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "prevent_portal.wsgi", "--config", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{Path(log.name).read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /healthz")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
        Path(log.name).unlink()


def _python_load(url: str, *, cookie: str, seconds: float, connections: int) -> dict[str, Any]:
    """Keep-alive GETs from `connections` threads for `seconds`: completed requests per second."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    counts = [0] * connections
    failures = [0] * connections
    deadline = time.perf_counter() + seconds

    def work(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        while time.perf_counter() < deadline:
            conn.request("GET", target, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
            else:
                failures[i] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"requests_per_s": round(sum(counts) / elapsed, 1), "non_200": sum(failures), "tool": "python threads"}


def _wrk_load(url: str, *, cookie: str, seconds: float, connections: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    assert wrk is not None
    result = subprocess.run(
        [wrk, "-t", "2", "-c", str(connections), "-d", f"{int(seconds)}s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if found is None:
        raise RuntimeError(f"wrk printed no rate:\n{result.stdout}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return {"requests_per_s": float(found.group(1)), "non_200": int(bad.group(1)) if bad else 0, "tool": "wrk"}


def measure_throughput(
    *, paths: list[str], role: str = "coordinator", seconds: float = 10, connections: int = 4, workers: int = 2
) -> list[dict[str, Any]]:
    """Requests per second of each path on a real gunicorn, signed in with a real session cookie (wrk when it
    is installed, else Python threads), and each as a share of /healthz on the same server."""
    client = signed_in_client(demo_user(role))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    load = _wrk_load if shutil.which("wrk") else _python_load
    rows = []
    with gunicorn(workers=workers) as base:
        for path in ["/healthz", *paths]:
            request = urllib.request.Request(base + path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=60) as response:  # signed in, not sent to sign-in
                if response.status != 200 or response.url != base + path:
                    raise RuntimeError(f"{path} answered {response.status} at {response.url}")
            rows.append({"path": path, **load(base + path, cookie=cookie, seconds=seconds, connections=connections)})
    healthz = rows[0]["requests_per_s"] or 1.0
    for row in rows:
        row["share_of_healthz"] = round(row["requests_per_s"] / healthz, 3)
    return rows


def machine() -> dict[str, Any]:
    import platform

    with open("/proc/meminfo") as meminfo:
        total_kb = int(meminfo.readline().split()[1])
    model = ""
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    server = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(total_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "database": server or connection.vendor,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    }
