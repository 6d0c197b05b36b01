"""Reading a CSV download back in a test."""

from __future__ import annotations

import csv
import io
from typing import Any


def csv_rows(response: Any) -> list[list[str]]:
    """The rows of a CSV response (a streamed or file response, or a plain one)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8"))))
