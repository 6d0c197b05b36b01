from __future__ import annotations

from celery import shared_task

from .services.reviews import review_reminders_send


@shared_task(soft_time_limit=120, time_limit=180)
def review_reminders_task() -> int:
    """Daily: e-mail the chairs and case officers about reviews after exit that fall due soon (no case content)."""
    return review_reminders_send()
