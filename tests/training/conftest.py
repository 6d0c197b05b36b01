from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _courses(request: Any) -> None:
    """The courses come from a data migration, but a transactional test elsewhere in the run (the browser tests)
    empties every table when it ends; put the catalogue back for each test here."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from training.services import courses_ensure

    courses_ensure()
