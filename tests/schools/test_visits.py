from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from core.idempotency import form_token_mint
from core.models import AuditEvent
from schools.models import NetworkMeeting, Visit, VisitAction
from schools.selectors import actions_overdue, school_counts_by_support_tier, visit_counts_by_offer
from tests.schools.factories import (
    ContactFactory,
    NetworkMeetingFactory,
    SchoolFactory,
    VisitActionFactory,
    VisitFactory,
)
from tests.support.queries import assert_flat_queries


def visit_data(adviser, **extra):
    today = timezone.localdate()
    data = {
        "visited_on": today.isoformat(),
        "kind": "visit",
        "offer_level": "specialist",
        "purpose": "policy",
        "adviser": adviser.pk,
        "notes": "Reviewed the risk assessment with the DSL.",
        "follow_up_on": (today + timedelta(days=30)).isoformat(),
        "form_token": form_token_mint(),
    }
    data.update(extra)
    return data


def test_adviser_logs_a_visit_with_actions(client_for, adviser, dsl, school, db):
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]),
        visit_data(
            adviser,
            action_1_description="Send the model risk assessment",
            action_1_owner=adviser.pk,
            action_1_due=due,
            action_2_description="Update the filtering policy",
            action_2_owner=dsl.pk,
            action_2_due=due,
        ),
    )
    assert response.status_code == 302
    visit = Visit.objects.get(school=school)
    assert (visit.offer_level, visit.purpose, visit.adviser) == ("specialist", "policy", adviser)
    assert sorted(a.owner.pk for a in visit.actions.all()) == sorted([adviser.pk, dsl.pk])
    assert AuditEvent.objects.get(action="schools.visit_logged").changes["actions"] == 2


def test_an_action_needs_an_owner_and_a_due_date(client_for, adviser, school, db):
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]), visit_data(adviser, action_1_description="Do something")
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Select who owns action 1" in html and "Select when action 1 is due" in html
    assert not Visit.objects.exists()


def test_an_action_due_in_two_weeks_takes_its_date_from_today(client_for, adviser, school, db):
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]),
        visit_data(adviser, action_1_description="Send the toolkit", action_1_owner=adviser.pk, action_1_when="2w"),
    )
    assert response.status_code == 302
    action = Visit.objects.get().actions.get()
    assert action.due_on == timezone.localdate() + timedelta(days=14)


def test_another_due_date_must_be_typed_when_chosen(client_for, adviser, school, db):
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]),
        visit_data(adviser, action_1_description="Send the toolkit", action_1_owner=adviser.pk, action_1_when="date"),
    )
    assert "Enter the due date of action 1" in response.content.decode() and not Visit.objects.exists()


def test_a_future_date_and_an_early_follow_up_are_refused(client_for, adviser, school, db):
    today = timezone.localdate()
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]),
        visit_data(
            adviser,
            visited_on=(today + timedelta(days=2)).isoformat(),
            follow_up_on=(today - timedelta(days=1)).isoformat(),
        ),
    )
    assert "The date must be today or in the past" in response.content.decode()
    assert not Visit.objects.exists()


def test_an_owner_from_another_school_is_refused(client_for, adviser, school, other_dsl, db):
    response = client_for(adviser).post(
        reverse("schools:visit_add", args=[school.urn]),
        visit_data(adviser, action_1_description="X", action_1_owner=other_dsl.pk, action_1_due="2027-01-01"),
    )
    assert response.status_code == 200 and not Visit.objects.exists()


def test_my_actions_and_overdue_lists(client_for, adviser, coordinator, school, db):
    today = timezone.localdate()
    mine = VisitActionFactory(visit=VisitFactory(school=school, adviser=adviser), due_on=today + timedelta(days=3))
    late = VisitActionFactory(visit=VisitFactory(school=school, adviser=coordinator), due_on=today - timedelta(days=3))
    VisitActionFactory(
        visit=VisitFactory(school=school, adviser=adviser), due_on=today - timedelta(days=9), done_on=today
    )
    client = client_for(adviser)
    assert list(client.get(reverse("schools:my_actions")).context["actions"]) == [mine]
    assert list(client.get(reverse("schools:overdue_actions")).context["actions"]) == [late]


