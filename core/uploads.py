"""An uploaded file waiting between its preview and the confirm step.

The bytes wait in a private file (mode 0600) named by a random token that only the uploader's session holds, so
nothing of the file travels through a hidden form field and another user cannot confirm it. Files nobody
confirmed are removed after a day. With several web servers, the directory must be on shared storage.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest

KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingUploads:
    session_key: str
    directory_setting: str  # a setting that may name the directory (e.g. GIAS_IMPORT_DIR)
    default_dirname: str  # under the system temporary directory otherwise
    suffix: str  # ".json", ".csv"

    def directory(self) -> Path:
        configured = getattr(settings, self.directory_setting, "")
        path = Path(configured or Path(tempfile.gettempdir()) / self.default_dirname)
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def _sweep(self, directory: Path) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for old in directory.glob(f"*{self.suffix}"):
            try:
                if old.stat().st_mtime < cutoff:
                    old.unlink()
            except OSError:
                pass

    def keep(self, request: HttpRequest, data: bytes, *, filename: str) -> None:
        """Stores the bytes for this user's session, replacing any upload of theirs still waiting."""
        self.forget(request)
        directory = self.directory()
        self._sweep(directory)
        token = secrets.token_hex(16)
        fd = os.open(directory / f"{token}{self.suffix}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        request.session[self.session_key] = {
            "token": token,
            "user_id": request.user.pk,
            "filename": os.path.basename(filename or "")[:120],
        }

    def waiting(self, request: HttpRequest) -> tuple[Path, dict[str, Any]] | None:
        """The waiting file and its session record, or None if there is none for this user."""
        pending = request.session.get(self.session_key)
        if not isinstance(pending, dict):
            return None
        token = str(pending.get("token", ""))
        if not token.isalnum() or pending.get("user_id") != request.user.pk:
            return None
        path = self.directory() / f"{token}{self.suffix}"
        return (path, pending) if path.exists() else None

    def forget(self, request: HttpRequest) -> None:
        found = self.waiting(request)
        if found is not None:
            found[0].unlink(missing_ok=True)
        request.session.pop(self.session_key, None)
