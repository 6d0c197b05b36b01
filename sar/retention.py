"""Subject access bundles under the retention schedule: once the person is anonymised (people/retention.py, with
the last of their referrals), the bundles made for them and the third parties' names listed for review go too.
The request rows stay, with their dates and states, for the record that requests were answered."""

from __future__ import annotations

from django.core.files.storage import default_storage

from people.models import Person
from people.selectors import person_group
from referrals.models import Referral

from .models import SubjectAccessRequest


def sar_bundles_delete(referral: Referral) -> None:
    """Registered for Referral after people's anonymiser (INSTALLED_APPS order), in the same transaction."""
    if referral.person_id is None:
        return
    person = Person.objects.get(pk=referral.person_id)
    if person.anonymised_at is None:
        return
    group = person_group(person)
    requests = SubjectAccessRequest.objects.filter(person__in=group)
    for name in requests.exclude(file_name="").values_list("file_name", flat=True):
        default_storage.delete(name)
    requests.update(file_name="", file_size=None, sha256="", third_parties=[])
