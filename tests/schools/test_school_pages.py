from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.idempotency import form_token_mint
from core.locking import STALE_MESSAGE
from core.models import AuditEvent
from schools.models import (
    ChecklistConfirmation,
    ChecklistItem,
    Contact,
    ContactRole,
    Phase,
    RRSALevelChange,
    School,
    Status,
    SupportTier,
)
from tests.schools.factories import ContactFactory, SchoolFactory, VisitActionFactory, VisitFactory
from tests.support.exports import csv_rows
from tests.support.queries import assert_flat_queries

LIST = reverse("schools:list")
EXPORT = reverse("schools:export")


def grow_schools(n: int, *, with_children: bool = True) -> None:
    """Adds n schools, and for each a DSL, a visit and an action, in bulk."""
    from accounts.models import User
    from schools.models import Visit, VisitAction
    from schools.services.visits import school_last_visits_rebuild

    start = School.objects.count() + 500000
    School.objects.bulk_create(
        [SchoolFactory.build(urn=start + i, name=f"Grown School {i}", ward=f"Ward {i % 20}") for i in range(n)]
    )
    if not with_children:
        return
    schools = list(School.objects.filter(urn__gte=start))
    adviser = User.objects.create(email=f"grow{start}@example.org", full_name="Grow Adviser")
    Contact.objects.bulk_create(
        [Contact(school=s, full_name=f"Grown DSL {s.urn}", role=ContactRole.DSL) for s in schools]
        + [Contact(school=s, full_name=f"Grown Deputy {s.urn}", role=ContactRole.DEPUTY_DSL) for s in schools]
    )
    Visit.objects.bulk_create(
        [
            Visit(
                school=s,
                adviser=adviser,
                visited_on=date(2026, 9, 1),
                kind="visit",
                offer_level="universal",
                purpose="check_in",
            )
            for s in schools
        ]
    )
    visits = list(Visit.objects.filter(school__in=schools))
    VisitAction.objects.bulk_create(
        [
            VisitAction(
                visit=v, school_id=v.school_id, description="Grown action", owner=adviser, due_on=date(2026, 1, 1)
            )
            for v in visits
        ]
    )
    school_last_visits_rebuild()  # bulk-made visits: refresh the schools' last visit as the services would


# ---- the list ----


def test_list_filters_search_and_sort(client_for, adviser, db):
    a = SchoolFactory(name="Ashgrove Primary School", phase=Phase.PRIMARY, ward="Ashgrove", postcode="NB1 4QX")
    b = SchoolFactory(
        name="Beacon Academy",
        phase=Phase.SECONDARY,
        ward="Rookery",
        support_tier=SupportTier.INTENSIVE,
        rrsa_level="gold",
    )
    c = SchoolFactory(name="Cobbett Infant School", status=Status.CLOSED, ward="Rookery")
    VisitFactory(school=a, visited_on=timezone.localdate() - timedelta(days=20))
    VisitFactory(school=b, visited_on=timezone.localdate() - timedelta(days=500))
    client = client_for(adviser)

    def names(**params):
        return [s["name"] for s in client.get(LIST, params).context["schools"]]

    assert names() == [a.name, b.name, c.name]
    assert names(phase="secondary") == [b.name]
    assert names(support_tier="intensive") == [b.name]
    assert names(rrsa="gold") == [b.name]
    assert names(rrsa="none") == [a.name, c.name]
    assert names(ward="Rookery") == [b.name, c.name]
    assert names(status="closed") == [c.name]
    assert names(status="open") == [a.name, b.name]
    assert names(q="nb1 4q") == [a.name]
    assert names(q=str(b.urn)) == [b.name]
    assert names(q="cobbett") == [c.name]
    assert names(no_recent_visit="yes") == [b.name, c.name]
    assert names(no_recent_visit="no") == [a.name]
    assert names(sort="-name") == [c.name, b.name, a.name]
    assert names(sort="last_visit")[0] == c.name


def test_export_is_what_the_list_shows_and_is_audited(client_for, adviser, db):
    SchoolFactory(name="=HYPERLINK(1) Primary", ward="Rookery")
    SchoolFactory(name="Beacon Academy", ward="Rookery")
    SchoolFactory(name="Elsewhere School", ward="Ashgrove")
    response = client_for(adviser).get(EXPORT, {"ward": "Rookery"})
    assert response["Content-Disposition"].startswith('attachment; filename="schools-')
    rows = csv_rows(response)
    assert rows[0][:2] == ["URN", "Name"] and rows[0][-1] == "Last visit"
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(1) Primary", "Beacon Academy"]
    event = AuditEvent.objects.get(action="schools.exported")
    assert event.actor == adviser and event.detail == "2 rows; filters: ward; sort: name"


