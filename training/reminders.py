"""The e-mails that remind designated safeguarding leads their Prevent training is due."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from core.audit import audit_record

from .selectors import overdue_dsl_contacts

REMINDER_SUBJECT = "Your Prevent training is due"
REMINDER_BODY = (
    "Your Prevent training is due. Designated safeguarding leads refresh their Prevent training at least every "
    "two years.\n\nSee the training available and how to book:\n{link}\n\nThis is an automatic message from the "
    "Prevent Portal."
)


def dsl_refresher_reminders_send(*, on: date) -> int:
    """E-mails each DSL or deputy whose Prevent training is due a reminder that says only that, with a link.
    One message each, to their own address only. Returns the number sent."""
    link = settings.SITE_URL.rstrip("/") + reverse("training:my_training")
    addresses = set()
    for contact_email, user_email in overdue_dsl_contacts(on=on).values_list("email", "user__email"):
        address = (user_email or contact_email or "").strip().lower()
        if address:
            addresses.add(address)
    sent = 0
    for address in sorted(addresses):
        sent += send_mail(REMINDER_SUBJECT, REMINDER_BODY.format(link=link), None, [address], fail_silently=False)
    audit_record(
        actor=None,
        action="training.refresher_reminders_sent",
        object_type="schools.contact",
        changes={"sent": sent},
        detail=f"Prevent training reminders as at {on.isoformat()}",
    )
    return sent
