"""The e-mails that remind designated safeguarding leads their Prevent training is due."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from core.audit import audit_record
from core.outbox import outbox_email

from .selectors import overdue_dsl_contacts


@transaction.atomic
def dsl_refresher_reminders_send(*, on: date) -> int:
    """E-mails each DSL or deputy whose Prevent training is due a reminder that says only that, with a link
    (training/email/refresher_due). One message each, to their own address only, through the outbox. Returns the
    number of reminders written."""
    addresses = set()
    for contact_email, user_email in overdue_dsl_contacts(on=on).values_list("email", "user__email"):
        address = (user_email or contact_email or "").strip().lower()
        if address:
            addresses.add(address)
    for address in sorted(addresses):
        outbox_email(to=[address], template="training/email/refresher_due")
    sent = len(addresses)
    audit_record(
        actor=None,
        action="training.refresher_reminders_sent",
        object_type="schools.contact",
        changes={"sent": sent},
        detail=f"Prevent training reminders as at {on.isoformat()}",
    )
    return sent
