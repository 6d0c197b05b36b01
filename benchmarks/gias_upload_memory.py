"""Peak memory of the web worker that takes a national GIAS file through "Import from GIAS".

    python benchmarks/gias_upload_memory.py [--mb 90] [--database-url postgres://...]

Writes a GIAS-shaped CSV of about `--mb` megabytes (every one of the 139 columns filled, Windows-1252, 450 of the
rows in the council's authority 888), starts gunicorn with one sync worker on the embedded settings (a fresh
SQLite file unless `--database-url` names a database to migrate), signs a coordinator in, and as a browser would:
uploads the file (streamed from disk), opens the preview, and confirms. It prints each step's time and the
worker's resident memory at its peak (VmHWM from /proc), then sends a body that declares GIAS_IMPORT_MAX_BYTES +
17 MB and times the "too big" answer, which comes before any of the body is read.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = [c for c in (ROOT / "tests/schools/fixtures/gias_columns.txt").read_text().splitlines() if c]
HOST = "127.0.0.1"


def write_national_file(path: Path, *, megabytes: int, ours: int = 450, seed: int = 1) -> int:
    """Rows until the file reaches `megabytes`; returns the number of rows."""
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    places = ["Ashgrove", "Birchfield", "Cobbett", "Dunsmore", "Eastwick", "Fernhill", "St Thomas à Becket"]
    header = ",".join(f'"{c}"' for c in COLUMNS) + "\r\n"
    rows = 0
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(header)
        while out.tell() < target:
            urn = 100000 + rows
            mine = rows % 110 == 0 and rows // 110 < ours
            values = {
                "URN": str(urn),
                "LA (code)": "888" if mine else str(201 + rng.randint(0, 150)),
                "LA (name)": "Northbrook" if mine else "Another Authority",
                "EstablishmentName": f"{rng.choice(places)} {'Primary School' if rows % 3 else 'Academy'} {rows}",
                "TypeOfEstablishment (name)": "Community school",
                "EstablishmentTypeGroup (name)": "Local authority maintained schools",
                "EstablishmentStatus (name)": "Open",
                "PhaseOfEducation (name)": "Primary",
                "OpenDate": "01-09-1974",
                "CloseDate": "",
                "NumberOfPupils": str(rng.randint(40, 1800)),
                "StatutoryLowAge": "4",
                "StatutoryHighAge": "11",
                "Postcode": f"NB{rng.randint(1, 30)} {rng.randint(1, 9)}AB",
                "AdministrativeWard (name)": rng.choice(places),
                "AdministrativeWard (code)": f"E0500{rng.randint(1000, 9999)}",
                "EstablishmentNumber": str(2000 + urn % 7000),
                "Street": f"{rng.randint(1, 200)} Canal Side Road",
                "Locality": rng.choice(places),
                "Address3": "",
                "Town": "Northbrook",
                "HeadTitle (name)": "Ms",
                "HeadFirstName": "Amara",
                "HeadLastName": "Pennick",
                "SchoolWebsite": f"www.school{urn}.example.sch.uk",
                "TelephoneNum": f"0161{rng.randint(1000000, 9999999)}",
            }
            # Every other column filled as GIAS fills them: codes, names, dates, web addresses.
            cells = [values.get(c, f"{c[:5]} {urn % 997}") for c in COLUMNS]
            out.write(",".join('"' + v.replace('"', '""') + '"' for v in cells) + "\r\n")
            rows += 1
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def signed_in_session(env: dict[str, str]) -> str:
    """A coordinator who has passed both sign-in steps, made in this process against the benchmark database."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Membership, User
    from accounts.roles import Role

    user = User.objects.create(email=f"bench-{uuid.uuid4().hex[:8]}@northbrook.example", full_name="Bench Mark")
    Membership.objects.create(user=user, role=Role.COORDINATOR)
    device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return str(session.session_key)