def test_list_query_count_is_the_same_with_40_and_4000_schools(client_for, adviser, db):
    grow_schools(40)
    client = client_for(adviser)
    params = {"sort": "-last_visit", "q": "school", "no_recent_visit": "yes", "phase": "primary"}
    count = assert_flat_queries(fetch=lambda: client.get(LIST, params), grow=lambda: grow_schools(3960))
    assert count <= 10, count
    assert School.objects.count() >= 4000


def test_a_full_page_of_schools_costs_the_same_queries_at_60_and_4000_schools(client_for, coordinator, db):
    """Every column a row shows is read with the page (a column left out would be read once per row)."""
    grow_schools(60)
    client = client_for(coordinator)
    assert len(client.get(LIST).context["schools"]) == 50
    count = assert_flat_queries(fetch=lambda: client.get(LIST), grow=lambda: grow_schools(3940))
    assert count <= 10, count


def test_list_is_paginated(client_for, coordinator, db):
    grow_schools(120, with_children=False)
    response = client_for(coordinator).get(LIST, {"page": 3})
    assert len(response.context["schools"]) == 20
    assert "Page 3 of 3" in response.content.decode()


# ---- the school page ----


def test_school_page_shows_everything_on_one_page(client_for, adviser, school, db):
    dsl = ContactFactory(school=school, full_name="Farah Holloway", role=ContactRole.DSL, is_prevent_spoc=True)
    ContactFactory(school=school, full_name="Idris Kaur", role=ContactRole.DEPUTY_DSL)
    ChecklistConfirmation.objects.create(
        school=school,
        item=ChecklistItem.RISK_ASSESSMENT,
        in_place=True,
        confirmed_on=date(2026, 9, 2),
        confirmed_by=adviser,
    )
    visit = VisitFactory(school=school, adviser=adviser)
    VisitActionFactory(visit=visit, description="Share the filtering guidance", due_on=date(2020, 1, 1))
    RRSALevelChange.objects.create(school=school, level="bronze", achieved_on=date(2025, 7, 1))
    html = client_for(adviser).get(reverse("schools:detail", args=[school.urn])).content.decode()
    for text in (dsl.full_name, "Prevent single point of contact", "Idris Kaur", "Prevent risk assessment",
                 "2 Sep 2026 by Ada Viser", "Share the filtering guidance", "Overdue", "Bronze: Rights Committed",
                 "Log a visit, call or e-mail"):  # fmt: skip
        assert text in html, text


def test_school_page_query_count_is_the_same_with_40_and_4000_schools(client_for, coordinator, school, db):
    for _n in range(3):
        ContactFactory(school=school, role=ContactRole.DSL)
        VisitActionFactory(visit=VisitFactory(school=school))
    grow_schools(40)
    client = client_for(coordinator)
    url = reverse("schools:detail", args=[school.urn])

    def grow() -> None:
        grow_schools(3960)
        for _n in range(30):
            ContactFactory(school=school)
            VisitActionFactory(visit=VisitFactory(school=school))

    count = assert_flat_queries(fetch=lambda: client.get(url), grow=grow)
    assert count <= 22, count


def test_read_only_roles_see_the_school_but_no_visits_nor_edit_links(client_for, csc_practitioner, school, db):
    VisitFactory(school=school, notes="Discussed a pupil")
    html = client_for(csc_practitioner).get(reverse("schools:detail", args=[school.urn])).content.decode()
    assert school.name in html
    assert "Visits and support" not in html and "Discussed a pupil" not in html
    assert "Add a contact" not in html and "Update the checklist" not in html
    assert "Prevent referrals made" in html


def test_scrutiny_and_sysadmin_get_404(client_for, scrutiny, sysadmin, school, db):
    for user in (scrutiny, sysadmin):
        client = client_for(user)
        assert client.get(LIST).status_code == 404
        assert client.get(reverse("schools:detail", args=[school.urn])).status_code == 404


# ---- changing a school ----


