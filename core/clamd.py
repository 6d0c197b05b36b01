"""A small client for ClamAV's daemon (clamd): the INSTREAM command over its Unix socket or TCP port.

The file is sent in chunks (a 4-byte big-endian length, then the bytes; a zero length ends it) and clamd answers
`stream: OK`, `stream: <signature> FOUND` or an error. Anything but a clear answer (clamd down, a timeout, its
StreamMaxLength exceeded) is `ScanUnavailable`: a file that could not be scanned is never taken as clean.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import IO

from django.conf import settings

SEND_BYTES = 64 * 1024


class ScanUnavailable(Exception):
    """clamd could not be reached or gave no verdict."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: str | tuple[str, int] = address
    else:
        host, _, port = address.rpartition(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (host or "127.0.0.1", int(port))
    sock.settimeout(timeout)
    try:
        sock.connect(target)
    except OSError:
        sock.close()
        raise
    return sock


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        piece = sock.recv(4096)
        if not piece:
            break
        data += piece
    return data.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def clamd_scan(stream: IO[bytes], *, address: str | None = None, timeout: float | None = None) -> ScanResult:
    """Scans the stream from its start. Raises ScanUnavailable when there is no verdict."""
    address = address or settings.CLAMD_ADDRESS
    timeout = timeout if timeout is not None else float(settings.CLAMD_TIMEOUT_SECONDS)
    stream.seek(0)
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            for block in iter(lambda: stream.read(SEND_BYTES), b""):
                sock.sendall(struct.pack("!L", len(block)) + block)
            sock.sendall(struct.pack("!L", 0))
            answer = _reply(sock)
    except OSError as error:
        raise ScanUnavailable(f"clamd at {address}: {error}") from error
    finally:
        stream.seek(0)
    if answer.endswith(" FOUND"):
        return ScanResult(clean=False, signature=answer.removeprefix("stream:").removesuffix(" FOUND").strip())
    if answer == "stream: OK":
        return ScanResult(clean=True)
    raise ScanUnavailable(f"clamd at {address} answered {answer[:200]!r}")


def clamd_ping(*, address: str | None = None, timeout: float = 2.0) -> bool:
    try:
        with _connect(address or settings.CLAMD_ADDRESS, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except OSError:
        return False
