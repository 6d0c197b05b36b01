"""People under the retention schedule (core/retention.py). A person is anonymised with the last of their
referrals: once no referral about them (or about anyone merged into them) still holds identifiers, their names,
date of birth and the keys made from them are removed and their family links deleted. What the statistics count
stays on the referrals; the person keeps only when the record was made and whom they were merged into."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from referrals.models import Referral

from .models import Person, PersonLink
from .selectors import person_group


def person_anonymise_after(referral: Referral) -> None:
    """Registered for Referral: runs inside the referral's anonymising transaction (before or after the
    referral's own anonymiser, so `referral` itself counts as done)."""
    if referral.person_id is None:
        return
    person = Person.objects.select_for_update().get(pk=referral.person_id)
    group = person_group(person)
    others = Referral.objects.filter(person__in=group, anonymised_at__isnull=True).exclude(pk=referral.pk)
    if others.exists():
        return
    Person.objects.filter(pk__in=group).update(
        first_name="", last_name="", date_of_birth=None, name_key="", phonetic_key="", anonymised_at=timezone.now()
    )
    PersonLink.objects.filter(Q(from_person__in=group) | Q(to_person__in=group)).delete()
