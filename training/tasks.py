from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .figures import figures_changes_clear
from .reminders import dsl_refresher_reminders_send


@shared_task(soft_time_limit=300, time_limit=360)
def dsl_refresher_reminders_task() -> int:
    """Monthly: e-mail each DSL whose Prevent training is due that it is due, with a link (nothing else)."""
    return dsl_refresher_reminders_send(on=timezone.localdate())


@shared_task(soft_time_limit=300, time_limit=360)
def figures_changes_clear_task() -> int:
    """Nightly: clears the log of changes the training figures are kept under (training.figures), so reading its
    state stays one short count. Returns the number of changes removed."""
    return figures_changes_clear()
