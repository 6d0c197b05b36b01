from __future__ import annotations

import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from channel.models.cases import Case, Stage
from channel.models.meetings import AgendaItem, AgendaReason
from referrals.models import Referral, Status
from tests.channel.factories import CaseFactory, MeetingFactory
from tests.support.queries import assert_flat_queries

pytestmark = pytest.mark.django_db
_numbers = itertools.count(1)


def _bulk_cases(panel, n: int) -> list[Case]:
    author = User.objects.create(email=f"bulk{next(_numbers)}@example.test", full_name="Bulk Author")
    today = timezone.localdate()
    start = next(_numbers) * 100_000
    referrals = Referral.objects.bulk_create(
        [
            Referral(
                created_by=author,
                status=Status.AT_PANEL,
                reference=f"NB-2026-{start + i}",
                submitted_at=timezone.now(),
                submitted_on=today,
                first_name="Bulk",
                last_name=f"Person{i}",
            )  # fmt: skip
            for i in range(n)
        ]
    )
    return Case.objects.bulk_create(
        [Case(referral=r, panel=panel, opened_on=today, stage_changed_on=today, case_officer=author) for r in referrals]
    )


@pytest.mark.parametrize("who", ["coordinator", "panel_member"])
def test_the_case_list_uses_the_same_number_of_queries_at_two_sizes(who, request, client_for, panel):
    user = request.getfixturevalue(who)
    _bulk_cases(panel, 40)
    client = client_for(user)
    assert_flat_queries(fetch=lambda: client.get(reverse("channel:case_list")), grow=lambda: _bulk_cases(panel, 4000))


def test_the_agenda_uses_the_same_number_of_queries_at_two_sizes(client_for, panel_chair, panel):
    meeting = MeetingFactory(panel=panel)
    _bulk_cases(panel, 10)
    client = client_for(panel_chair)
    url = reverse("channel:agenda_build", args=[meeting.pk])
    assert_flat_queries(fetch=lambda: client.get(url), grow=lambda: _bulk_cases(panel, 400))


def test_the_agenda_lists_the_longest_waiting_cases_and_the_next_once_those_are_added(client_for, panel_chair, panel):
    """However many cases are due, the page lists 40: its size and queries stay the same."""
    meeting = MeetingFactory(panel=panel)
    _bulk_cases(panel, 45)
    client = client_for(panel_chair)
    url = reverse("channel:agenda_build", args=[meeting.pk])
    first = client.get(url)
    listed = list(first.context["form"].fields["cases"].choices)
    assert len(listed) == 40 and "More cases are due than the 40 listed here" in first.content.decode()
    size = len(first.content)
    assert_flat_queries(fetch=lambda: client.get(url), grow=lambda: _bulk_cases(panel, 400))
    assert abs(len(client.get(url).content) - size) < 200  # the form token and the references' digits may differ
    assert client.post(url, {"cases": [pk for pk, _ in listed]}).status_code == 302
    assert meeting.items.count() == 40
    following = client.get(url).context["form"].fields["cases"].choices
    assert len(following) == 40 and not {pk for pk, _ in following} & {pk for pk, _ in listed}


def test_the_meeting_page_uses_the_same_number_of_queries_at_two_sizes(client_for, panel_chair, panel):
    meeting = MeetingFactory(panel=panel)

    def add(n: int) -> None:
        AgendaItem.objects.bulk_create(
            [
                AgendaItem(meeting=meeting, case=c, reason=AgendaReason.NEW, order=i)
                for i, c in enumerate(_bulk_cases(panel, n))
            ]
        )

    add(5)
    client = client_for(panel_chair)
    assert_flat_queries(
        fetch=lambda: client.get(reverse("channel:meeting_detail", args=[meeting.pk])), grow=lambda: add(200)
    )


def test_the_chairs_home_page_uses_the_same_number_of_queries_at_two_sizes(client_for, panel_chair, panel):
    MeetingFactory(panel=panel)
    _bulk_cases(panel, 5)
    client = client_for(panel_chair)
    count = assert_flat_queries(fetch=lambda: client.get(reverse("core:home")), grow=lambda: _bulk_cases(panel, 500))
    assert CaseFactory._meta.model.objects.filter(stage=Stage.INFORMATION_GATHERING).count() == 505
    assert count < 40


def test_the_chairs_flagged_cases_use_the_same_number_of_queries_at_two_sizes(client_for, panel_chair, panel):
    """Every case flagged (consent withdrawn; half of them also turning 18 soon, read from the referral), so a field
    the list or the flags read but the query did not load would cost a query per case."""
    MeetingFactory(panel=panel)
    today = timezone.localdate()

    def flagged(n: int) -> None:
        cases = _bulk_cases(panel, n)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(consent_withdrawn_on=today)
        Referral.objects.filter(pk__in=[c.referral_id for c in cases[::2]]).update(
            date_of_birth=today.replace(year=today.year - 18) + timezone.timedelta(days=10)
        )

    flagged(3)
    client = client_for(panel_chair)
    attention = reverse("channel:case_attention")
    assert_flat_queries(fetch=lambda: client.get(reverse("core:home")), grow=lambda: flagged(60))
    assert_flat_queries(fetch=lambda: client.get(attention), grow=lambda: flagged(60))
    # 123 cases, every one with consent withdrawn, 62 of them turning 18 soon: the home page counts them and
    # lists the oldest five; their own page lists them 50 at a time, and one kind at a time.
    home = client.get(reverse("core:home")).content.decode()
    assert "Cases that need attention: 123" in home and home.count("Consent withdrawn on") == 5
    assert "Consent withdrawn: exit or exception decision needed: 123" in home
    assert "Turns 18 within 30 days: 62" in home and "Turned 18: their own consent is needed" not in home
    assert client.get(attention).content.decode().count("Consent withdrawn on") == 50
    assert client.get(attention, {"page": 3}).content.decode().count("Consent withdrawn on") == 23
    turning = client.get(attention, {"flag": "turns_18", "page": 2}).content.decode()
    assert turning.count("<li>Turns 18 within 30 days (") == 12 and "Turns 18 within 30 days (62)</h2>" in turning
    assert "Turned 18: their own consent is needed: none" in turning
    assert client.get(attention, {"flag": "no-such-kind"}).content.decode().count("Consent withdrawn on") == 50
