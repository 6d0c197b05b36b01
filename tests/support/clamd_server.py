"""ClamAV's daemon of the test's own, on a socket in a temporary folder, with a small signature database written
here: these machines cannot download ClamAV's signatures, and the tests need only the EICAR test file found
(production runs freshclam). Without `clamd` the tests that need it are skipped with the reason, except under
CI=true, where that fails the run (.ci/run installs Debian's clamav-daemon)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.clamd import clamd_ping
from tests.support import services

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
# The 68-byte EICAR anti-virus test file, which every scanner reports, and which is harmless.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURES = {
    # Its MD5 and size (the file alone) ...
    "test.hdb": "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n",
    # ... and its bytes anywhere in a file (inside a PDF, a text file, a zip).
    "test.ndb": f"Eicar-Test-Signature-Body:0:*:{EICAR.hex()}\n",
}


def clamd_available() -> bool:
    return os.access(CLAMD, os.X_OK)


def require_clamd() -> None:
    services.require(clamd_available(), f"ClamAV's daemon is not installed ({CLAMD}; apt-get install clamav-daemon)")


@contextmanager
def own_clamd() -> Iterator[str]:
    """Runs clamd with the EICAR signatures until the block ends; yields its socket's path."""
    require_clamd()
    # A short path: a Unix socket's path is limited to about 100 characters.
    folder = Path(tempfile.mkdtemp(prefix="clamd-"))
    database = folder / "db"
    database.mkdir()
    for name, line in SIGNATURES.items():
        (database / name).write_text(line)
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {database}\nForeground yes\nLogFile {folder / 'clamd.log'}\n"
        f"PidFile {folder / 'clamd.pid'}\nStreamMaxLength 100M\nMaxFileSize 100M\nMaxScanSize 200M\n"
    )
    # clamd runs on the real clock, like the tests' own Redis (libfaketime is no business of a scanner's).
    env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
    proc = subprocess.Popen(  # noqa: S603 - a fixed program and arguments
        [CLAMD, "--config-file", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while not clamd_ping(address=str(socket_path), timeout=1):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text(errors="replace") if (folder / "clamd.log").exists() else ""
                raise AssertionError(f"clamd did not start:\n{log[-3000:]}")
            time.sleep(0.1)
        yield str(socket_path)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