def test_overdue_actions_by_owner_and_school_grouped_by_school(client_for, adviser, coordinator, db):
    today = timezone.localdate()
    a_school, b_school = SchoolFactory(name="Ashdown Primary"), SchoolFactory(name="Birchfield Academy")
    b_late = VisitActionFactory(visit=VisitFactory(school=b_school, adviser=adviser), due_on=today - timedelta(days=9))
    a_late = VisitActionFactory(visit=VisitFactory(school=a_school, adviser=adviser), due_on=today - timedelta(days=2))
    other = VisitActionFactory(
        visit=VisitFactory(school=a_school, adviser=coordinator), owner=coordinator, due_on=today - timedelta(days=5)
    )
    client = client_for(adviser)
    url = reverse("schools:overdue_actions")
    page = client.get(url)
    # By school by default, each school's oldest first: what a phone shows as one block per school.
    assert list(page.context["actions"]) == [other, a_late, b_late] and page.context["grouped"]
    html = page.content.decode()
    assert html.index("Ashdown Primary") < html.index("Birchfield Academy") and 'scope="rowgroup"' in html
    assert list(client.get(url, {"order": "due"}).context["actions"]) == [b_late, other, a_late]
    assert list(client.get(url, {"owner": adviser.pk}).context["actions"]) == [a_late, b_late]
    assert list(client.get(url, {"school": "birch"}).context["actions"]) == [b_late]
    assert list(client.get(url, {"school": str(a_school.urn)}).context["actions"]) == [other, a_late]
    assert "No actions match these filters." in client.get(url, {"school": "nowhere"}).content.decode()
    # The owner list offers only people with overdue actions.
    owners = list(page.context["filter"].filters["owner"].queryset)
    assert owners == sorted([adviser, coordinator], key=lambda u: u.full_name)


def test_the_overdue_actions_page_queries_do_not_grow_with_the_list(client_for, adviser, db):
    today = timezone.localdate()
    client = client_for(adviser)

    def grow():
        for n in range(12):
            VisitActionFactory(visit=VisitFactory(adviser=adviser), due_on=today - timedelta(days=n + 1))

    grow()
    assert_flat_queries(fetch=lambda: client.get(reverse("schools:overdue_actions")), grow=grow)
    assert_flat_queries(fetch=lambda: client.get(reverse("schools:my_actions"), {"order": "due"}), grow=grow)


def test_overdue_actions_offer_the_prevent_team_as_owners_not_every_dsl_with_an_overdue_action(
    client_for, adviser, coordinator, make_user, db
):
    """A DSL owner is found by their school: DSLs grow with the schools, too many for the owner list."""
    from accounts.roles import Role

    today = timezone.localdate()
    client = client_for(adviser)
    url = reverse("schools:overdue_actions")
    VisitActionFactory(visit=VisitFactory(adviser=adviser), due_on=today - timedelta(days=3))

    def dsl_owned(n):
        for _ in range(n):
            school = SchoolFactory()
            owner = make_user(Role.DSL, school=school)
            VisitActionFactory(
                visit=VisitFactory(school=school, adviser=adviser), owner=owner, due_on=today - timedelta(days=2)
            )

    dsl_owned(2)
    size = len(client.get(url, {"order": "due"}).content.decode().split('name="owner"')[1].split("</select>")[0])
    assert_flat_queries(fetch=lambda: client.get(url, {"order": "due"}), grow=lambda: dsl_owned(20))
    page = client.get(url, {"order": "due"})
    assert list(page.context["filter"].filters["owner"].queryset) == [adviser]
    assert len(page.content.decode().split('name="owner"')[1].split("</select>")[0]) == size
    assert len(page.context["actions"]) == 23  # every overdue action is still listed
    assert "For actions a school's DSL owns, search by the school." in page.content.decode()


def test_marking_an_action_done(client_for, adviser, school, db):
    action = VisitActionFactory(visit=VisitFactory(school=school, adviser=adviser))
    client = client_for(adviser)
    response = client.post(reverse("schools:action_done", args=[action.pk]), {"done": "yes", "next": "//evil.example"})
    assert response.status_code == 302 and response.url == reverse("schools:visit_detail", args=[action.visit_id])
    action.refresh_from_db()
    assert action.done_on == timezone.localdate() and action.done_by == adviser
    client.post(reverse("schools:action_done", args=[action.pk]), {"done": "no"})
    action.refresh_from_db()
    assert action.done_on is None


def test_dsl_reads_own_schools_visits_only_and_changes_none(client_for, dsl, school, other_school, db):
    own = VisitActionFactory(visit=VisitFactory(school=school))
    other = VisitActionFactory(visit=VisitFactory(school=other_school))
    client = client_for(dsl)
    assert client.get(reverse("schools:visit_detail", args=[own.visit_id])).status_code == 200
    assert client.get(reverse("schools:visit_detail", args=[other.visit_id])).status_code == 404
    assert client.post(reverse("schools:action_done", args=[own.pk])).status_code == 404
    assert client.get(reverse("schools:visit_add", args=[school.urn])).status_code == 403
    assert client.post(reverse("schools:visit_add", args=[school.urn]), {}).status_code == 403
    assert client.get(reverse("schools:my_actions")).status_code == 404
    assert client.get(reverse("schools:meeting_list")).status_code == 404
    own.refresh_from_db()
    assert own.done_on is None


