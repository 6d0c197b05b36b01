"""Every figure of an OFFICIAL-SENSITIVE report against the truth, computed here in plain Python from the rows the
test writes (never through the selectors), on a dataset with the edge cases that went wrong before: an action due
1 March and done 10 April in a report to 31 March, a school that closed in the period, 12.5% (printed 13%), a
birthday on the referral date, people born on 29 February, a date of birth a 365-day year would put in the wrong
band, a retired type of concern and an old wording."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import pytest

from channel.models.cases import ConsentRecord, Stage
from referrals.models import AgeBand, ConcernType, Ethnicity, Gender, Sector
from reports.models import Classification
from reports.rendering import report_build, report_gather
from reports.sections.base import Table
from reports.services import report_parameters
from schools.models import Status as SchoolStatus
from schools.models import SupportTier
from tests.accounts.factories import UserFactory
from tests.channel.factories import CaseFactory, PanelFactory
from tests.referrals.factories import ReferralFactory
from tests.schools.factories import SchoolFactory, VisitActionFactory, VisitFactory
from tests.support.clock import LONDON, TODAY, frozen

from .data import pdf_layout_text

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)
SECTIONS = ["schools", "visits", "referrals", "panels"]
RETIRED = "Mixed, unclear or unstable / Conflicted"
FASCINATION = "Fascination with extreme violence or mass casualty attacks (no other ideology)"
NO_IDEOLOGY = "No ideology: other susceptibility to radicalisation identified"


# ---- the truth, by hand ------------------------------------------------------------------------------------------


def half_up(numerator: int, denominator: int) -> str:
    """Whole-number percentage rounded half up, in integers (no floats, no Decimal)."""
    if not denominator:
        return "–"
    return f"{(200 * numerator + denominator) // (2 * denominator)}%"


def age_by_counting_birthdays(born: date, on: date) -> int:
    """Age by counting birthdays passed, a different method from the portal's; a 29 February birthday falls on
    1 March in a year without it (UK law)."""

    def birthday(year: int) -> date:
        return date(year, 3, 1) if (born.month, born.day) == (2, 29) and year % 4 else born.replace(year=year)

    age = 0
    while birthday(born.year + age + 1) <= on:
        age += 1
    return age


def band(age: int | None) -> str:
    if age is None:
        return "Not known"
    for upper, label in ((10, "10 or under"), (15, "11 to 15"), (17, "16 to 17"), (20, "18 to 20"),
                         (30, "21 to 30"), (40, "31 to 40")):  # fmt: skip
        if age <= upper:
            return label
    return "41 and over"


@dataclass
class Person:
    """One referral as the test writes it, with the case it led to."""

    submitted_on: date
    born: date | None
    sector: str
    gender: str
    ethnicity: str
    concern: str
    mental_health: str
    neurodiversity: str
    decision: str
    age_given: int | None = None
    case: str = ""  # "" none, "adopted", "supported", "not_adopted"
    consent: tuple[tuple[str, str], ...] = ()  # (giver, status) in order
    under_18: bool = False

    @property
    def age(self) -> int | None:
        return age_by_counting_birthdays(self.born, self.submitted_on) if self.born else self.age_given


PEOPLE = [
    # A birthday on the referral date: 16 that day.
    Person(date(2026, 2, 14), date(2010, 2, 14), "education", "male", "white", "Islamist", "yes", "",
           "panel_under_18", case="supported", under_18=True,
           consent=(("person", "given"), ("parent", "given"))),
    # Born on 29 February: 17 on 28 February 2026 ...
    Person(date(2026, 2, 28), date(2008, 2, 29), "police", "male", "asian", "Extreme Right-Wing", "no", "yes",
           "panel_under_18", case="adopted", under_18=True, consent=(("person", "given"),)),
    # ... and 18 on 1 March 2026.
    Person(date(2026, 3, 1), date(2008, 2, 29), "police", "female", "", "Extreme Right-Wing", "not_known", "no",
           "panel_adult", case="not_adopted"),
    # 17 exactly; 365-day years would make 18.
    Person(date(2026, 2, 14), date(2008, 2, 16), "health", "male", "", FASCINATION, "no", "", "nfa"),
    # A retired type of concern keeps its wording.
    Person(date(2026, 1, 20), date(1990, 6, 1), "local_authority", "male", "black", RETIRED, "yes", "yes",
           "signposted"),
    Person(date(2026, 3, 10), None, "community", "female", "mixed", NO_IDEOLOGY, "no", "no", "", age_given=44),
    # A birthday on the last day of the period.
    Person(date(2026, 3, 31), date(2015, 3, 31), "education", "male", "white", NO_IDEOLOGY, "", "", "police_led"),
    # A birthday on the first day, and an old wording with no list row.
    Person(date(2026, 1, 1), date(2016, 1, 1), "education", "not_known", "white", "An old wording", "not_known",
           "yes", "nfa"),
]  # fmt: skip
OUTSIDE = Person(date(2025, 12, 31), date(2010, 1, 1), "police", "male", "", "Islamist", "yes", "", "nfa")


@dataclass
class SchoolRow:
    tier: str
    open_date: date | None = None
    close_date: date | None = None
    status: str = SchoolStatus.OPEN


SCHOOLS = {
    "open": SchoolRow(SupportTier.UNIVERSAL),
    "closed in the period": SchoolRow(SupportTier.SPECIALIST, close_date=date(2026, 2, 15), status=SchoolStatus.CLOSED),
    "closed before": SchoolRow(SupportTier.UNIVERSAL, close_date=date(2025, 12, 1), status=SchoolStatus.CLOSED),
    "opens after": SchoolRow(SupportTier.UNIVERSAL, open_date=date(2026, 4, 1)),
    **{f"open {i}": SchoolRow(tier) for i, tier in enumerate(
        [SupportTier.INTENSIVE, SupportTier.SPECIALIST] + [SupportTier.UNIVERSAL] * 4)},
}  # fmt: skip
# (school, date, offer level)
VISITS = [
    ("closed in the period", date(2026, 1, 10), "universal"),
    ("closed in the period", date(2026, 2, 1), "specialist"),
    ("closed before", date(2026, 1, 5), "intensive"),  # a visit to a school no longer open: not a school visited
    ("open", date(2026, 4, 5), "universal"),  # after the period
]
# (visit index, due, done)
ACTIONS = [
    (0, date(2026, 3, 1), date(2026, 4, 10)),  # due 1 March, done 10 April: overdue at 31 March
    (0, date(2026, 3, 1), date(2026, 3, 20)),
    (1, date(2026, 3, 31), None),  # due on the last day: not yet overdue
    (1, date(2026, 2, 15), None),
    (3, date(2026, 3, 1), None),  # agreed after the period
    (2, date(2026, 3, 30), date(2026, 3, 31)),  # done on the last day
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=LONDON)


@pytest.fixture
def written(db):
    """Writes the rows above through the factories and returns the school objects by name."""
    concern_rows = {c.label: c for c in ConcernType.objects.all()}
    panel = PanelFactory()
    maker = UserFactory()
    for person in [*PEOPLE, OUTSIDE]:
        referral = ReferralFactory(
            created_by=maker, submitted_on=person.submitted_on, submitted_at=_at(person.submitted_on),
            date_of_birth=person.born, age_given=person.age_given, referrer_sector=person.sector,
            gender=person.gender, ethnicity=person.ethnicity, concern_type=concern_rows.get(person.concern),
            concern_type_label=person.concern, mental_health=person.mental_health,
            neurodiversity=person.neurodiversity, decision=person.decision,
        )  # fmt: skip
        # As referral_submit does: the age on the referral date by the portal's one rule.
        referral.age_at_referral = referral.age_on(person.submitted_on)
        referral.save(update_fields=["age_at_referral"])
        if person.case:
            adopted = person.case in ("adopted", "supported")
            case = CaseFactory(
                referral=referral, panel=panel, is_under_18=person.under_18, opened_on=person.submitted_on,
                stage={"adopted": Stage.ADOPTED, "supported": Stage.SUPPORT, "not_adopted": Stage.NOT_ADOPTED}[
                    person.case],
                discussed_on=person.submitted_on, adopted_on=person.submitted_on if adopted else None,
                support_started_on=person.submitted_on if person.case == "supported" else None,
                not_adopted_reason="Needs met elsewhere." if not adopted else "",
            )  # fmt: skip
            for giver, status in person.consent:
                ConsentRecord.objects.create(
                    case=case, giver=giver, status=status, on=person.submitted_on, recorded_by=maker
                )
    schools = {
        name: SchoolFactory(support_tier=row.tier, open_date=row.open_date, close_date=row.close_date,
                            status=row.status)
        for name, row in SCHOOLS.items()
    }  # fmt: skip
    visits = [
        VisitFactory(school=schools[name], visited_on=day, offer_level=level, adviser=maker)
        for name, day, level in VISITS
    ]
    for index, due, done in ACTIONS:
        VisitActionFactory(visit=visits[index], due_on=due, done_on=done)
    return schools


# ---- the expected tables -------------------------------------------------------------------------------------


def _open_on(row: SchoolRow, day: date) -> bool:
    return (row.open_date is None or row.open_date <= day) and (row.close_date is None or row.close_date > day)


def _open_during(row: SchoolRow) -> bool:
    return any(_open_on(row, date.fromordinal(d)) for d in range(START.toordinal(), END.toordinal() + 1))


def expected_schools() -> list[list[list[str]]]:
    tiers = {"universal": "Universal offer", "specialist": "Specialist offer", "intensive": "Intensive offer"}
    on_end = [row for row in SCHOOLS.values() if _open_on(row, END)]
    tier_rows = [[label, str(sum(r.tier == t for r in on_end)), half_up(sum(r.tier == t for r in on_end), len(on_end))]
                 for t, label in tiers.items()]  # fmt: skip
    open_names = [name for name, row in SCHOOLS.items() if _open_during(row)]
    visited = {name for name, day, _level in VISITS if START <= day <= END and name in open_names}
    assert len(open_names) == 8 and len(visited) == 1  # 1 of 8: 12.5%
    return [
        [["", "Schools", "Share"], *tier_rows, ["Total", str(len(on_end)), "100%"]],
        [["", "Schools", "Share"], ["Open at some time in the period", "8", "100%"],
         ["Visited at least once", str(len(visited)), half_up(len(visited), len(open_names))]],
    ]  # fmt: skip


def expected_visits() -> list[list[list[str]]]:
    levels = {"universal": "Universal offer", "specialist": "Specialist offer", "intensive": "Intensive offer"}
    in_period = [level for _name, day, level in VISITS if START <= day <= END]
    rows = [[label, str(in_period.count(level)), half_up(in_period.count(level), len(in_period))]
            for level, label in levels.items()]  # fmt: skip
    overdue = sum(
        1 for index, due, done in ACTIONS
        if VISITS[index][1] <= END and due < END and (done is None or done > END)
    )  # fmt: skip
    assert overdue == 2
    return [
        [["", "Visits", "Share"], *rows, ["Total", str(len(in_period)), "100%"]],
        [["", "Actions"], ["Overdue", str(overdue)]],
    ]


def _stage_row(label: str, people: list[Person], total: list[Person]) -> list[str]:
    discussed = [p for p in people if p.decision.startswith("panel_")]
    adopted = [p for p in people if p.case in ("adopted", "supported")]
    return [label, str(len(people)), half_up(len(people), len(total)), str(len(discussed)), str(len(adopted))]


def expected_referrals() -> list[list[list[str]]]:
    n = len(PEOPLE)
    decided = {d: [p for p in PEOPLE if p.decision == d] for d in
               ("nfa", "signposted", "csc_assessment", "police_led", "", "panel")}  # fmt: skip
    panel = [p for p in PEOPLE if p.decision.startswith("panel_")]
    adopted = [p for p in PEOPLE if p.case in ("adopted", "supported")]
    supported = [p for p in PEOPLE if p.case == "supported"]
    journey = [
        ["Stage", "People", "Share of referrals"],
        ["Referrals", str(n), "100%"],
        ["No further action", str(len(decided["nfa"])), half_up(len(decided["nfa"]), n)],
        ["Signposted to other services", str(len(decided["signposted"])), half_up(len(decided["signposted"]), n)],
        ["Children's Social Care assessment", "0", "0%"],
        ["Police-led", str(len(decided["police_led"])), half_up(len(decided["police_led"]), n)],
        ["Discussed at panel", str(len(panel)), half_up(len(panel), n)],
        ["Decision not yet made", str(len(decided[""])), half_up(len(decided[""]), n)],
        ["Adopted as a case", str(len(adopted)), half_up(len(adopted), n)],
        ["Supported", str(len(supported)), half_up(len(supported), n)],
        ["Left with concerns reduced", "0", "0%"],
        ["Withdrew", "0", "0%"],
        ["Still in the programme", str(len(adopted)), half_up(len(adopted), n)],
    ]
    active = list(ConcernType.objects.filter(is_active=True).order_by("order", "label").values_list("label", flat=True))
    others = sorted({p.concern for p in PEOPLE} - set(active))
    breakdowns = {
        "Type of concern": [(label, [p for p in PEOPLE if p.concern == label]) for label in active + others],
        "Sector of the referrer": [(label, [p for p in PEOPLE if p.sector == value]) for value, label in Sector.choices],
        "Age band": [(label, [p for p in PEOPLE if band(p.age) == label]) for _v, label in AgeBand.choices],
        "Gender": [(label, [p for p in PEOPLE if p.gender == value]) for value, label in Gender.choices],
        "Ethnicity": [(label, [p for p in PEOPLE if p.ethnicity == value]) for value, label in Ethnicity.choices],
        "Needs recorded": [
            ("At least one mental health or neurodiversity need recorded",
             [p for p in PEOPLE if "yes" in (p.mental_health, p.neurodiversity)]),
            ("None recorded, or not known", [p for p in PEOPLE if "yes" not in (p.mental_health, p.neurodiversity)]),
        ],
    }  # fmt: skip
    tables = [journey]
    for heading, rows in breakdowns.items():
        tables.append(
            [[heading, "Referred", "Share of referred", "Discussed at panel", "Adopted as a case"]]
            + [_stage_row(label, people, PEOPLE) for label, people in rows]
            + [["Total", str(n), "100%", str(len(panel)), str(len(adopted))]]
        )
    given = [p for p in adopted
             if ("person", "given") in p.consent and (not p.under_18 or ("parent", "given") in p.consent)]  # fmt: skip
    refused = [p for p in adopted if any(status in ("refused", "withdrawn") for _g, status in p.consent)]
    rest = len(adopted) - len(given) - len(refused)
    tables.append([
        ["Consent", "People", "Share of adopted"],
        ["Consent to support given", str(len(given)), half_up(len(given), len(adopted))],
        ["Consent refused or withdrawn", str(len(refused)), half_up(len(refused), len(adopted))],
        ["Consent not yet recorded in full", str(rest), half_up(rest, len(adopted))],
        ["Adopted as a case", str(len(adopted)), "100%"],
    ])  # fmt: skip
    return tables


def expected_panels() -> list[list[list[str]]]:
    cases = [p for p in PEOPLE if p.case]
    adopted = [p for p in cases if p.case in ("adopted", "supported")]
    count = {
        "Transferred in from another local authority": 0,
        "Cases opened from referrals in the period": len(cases),
        "Discussed at panel": len(cases),
        "Adopted as a case": len(adopted),
        "Not adopted": sum(p.case == "not_adopted" for p in cases),
        "Supported": sum(p.case == "supported" for p in cases),
        "Left the programme": 0,
        "Left with concerns reduced": 0,
        "Withdrew": 0,
        "Still in the programme": len(adopted),
        "Awaiting panel decision": 0,
        "Transferred to another local authority": 0,
    }
    outcomes = ["Concerns reduced or removed", "Withdrew consent", "Escalated to police", "Moved away", "Other"]
    return [
        [["", "Meetings"], ["Meetings held", "0"]],
        [["", "People"], *[[label, str(v)] for label, v in count.items()]],
        [["Outcome", "People", "Share"], *[[label, "0", "–"] for label in outcomes], ["Total", "0", "100%"]],
    ]


def test_every_figure_of_an_official_sensitive_report_is_the_truth(written):
    with frozen(TODAY):
        params = report_parameters(
            title="Prevent duty: quarter 4", committee="Scrutiny Committee", period_start=START, period_end=END,
            classification=Classification.OFFICIAL_SENSITIVE, sections=SECTIONS,
        )  # fmt: skip
        sections = {s.key: s for s in report_gather(params)}

    def tables(key: str) -> list[list[list[str]]]:
        return [b.cells() for b in sections[key].blocks if isinstance(b, Table)]

    assert tables("schools") == expected_schools()
    assert tables("visits") == expected_visits()
    assert tables("referrals") == expected_referrals()
    assert tables("panels") == expected_panels()
    assert f"there were {sum(_open_on(r, END) for r in SCHOOLS.values())} open schools" in sections["schools"].intro[0]
    assert "recorded 3 visits" in sections["visits"].intro[0]


def test_the_edge_cases_are_what_the_truth_says():
    """The dataset's edges, stated plainly, so a reader can check the truth functions themselves."""
    assert half_up(1, 8) == "13%" and half_up(3, 8) == "38%" and half_up(5, 8) == "63%" and half_up(1, 3) == "33%"
    assert age_by_counting_birthdays(date(2010, 2, 14), date(2026, 2, 14)) == 16
    assert age_by_counting_birthdays(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_by_counting_birthdays(date(2008, 2, 29), date(2026, 3, 1)) == 18
    assert age_by_counting_birthdays(date(2008, 2, 16), date(2026, 2, 14)) == 17
    assert (date(2026, 2, 14) - date(2008, 2, 16)).days // 365 == 18  # what 365-day years said


def test_the_pdf_prints_the_figures_and_the_rounding_rule(written):
    with frozen(TODAY):
        params = report_parameters(
            title="Prevent duty: quarter 4", committee="Scrutiny Committee", period_start=START, period_end=END,
            classification=Classification.OFFICIAL_SENSITIVE, sections=SECTIONS,
        )  # fmt: skip
        text = pdf_layout_text(report_build(params).pdf)
    flat = " ".join(text.split())
    assert "Visited at least once 1 13%" in flat
    assert "Overdue 2" in flat
    assert "12.5% is shown as 13%" in flat
    assert "The share is of the 8 schools open at some time in the period" in flat
    assert "Table 3.1" in flat and "Table 3.2" in flat and "Figure 3.1" in flat
