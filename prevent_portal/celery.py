"""Celery application. Tasks run in process (eager) when REDIS_URL is unset: see settings.base."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_portal.settings.local")

app = Celery("prevent_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