def test_network_meeting_with_the_dsls_who_attended(client_for, adviser, school, other_school, db):
    a = ContactFactory(school=school, full_name="Amara Stainsby")
    b = ContactFactory(school=other_school, full_name="Ben Yardley")
    client = client_for(adviser)
    response = client.post(
        reverse("schools:meeting_add"),
        {
            "kind": "conference",
            "title": "Autumn safeguarding conference",
            "held_on": "2026-10-20",
            "venue": "Council House",
            "attendees": [a.pk, b.pk],
            "form_token": form_token_mint(),
        },
    )
    meeting = NetworkMeeting.objects.get()
    assert response.status_code == 302 and set(meeting.attendees.all()) == {a, b}
    assert "Amara Stainsby" in client.get(reverse("schools:meeting_detail", args=[meeting.pk])).content.decode()
    client.post(
        reverse("schools:meeting_edit", args=[meeting.pk]),
        {
            "kind": "conference",
            "title": "Autumn safeguarding conference",
            "held_on": "2026-10-20",
            "attendees": [a.pk],
            "version": meeting.version,
        },
    )
    assert list(meeting.attendees.all()) == [a]
    html = client.get(reverse("schools:detail", args=[school.urn])).content.decode()
    assert "Autumn safeguarding conference" in html


# ---- figures for the reports ----


def test_report_selectors(db):
    school = SchoolFactory(support_tier="intensive")
    SchoolFactory(support_tier="universal")
    SchoolFactory(support_tier="universal", status="closed", close_date=date(2020, 1, 1))
    VisitFactory(school=school, visited_on=date(2026, 4, 2), offer_level="intensive")
    VisitFactory(school=school, visited_on=date(2026, 5, 2), offer_level="specialist")
    VisitFactory(visited_on=date(2025, 5, 2))
    assert visit_counts_by_offer(start=date(2026, 4, 1), end=date(2027, 3, 31)) == {
        "universal": 0, "specialist": 1, "intensive": 1, "schools_visited": 1,
    }  # fmt: skip
    assert school_counts_by_support_tier(on=date(2026, 11, 23)) == {"universal": 2, "specialist": 0, "intensive": 1}
    VisitActionFactory(due_on=date(2026, 11, 1))
    VisitActionFactory(due_on=date(2026, 11, 30))
    assert actions_overdue(on=date(2026, 11, 23)).count() == 1
    assert VisitAction.objects.count() == 2


def test_meeting_attendees_added_by_school_urn(client_for, adviser, school, other_school, db):
    dsl = ContactFactory(school=school, full_name="Priya Oakes", role="dsl")
    ContactFactory(school=school, full_name="Head Teacher", role="head_teacher")
    client = client_for(adviser)
    data = {"kind": "network", "title": "Spring DSL network", "held_on": "2026-03-04", "form_token": form_token_mint()}
    response = client.post(reverse("schools:meeting_add"), {**data, "add_urns": "999999, x1"})
    assert "Enter URNs as numbers" in response.content.decode()
    response = client.post(reverse("schools:meeting_add"), {**data, "add_urns": "999999"})
    assert "No school has the URN 999999" in response.content.decode()
    client.post(reverse("schools:meeting_add"), {**data, "add_urns": f"{school.urn}\n{other_school.urn}"})
    assert list(NetworkMeeting.objects.get().attendees.all()) == [dsl]


def test_meeting_form_lists_only_recorded_attendees_when_there_are_too_many(client_for, adviser, school, db):
    from schools.views import visits

    meeting = NetworkMeetingFactory()
    kept = ContactFactory(school=school, role="dsl")
    ContactFactory(school=school, role="dsl")
    meeting.attendees.add(kept)
    old, visits.MAX_LISTED_ATTENDEES = visits.MAX_LISTED_ATTENDEES, 1
    try:
        form = client_for(adviser).get(reverse("schools:meeting_edit", args=[meeting.pk])).context["form"]
    finally:
        visits.MAX_LISTED_ATTENDEES = old
    assert list(form.fields["attendees"].queryset) == [kept]


def test_adviser_corrects_a_visit_and_adds_an_action(client_for, adviser, dsl, school, other_school, db):
    visit = VisitFactory(school=school, adviser=adviser, notes="First notes")
    VisitActionFactory(visit=visit)
    client = client_for(adviser)
    url = reverse("schools:visit_edit", args=[visit.pk])
    assert client.get(url).context["form"].initial["notes"] == "First notes"
    response = client.post(
        url,
        visit_data(
            adviser,
            visited_on=visit.visited_on.isoformat(),
            follow_up_on="",
            notes="Corrected notes",
            version=visit.version,
            action_1_description="Send the RRSA pack",
            action_1_owner=dsl.pk,
            action_1_due="2027-01-15",
        ),
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.notes == "Corrected notes" and visit.actions.count() == 2
    event = AuditEvent.objects.get(action="schools.visit_updated")
    assert event.changes["notes"] == {"sensitive": True} and event.changes["actions_added"] == 1
    other = VisitFactory(school=other_school)
    assert client_for(dsl).get(url).status_code == 403
    assert client_for(dsl).get(reverse("schools:visit_edit", args=[other.pk])).status_code == 404
