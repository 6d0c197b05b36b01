"""Celery application. Tasks run in process (eager) when REDIS_URL is unset: see settings.base."""

from __future__ import annotations

import os
from typing import Any

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_portal.settings.local")

app = Celery("prevent_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_statement_timeout(**_: Any) -> None:
    from .db_timeouts import use_worker_statement_timeout

    use_worker_statement_timeout()
