"""Every record a person can edit refuses a stale save the same way (core/locking.py).

The models are found, not listed: every concrete model with a `version` (the `Versioned` base) must register its
edit service with `core.locking.register_edit_service`, and each registered service is driven through the same
story: two people open the record at the same version, the first saves, the second's save is refused with
StaleEdit and the first one's change is still there. A kind of record added later is covered without editing
this file; one that forgets to register fails here."""

from __future__ import annotations

import pytest
from django.apps import apps

from core.locking import EditService, StaleEdit, Versioned, edit_services
from tests.accounts import factories as accounts_factories
from tests.channel import factories as channel_factories
from tests.core import factories as core_factories
from tests.referrals import factories as referrals_factories
from tests.reports import factories as reports_factories
from tests.schools import factories as schools_factories
from tests.training import factories as training_factories

FACTORY_MODULES = (
    accounts_factories,
    channel_factories,
    core_factories,
    referrals_factories,
    reports_factories,
    schools_factories,
    training_factories,
)


def _versioned_models() -> list[type[Versioned]]:
    return sorted(
        (m for m in apps.get_models() if issubclass(m, Versioned) and not m._meta.abstract),
        key=lambda m: m._meta.label,
    )


def _factory_for(model: type) -> type:
    name = f"{model.__name__}Factory"
    for module in FACTORY_MODULES:
        if hasattr(module, name):
            return getattr(module, name)
    raise AssertionError(f"No {name} in the tests' factories: add one so {model._meta.label} can be tested.")


def test_every_versioned_model_registers_its_edit_service():
    unregistered = [m._meta.label for m in _versioned_models() if m not in edit_services()]
    assert unregistered == [], f"register these with core.locking.register_edit_service: {unregistered}"


@pytest.mark.django_db
@pytest.mark.parametrize("service", list(edit_services().values()), ids=lambda s: s.model._meta.label)
def test_of_two_saves_from_one_version_the_second_is_refused_and_nothing_is_lost(service: EditService, make_user):
    actor = make_user(service.role)
    record = _factory_for(service.model)()
    opened_at = record.version
    first_copy = service.model._default_manager.get(pk=record.pk)
    second_copy = service.model._default_manager.get(pk=record.pk)

    service.edit(instance=first_copy, expected_version=opened_at, actor=actor, text="Saved first")
    with pytest.raises(StaleEdit) as refused:
        service.edit(instance=second_copy, expected_version=opened_at, actor=actor, text="Saved second")

    stored = service.model._default_manager.get(pk=record.pk)
    assert service.read(stored) == service.encode("Saved first")
    assert stored.version == opened_at + 1
    assert refused.value.current is not None and refused.value.current.version == stored.version


# The records the review found people editing from two browsers; each must be versioned. Add to it, never remove.
EDITED_BY_PEOPLE = {
    "schools.School",
    "schools.Institution",
    "schools.Contact",
    "schools.Visit",
    "schools.VisitAction",
    "schools.NetworkMeeting",
    "training.Course",
    "training.Session",
    "training.Attendance",
    "referrals.Referral",
    "referrals.RoutingSettings",
    "channel.Panel",
    "channel.Case",
    "channel.SupportItem",
    "channel.Meeting",
    "channel.Action",
    "reports.ReportSchedule",
    "accounts.User",
    "core.RetentionSettings",
}


def test_the_records_people_edit_are_all_versioned():
    versioned = {m._meta.label for m in _versioned_models()}
    assert sorted(EDITED_BY_PEOPLE - versioned) == []