class Browser:
    def __init__(self, port: int, session_key: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session_key}

    def _headers(self) -> dict[str, str]:
        return {"Host": f"{HOST}:{self.port}", "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def _send(
        self, method: str, path: str, body: bytes | Iterable[bytes] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=900)
        try:
            connection.request(method, path, body=body, headers={**self._headers(), **(headers or {})})
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        return self._send("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
        from urllib.parse import urlencode

        body = urlencode(fields).encode()
        return self._send("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(
        self, path: str, fields: dict[str, str], file: Path, *, declared: int | None = None
    ) -> tuple[int, dict[str, str], str]:
        boundary = uuid.uuid4().hex
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = declared or len(head) + file.stat().st_size + len(tail)

        def parts() -> Iterator[bytes]:
            yield head
            with file.open("rb") as source:
                if declared:  # only the start of a body over the limit: the answer must not wait for the rest
                    yield source.read(1024 * 1024)
                    return
                yield from iter(lambda: source.read(1024 * 1024), b"")
            yield tail

        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)}
        try:
            return self._send("POST", path, parts(), headers)
        except (BrokenPipeError, ConnectionResetError) as error:
            return 0, {}, f"connection closed by the server ({type(error).__name__})"


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=90, help="size of the generated national file")
    parser.add_argument("--database-url", default="", help="a database to migrate and use (default: new SQLite)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gias-bench-"))
    database_url = args.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "prevent_portal.settings.local",
        "DJANGO_DEBUG": "false",  # DEBUG keeps every query in memory
        "DATABASE_URL": database_url,
        "GUNICORN_TIMEOUT": "900",
        "STATIC_ROOT": str(work / "static"),
    }
    env.pop("REDIS_URL", None)
    csv_path = work / "edubasealldata20261101.csv"
    started = time.perf_counter()
    rows = write_national_file(csv_path, megabytes=args.mb)
    size = csv_path.stat().st_size
    print(f"file: {rows} rows, {size / 1024 / 1024:.1f} MB ({time.perf_counter() - started:.1f} s to write)")
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)  # noqa: S603
    session_key = signed_in_session(env)

    from django.conf import settings
    from django.urls import reverse

    upload_url, preview_url = reverse("schools:import_upload"), reverse("schools:import_preview")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "prevent_portal.wsgi", "--config", "gunicorn.conf.py"]
        + ["--bind", f"{HOST}:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=(work / "gunicorn.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        browser = Browser(port, session_key)
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _, page = browser.get(upload_url)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        assert status == 200, (status, page[:300])
        worker = worker_pid(server.pid)
        print(f"worker at rest: {peak_kib(worker) / 1024:.0f} MB peak so far")
        token = csrf_token(page)

        started = time.perf_counter()
        status, headers, _ = browser.post_file(upload_url, {"csrfmiddlewaretoken": token, "la_code": "888"}, csv_path)
        took = time.perf_counter() - started
        assert status == 302 and headers.get("Location", "").endswith(preview_url), (status, headers)
        print(f"upload and check: {took:.1f} s, worker peak {peak_kib(worker) / 1024:.0f} MB")

        started = time.perf_counter()
        status, _, page = browser.get(preview_url)
        assert status == 200 and "new" in page, status
        print(f"preview: {time.perf_counter() - started:.1f} s, worker peak {peak_kib(worker) / 1024:.0f} MB")

        started = time.perf_counter()
        status, headers, page = browser.post_form(
            preview_url, {"csrfmiddlewaretoken": csrf_token(page), "action": "confirm"}
        )
        assert status == 302, (status, page[:300])
        print(f"confirm: {time.perf_counter() - started:.1f} s, worker peak {peak_kib(worker) / 1024:.0f} MB")
        from schools.models import School

        imported = School.objects.filter(la_code="888").count()
        print(f"schools of authority 888 now in the database: {imported}")
        assert imported == 450, "the import did not go through"

        over = settings.GIAS_IMPORT_MAX_BYTES + 17 * 1024 * 1024
        started = time.perf_counter()
        status, _, page = browser.post_file(
            upload_url, {"csrfmiddlewaretoken": token, "la_code": "888"}, csv_path, declared=over
        )
        print(
            f"a body declaring {over / 1024 / 1024:.0f} MB: answered {status} in "
            f"{(time.perf_counter() - started) * 1000:.0f} ms ({'The file is too big' in page and 'too big page' or page[:80]})"
        )
        print(f"WORKER PEAK RSS: {peak_kib(worker) / 1024:.0f} MB")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
