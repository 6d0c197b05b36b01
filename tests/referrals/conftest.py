from __future__ import annotations

import importlib
from typing import Any

import pytest


@pytest.fixture
def referral_lists(db: Any) -> None:
    """The seeded lists (types of concern, indicators, questions, services), made again if a transactional test
    before this one emptied the tables."""
    from django.apps import apps

    # by name: a migration's module name starts with a digit, so no import statement can reach it
    if apps.get_model("referrals", "Indicator").objects.exists():
        return  # as the migrations left them (a later migration may have reworded a row 0002 would add again)
    importlib.import_module("referrals.migrations.0002_seed_lists").forwards(apps, None)
    importlib.import_module("referrals.migrations.0009_national_form_indicators").forwards(apps, None)
    importlib.import_module("referrals.migrations.0012_decision_confirmation").forwards(apps, None)


@pytest.fixture(autouse=True)
def _lists(request: Any) -> None:
    if (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or "db" in request.fixturenames
        or request.node.get_closest_marker("django_db")
    ):
        request.getfixturevalue("referral_lists")
