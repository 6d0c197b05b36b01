"""How long the committee report takes to make, and the peak memory of the process that makes it.

    .venv/bin/python benchmarks/report_render.py --scale city [--scale national]

For each scale: seeds the demo council into a scratch SQLite file (/tmp/prevent-bench-<scale>.sqlite3, reused
if already seeded; BENCH_DATABASE_URL to use another database), then runs `manage.py render_report` for a
financial year, once General Release and once OFFICIAL-SENSITIVE, each in a fresh process under
`/usr/bin/time -v`, the same work a worker does for one report (process start and Django set-up included).
Prints wall time, CPU time (user + system: the figure that does not depend on what else the machine is doing),
peak resident memory (the worker's peak) and page count. It prints figures; it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PERIOD = ("2025-04-01", "2026-03-31")


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="prevent_portal.settings.local")
    env.pop("REDIS_URL", None)
    return env


def _seed(scale: str, db_url: str) -> None:
    env = _env(db_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "seed_demo", "--scale", scale, "--if-empty"], cwd=ROOT, env=env, check=True)


def _figure(pattern: str, text: str) -> str:
    """The first group of `pattern` in `text`; a missing figure stops the run with the text it was looked for in."""
    found = re.search(pattern, text)
    assert found is not None, f"{pattern!r} not found in:\n{text}"
    return found.group(1)


def _render(db_url: str, classification: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "report.pdf"
        result = subprocess.run(
            [
                "/usr/bin/time",
                "-v",
                PYTHON,
                "manage.py",
                "render_report",
                "--from",
                PERIOD[0],
                "--to",
                PERIOD[1],
                "--classification",
                classification,
                "--output",
                str(output),
            ],  # fmt: skip
            cwd=ROOT,
            env=_env(db_url),
            capture_output=True,
            text=True,
            check=True,
        )
        size = output.stat().st_size
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    assert wall is not None, result.stderr
    hours, minutes, seconds = wall.groups()
    cpu = sum(float(_figure(rf"{kind} time \(seconds\): ([\d.]+)", result.stderr)) for kind in ("User", "System"))
    peak_kb = int(_figure(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr))
    pages = int(_figure(r": (\d+) pages", result.stdout))
    return {
        "classification": classification,
        "seconds": round(int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds), 2),
        "cpu_seconds": round(cpu, 2),
        "peak_mb": round(peak_kb / 1024, 1),
        "pages": pages,
        "bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=["small", "city", "national"])
    parser.add_argument("--json", dest="json_path", default="")
    args = parser.parse_args()
    rows = []
    for scale in args.scale or ["city"]:
        db_url = os.environ.get("BENCH_DATABASE_URL", f"sqlite:////tmp/prevent-bench-{scale}.sqlite3")
        _seed(scale, db_url)
        for classification in ("general", "official-sensitive"):
            rows.append({"scale": scale, **_render(db_url, classification)})
    print(f"{'scale':<10} {'classification':<20} {'seconds':>8} {'CPU s':>6} {'peak MB':>8} {'pages':>6} {'bytes':>9}")
    for row in rows:
        print(
            f"{row['scale']:<10} {row['classification']:<20} {row['seconds']:>8} {row['cpu_seconds']:>6} {row['peak_mb']:>8} "
            f"{row['pages']:>6} {row['bytes']:>9,}"
        )
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