def test_adviser_changes_tier_and_rrsa_level_with_history_and_audit(client_for, adviser, school, db):
    url = reverse("schools:edit", args=[school.urn])
    response = client_for(adviser).post(
        url,
        {
            "support_tier": "specialist",
            "rrsa_level": "silver",
            "rrsa_achieved_on": "2026-07-10",
            "notes": "",
            "ofsted_notes": "",
            "version": school.version,
        },
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.support_tier == "specialist" and school.rrsa_level == "silver" and school.version == 2
    assert RRSALevelChange.objects.get(school=school).achieved_on == date(2026, 7, 10)
    assert AuditEvent.objects.get(action="schools.school_updated").changes["support_tier"] == {
        "old": "universal",
        "new": "specialist",
    }


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(client_for, adviser, coordinator, school, db):
    url = reverse("schools:edit", args=[school.urn])
    data = {
        "support_tier": "intensive",
        "rrsa_level": "",
        "notes": "Mine",
        "ofsted_notes": "",
        "version": school.version,
    }
    assert client_for(coordinator).post(url, data).status_code == 302
    response = client_for(adviser).post(url, {**data, "notes": "Theirs"})
    html = response.content.decode()
    assert response.status_code == 200 and STALE_MESSAGE in html
    assert "What they saved" in html and "Mine" in html  # their newer notes
    assert 'id="id_notes">\nTheirs</textarea>' in html  # the adviser's own typed notes, kept to save again
    school.refresh_from_db()
    assert school.notes == "Mine"
    assert response.context["form"]["version"].value() == str(school.version)


def test_dsl_adds_a_contact_and_confirms_the_checklist(client_for, dsl, school, db):
    client = client_for(dsl)
    response = client.post(
        reverse("schools:contact_add", args=[school.urn]),
        {
            "full_name": "Wren Dunmore",
            "role": "deputy_dsl",
            "email": "wren@school.example",
            "phone": "",
            "is_current": "on",
            "form_token": form_token_mint(),
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(full_name="Wren Dunmore")
    assert contact.school == school and contact.role == "deputy_dsl"
    event = AuditEvent.objects.get(action="schools.contact_created")
    assert "Wren" not in str(event.changes) and "wren@" not in str(event.changes)

    data = {"version": school.version}
    for item in ChecklistItem.values:
        data[f"{item}__in_place"] = "yes"
        data[f"{item}__note"] = ""
    data["online_filtering__in_place"] = "no"
    data["online_filtering__note"] = "New provider from January"
    data["risk_assessment__confirm"] = "on"
    assert client.post(reverse("schools:checklist", args=[school.urn]), data).status_code == 302
    rows = {c.item: c for c in ChecklistConfirmation.objects.filter(school=school)}
    assert rows["risk_assessment"].confirmed_on == timezone.localdate() and rows["risk_assessment"].confirmed_by == dsl
    assert rows["british_values"].in_place and rows["british_values"].confirmed_on is None
    assert not rows["online_filtering"].in_place and rows["online_filtering"].note == "New provider from January"


def test_contact_form_errors_show_the_error_summary(client_for, adviser, school, db):
    response = client_for(adviser).post(
        reverse("schools:contact_add", args=[school.urn]), {"full_name": "", "email": "nope"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Enter the person&#x27;s full name" in html or "Enter the person's full name" in html


# ---- a DSL sees and changes only their own school ----


@pytest.fixture
def other_contact(other_school):
    return ContactFactory(school=other_school, full_name="Otto Contact")


def test_dsl_cannot_open_another_schools_pages(client_for, dsl, other_school, other_contact, db):
    client = client_for(dsl)
    urn = other_school.urn
    for url in (
        reverse("schools:detail", args=[urn]),
        reverse("schools:contact_add", args=[urn]),
        reverse("schools:contact_edit", args=[urn, other_contact.pk]),
        reverse("schools:checklist", args=[urn]),
        reverse("schools:edit", args=[urn]),
        reverse("schools:visit_add", args=[urn]),
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"full_name": "X", "role": "dsl"}).status_code == 404, url


def test_dsl_cannot_reach_another_schools_contact_through_their_own_school(client_for, dsl, school, other_contact, db):
    response = client_for(dsl).post(
        reverse("schools:contact_edit", args=[school.urn, other_contact.pk]), {"full_name": "Hijacked", "role": "dsl"}
    )
    assert response.status_code == 404
    other_contact.refresh_from_db()
    assert other_contact.full_name == "Otto Contact"


def test_a_school_in_a_hidden_field_is_ignored(client_for, dsl, school, other_school, db):
    client_for(dsl).post(
        reverse("schools:contact_add", args=[school.urn]),
        {
            "full_name": "Sneaky Person",
            "role": "dsl",
            "school": other_school.pk,
            "school_id": other_school.pk,
            "is_current": "on",
            "form_token": form_token_mint(),
        },
    )
    assert Contact.objects.get(full_name="Sneaky Person").school == school
    assert not other_school.contacts.exists()


def test_dsl_list_filter_and_export_hold_only_their_own_school(client_for, dsl, school, other_school, db):
    client = client_for(dsl)
    assert [s["pk"] for s in client.get(LIST).context["schools"]] == [school.pk]
    assert list(client.get(LIST, {"q": str(other_school.urn)}).context["schools"]) == []
    assert list(client.get(LIST, {"q": other_school.name}).context["schools"]) == []
    rows = csv_rows(client.get(EXPORT, {"q": str(other_school.urn)}))
    assert len(rows) == 1  # the header only
    rows = csv_rows(client.get(EXPORT))
    assert [r[0] for r in rows[1:]] == [str(school.urn)]


def test_dsl_reads_own_school_page_with_visits_but_cannot_change_council_fields(client_for, dsl, school, db):
    VisitFactory(school=school)
    client = client_for(dsl)
    html = client.get(reverse("schools:detail", args=[school.urn])).content.decode()
    assert "Visits and support" in html and "Log a visit" not in html and "Change support tier" not in html
    assert client.post(reverse("schools:edit", args=[school.urn]), {"support_tier": "intensive"}).status_code == 403


# ---- training from the training app ----


def test_dsl_card_shows_training_and_the_due_tag_and_the_list_filters_on_training(
    client_for, adviser, school, other_school, db
):
    from tests.training.factories import AttendanceFactory, AttendeeFactory, SessionFactory

    today = timezone.localdate()
    fresh = ContactFactory(school=school, full_name="Fresh Trained", role=ContactRole.DSL)
    stale = ContactFactory(school=other_school, full_name="Stale Trained", role=ContactRole.DSL)
    recent = AttendanceFactory(school=school, session=SessionFactory(held_on=today - timedelta(days=100)))
    AttendeeFactory(attendance=recent, contact=fresh, full_name=fresh.full_name)
    old = AttendanceFactory(school=other_school, session=SessionFactory(held_on=today - timedelta(days=900)))
    AttendeeFactory(attendance=old, contact=stale, full_name=stale.full_name)
    client = client_for(adviser)

    html = client.get(reverse("schools:detail", args=[other_school.urn])).content.decode()
    assert "Prevent training due" in html and (today - timedelta(days=900)).strftime("%-d %b %Y") in html
    html = client.get(reverse("schools:detail", args=[school.urn])).content.decode()
    assert "Prevent training due" not in html and "Staff trained" in html

    def names(**params):
        return [s["name"] for s in client.get(LIST, params).context["schools"]]

    assert names(wrap="yes") == [school.name, other_school.name]
    SchoolFactory(name="Zephyr Untrained School")
    assert names(wrap="no") == ["Zephyr Untrained School"]
    assert names(dsl_training_overdue="yes") == [other_school.name]


def test_a_contact_changed_by_someone_else_meanwhile_is_not_overwritten(client_for, adviser, dsl, school, db):
    contact = ContactFactory(school=school, full_name="Amara Eze")
    url = reverse("schools:contact_edit", args=[school.urn, contact.pk])
    opened = client_for(dsl).get(url).context["form"]["version"].value()
    data = {"role": "dsl", "email": "", "phone": "", "is_current": "on", "version": opened}
    assert client_for(adviser).post(url, {**data, "full_name": "Amara Eze-Holloway"}).status_code == 302
    response = client_for(dsl).post(url, {**data, "full_name": "Amara Ezeh"})
    html = response.content.decode()
    assert STALE_MESSAGE in html and "Amara Eze-Holloway" in html  # their newer name
    assert 'value="Amara Ezeh"' in html  # the DSL's own typed name, kept to save again
    contact.refresh_from_db()
    assert contact.full_name == "Amara Eze-Holloway"


def test_a_checklist_changed_by_someone_else_meanwhile_is_not_overwritten(client_for, adviser, dsl, school, db):
    url = reverse("schools:checklist", args=[school.urn])
    base = {f"{item}__in_place": "yes" for item in ChecklistItem.values}
    opened = client_for(dsl).get(url).context["form"]["version"].value()
    mine = {**base, "risk_assessment__note": "Reviewed in October", "version": opened}
    assert client_for(adviser).post(url, mine).status_code == 302
    response = client_for(dsl).post(url, {**base, "risk_assessment__in_place": "no", "version": opened})
    html = response.content.decode()
    assert STALE_MESSAGE in html and "In place. Reviewed in October" in html  # their newer answer
    assert response.context["form"]["risk_assessment__in_place"].value() == "no"  # the DSL's own answer, kept
    assert ChecklistConfirmation.objects.get(school=school, item="risk_assessment").in_place
    moved_on = response.context["form"]["version"].value()
    assert (
        client_for(dsl).post(url, {**base, "risk_assessment__in_place": "no", "version": moved_on}).status_code == 302
    )
    assert not ChecklistConfirmation.objects.get(school=school, item="risk_assessment").in_place


def test_bad_filter_values_do_not_break_the_list(client_for, coordinator, school, db):
    response = client_for(coordinator).get(LIST, {"phase": "bogus", "sort": "nonsense", "page": "x", "wrap": "maybe"})
    assert response.status_code == 200
    response = client_for(coordinator).get(EXPORT, {"phase": "bogus"})
    assert response.status_code == 302


def test_home_pages_show_the_schools_parts(client_for, adviser, dsl, school, db):
    VisitActionFactory(visit=VisitFactory(school=school, adviser=adviser), due_on=date(2020, 1, 1))
    html = client_for(adviser).get(reverse("core:home")).content.decode()
    assert "open actions of yours" in html and reverse("schools:my_actions") in html
    html = client_for(dsl).get(reverse("core:home")).content.decode()
    assert reverse("schools:checklist", args=[school.urn]) in html


def test_a_contact_is_linked_to_the_portal_account_of_a_dsl_of_that_school_only(
    client_for, adviser, dsl, other_dsl, school, db
):
    client = client_for(adviser)
    base = {"role": "dsl", "phone": "", "is_current": "on"}
    client.post(
        reverse("schools:contact_add", args=[school.urn]),
        {**base, "full_name": "Dee", "email": dsl.email.upper(), "form_token": form_token_mint()},
    )
    client.post(
        reverse("schools:contact_add", args=[school.urn]),
        {**base, "full_name": "Otto", "email": other_dsl.email, "form_token": form_token_mint()},
    )
    assert Contact.objects.get(full_name="Dee").user == dsl
    assert Contact.objects.get(full_name="Otto").user is None


def test_dsl_ward_choices_hold_only_their_own_schools_ward(client_for, dsl, school, other_school, db):
    School.objects.filter(pk=other_school.pk).update(ward="Saltmarsh")
    form = client_for(dsl).get(LIST).context["filter"].form
    assert [value for value, _ in form.fields["ward"].choices if value] == [school.ward]


# ---- the referral count: disclosure control for roles without case access ----


def _referral_count_shown(client, school) -> str:
    import re

    html = client.get(reverse("schools:detail", args=[school.urn])).content.decode()
    found = re.search(r"Prevent referrals made</dt><dd[^>]*>([^<]*)</dd>", html)
    assert found, "the count is on the page"
    return found.group(1).strip()


@pytest.mark.parametrize("made,shown", [(0, "none"), (1, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (12, "12")])
def test_the_referral_count_is_banded_for_roles_without_case_access(
    client_for, adviser, csc_practitioner, panel_chair, panel_member, dsl, coordinator, school, made, shown
):
    from tests.referrals.factories import ReferralFactory

    for _n in range(made):
        ReferralFactory(school=school)
    for user in (adviser, csc_practitioner, panel_chair, panel_member, dsl):
        assert _referral_count_shown(client_for(user), school) == shown
    assert _referral_count_shown(client_for(coordinator), school) == str(made)


def test_export_query_count_is_the_same_with_40_and_400_schools(client_for, adviser, db):
    grow_schools(40)
    client = client_for(adviser)
    params = {"sort": "-last_visit", "no_recent_visit": "yes"}
    assert_flat_queries(fetch=lambda: client.get(EXPORT, params), grow=lambda: grow_schools(360))


def test_column_headers_sort_the_list_with_aria_sort(client_for, coordinator, db):
    SchoolFactory(name="Ashgrove Primary School", ward="Zed")
    SchoolFactory(name="Beacon Academy", ward="Alder")
    body = client_for(coordinator).get(LIST, {"sort": "ward"}).content.decode()
    assert body.index("Beacon Academy") < body.index("Ashgrove Primary School")
    assert 'aria-sort="ascending"' in body and "sort=-ward" in body


def test_every_ward_listed_once_in_order_for_the_council(client_for, coordinator, school, other_school, db):
    # The council's list finds its wards by a skip scan of the ward index; the same wards a DISTINCT finds.
    School.objects.filter(pk=other_school.pk).update(ward="Abbey")
    School.objects.filter(pk=school.pk).update(ward="Zetland")
    SchoolFactory(ward="")
    SchoolFactory(ward="Zetland")
    form = client_for(coordinator).get(LIST).context["filter"].form
    assert [value for value, _ in form.fields["ward"].choices if value] == ["Abbey", "Zetland"]
