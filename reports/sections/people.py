"""The counts of people in a report (referrals and panel cases) as ONE disclosure-control system.

The referrals section and the panels section show some of the same figures (a case withdrawn appears in the
Home Office journey and among exit outcomes; every breakdown's total is the referrals figure). If each
section withheld cells on its own, a figure withheld in one could be printed in the other. So both sections
read their cells from this one system, built once per report (kept in `ctx.shared`) and suppressed once.
"""

from __future__ import annotations

import json
from typing import Any

from channel.selectors import CONSENT_LABELS, case_statistics, consent_statistics
from referrals.selectors import referral_statistics
from reports import disclosure
from reports.register import release_figures, release_restored

from .base import ReportContext, count

JOURNEY = [
    ("referrals", "Referrals"),
    ("no_further_action", "No further action"),
    ("signposted", "Signposted to other services"),
    ("csc_assessment", "Children's Social Care assessment"),
    ("police_led", "Police-led"),
    ("discussed_at_panel", "Discussed at panel"),
    ("awaiting_decision", "Decision not yet made"),
    ("adopted", "Adopted as a case"),
    ("supported", "Supported"),
    ("exited_concerns_reduced", "Left with concerns reduced"),
    ("withdrew", "Withdrew"),
    ("ongoing", "Still in the programme"),
]
STAGE_LABELS = dict(JOURNEY)
CASE_LABELS = {
    "cases": "Cases opened from referrals in the period",
    "discussed_at_panel": "Discussed at panel",
    "adopted": "Adopted as a case",
    "not_adopted": "Not adopted",
    "supported": "Supported",
    "exited": "Left the programme",
    "exited_concerns_reduced": "Left with concerns reduced",
    "withdrew": "Withdrew",
    "ongoing": "Still in the programme",
    "transferred": "Transferred to another local authority",
    "transferred_in": "Transferred in from another local authority",
}
# Referral outcomes that add up to the referrals (used only where the data shows they do).
REFERRAL_OUTCOMES = [
    "no_further_action", "signposted", "csc_assessment", "police_led", "discussed_at_panel", "awaiting_decision",
]  # fmt: skip
CASE_STAGES = ["adopted", "supported", "exited_concerns_reduced", "withdrew", "ongoing"]
PANEL_DECISIONS = {"channel_or_under_18_panel", "adult_safeguarding_panel", "panel_under_18", "panel_adult"}
SYNONYMS = {
    "total": "referrals",
    "nfa": "no_further_action",
    "signposted_to_other_services": "signposted",
    "children's_social_care_assessment": "csc_assessment",
    "discussed": "discussed_at_panel",
    "adopted_as_a_case": "adopted",
    "exited_with_concerns_reduced": "exited_concerns_reduced",
    "concerns_reduced": "exited_concerns_reduced",
    "withdrawn": "withdrew",
}
# (kind, the statistics' key, caption, heading): each stage of the journey by each breakdown, in the order of the
# Home Office's 2024/25 release (see the README, "Committee reports").
BREAKDOWNS = [
    ("concern", "by_concern_type", "People referred by type of concern", "Type of concern"),
    ("sector", "by_sector", "People referred by sector of the referrer", "Sector of the referrer"),
    ("age", "by_age_band", "People referred by age on the referral date", "Age band"),
    ("gender", "by_gender", "People referred by gender", "Gender"),
    ("ethnicity", "by_ethnicity", "People referred by ethnicity", "Ethnicity"),
    ("needs", "by_needs", "People referred by mental health and neurodiversity needs recorded", "Needs recorded"),
]
# The stages each breakdown is given for, and the journey figure each stage's column adds up to.
STAGE_COLUMNS = [
    ("referrals", "Referred", ("ref", "referrals")),
    ("discussed_at_panel", "Discussed at panel", ("ref", "discussed_at_panel")),
    ("adopted", "Adopted as a case", ("case", "adopted")),
]
CONSENT_ORDER = ["given", "refused_or_withdrawn", "not_recorded"]

# (kind of figure, its name): ("ref", "referrals"), ("case", "adopted"), ("sector", "Education")...
Key = tuple[str, str]


def stage_key(key: Any) -> str:
    k = str(key).strip().lower().replace(" ", "_").replace("-", "_")
    return SYNONYMS.get(k, k)


class PeopleFigures:
    """Values, additive constraints and, in General Release, the withheld keys."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.constraints: list[tuple[Key, list[Key]]] = []
        self.withheld: set[Key] = set()
        self.journey: list[tuple[str, Key]] = []  # (label, key) in Home Office order
        # kind, caption, heading, rows (label, key per stage), total key per stage
        self.breakdowns: list[tuple[str, str, str, list[tuple[str, dict[str, Key]]], dict[str, Key]]] = []
        self.consent_rows: list[tuple[str, Key]] = []
        self.consent_total: Key | None = None
        self.case_rows: list[tuple[str, Key]] = []
        self.outcome_rows: list[tuple[str, Key]] = []
        self.outcome_total: Key | None = None
        # Figures fixed on the day of referral (the breakdowns and their totals): a year's is the sum of its
        # quarters', which the register's check across releases uses.
        self.stable: set[Key] = set()

    def add_if_adds_up(self, total: Key, parts: list[Key]) -> None:
        parts = [p for p in parts if p in self.values]
        if total in self.values and parts and self.values[total] == sum(self.values[p] for p in parts):
            self.constraints.append((total, parts))

    def show(self, key: Key) -> str:
        return disclosure.show_count(self.values[key], withheld=key in self.withheld)

    def share(self, key: Key, of: Key) -> str:
        return disclosure.show_percent(
            self.values[key], self.values[of], withheld=key in self.withheld or of in self.withheld
        )

    def is_withheld(self, key: Key) -> bool:
        return key in self.withheld

    @property
    def any_withheld(self) -> bool:
        return bool(self.withheld)

    def declared_tables(self) -> list[disclosure.DeclaredTable]:
        """Every table the sections print from these figures, as the register keeps them. A new table of people
        adds its values and relations above and declares itself here."""
        population = "people referred in the period"

        def table(name: str, caption: str, rows: list[tuple[str, Key]], column: str) -> disclosure.DeclaredTable:
            cells = tuple((label, column, key_text(key)) for label, key in rows)
            return disclosure.DeclaredTable(name=name, caption=caption, population=population, cells=cells)

        tables = [table("referrals.journey", "The Prevent journey of people referred", self.journey, "People")]
        for kind, caption, _heading, rows, totals in self.breakdowns:
            cells = tuple(
                (label, title, key_text(keys[stage]))
                for label, keys in [*rows, ("Total", totals)]
                for stage, title, _journey in STAGE_COLUMNS
                if stage in keys
            )
            tables.append(disclosure.DeclaredTable(f"referrals.by_{kind}", caption, population, cells))
        if self.consent_rows and self.consent_total is not None:
            consent = [*self.consent_rows, ("Total", self.consent_total)]
            tables.append(table("panels.consent", "Consent to support of the people adopted", consent, "People"))
        if self.case_rows:
            tables.append(table("panels.cases", "Cases of people referred in the period", self.case_rows, "People"))
        if self.outcome_rows and self.outcome_total is not None:
            outcomes = [*self.outcome_rows, ("Total", self.outcome_total)]
            tables.append(
                table("panels.outcomes", "How people referred in the period left the programme", outcomes, "People")
            )
        return tables


def key_text(key: Key) -> str:
    """A figure's key as the register stores it: the same text for the same figure in every release."""
    return json.dumps(list(key), ensure_ascii=False)


def people_figures(ctx: ReportContext) -> PeopleFigures:
    if "people" not in ctx.shared:
        ctx.shared["people"] = _build(ctx)
    return ctx.shared["people"]


def _build(ctx: ReportContext) -> PeopleFigures:
    if ctx.general_release:
        released = release_restored(ctx=ctx, kind=PeopleFigures)
        if released is not None:  # printed as released: nothing to count or check
            return released
    f = PeopleFigures()
    stats: dict[str, Any] = referral_statistics(start=ctx.start, end=ctx.end)
    cases: dict[str, Any] = case_statistics(start=ctx.start, end=ctx.end)

    # Cases: every count, and the exit outcomes adding up to those who left.
    for name, value in cases.items():
        if isinstance(value, int) and not isinstance(value, bool):
            f.values[("case", stage_key(name))] = value
            f.case_rows.append(
                (CASE_LABELS.get(stage_key(name), str(name).replace("_", " ").capitalize()), ("case", stage_key(name)))
            )
    reported_outcomes = cases.get("outcomes")
    outcomes: dict[str, Any] = reported_outcomes if isinstance(reported_outcomes, dict) else {}
    for label, value in outcomes.items():
        f.values[("outcome", str(label))] = count(value)
        f.outcome_rows.append((str(label), ("outcome", str(label))))
    if outcomes:
        outcomes_sum = sum(f.values[k] for _, k in f.outcome_rows)
        if f.values.get(("case", "exited")) == outcomes_sum:
            f.outcome_total = ("case", "exited")
        else:
            f.outcome_total = ("outcome", "total")
            f.values[f.outcome_total] = outcomes_sum
        f.constraints.append((f.outcome_total, [k for _, k in f.outcome_rows]))
    f.add_if_adds_up(("case", "cases"), [("case", "adopted"), ("case", "not_adopted")])
    f.add_if_adds_up(("case", "adopted"), [("case", s) for s in ("exited", "ongoing")])
    # With transfers out the identities hold with the transferred cases as one more part (where the data shows it).
    if f.values.get(("case", "transferred")):
        f.add_if_adds_up(("case", "adopted"), [("case", s) for s in ("exited", "ongoing", "transferred")])

    # The journey: referral outcomes from the referrals app, then what became of the cases.
    f.values[("ref", "referrals")] = count(stats.get("total"))
    panel = 0
    for label, value in (stats.get("by_outcome") or {}).items():
        key = stage_key(label)
        if key in PANEL_DECISIONS:
            panel += count(value)
            continue
        if key == "ongoing":  # a referral not yet decided, not a case still in the programme
            key = "awaiting_decision"
        f.values[("ref", key)] = f.values.get(("ref", key), 0) + count(value)
    if "discussed_at_panel" in stats or panel:
        f.values[("ref", "discussed_at_panel")] = count(stats.get("discussed_at_panel", panel))
    f.journey = [
        (label, ("ref", stage)) for stage, label in JOURNEY if stage not in CASE_STAGES and ("ref", stage) in f.values
    ]
    f.journey += [
        (str(k[1]).replace("_", " ").capitalize(), k) for k in f.values if k[0] == "ref" and k[1] not in STAGE_LABELS
    ]
    f.journey += [
        (label, ("case", stage)) for stage, label in JOURNEY if stage in CASE_STAGES and ("case", stage) in f.values
    ]
    f.add_if_adds_up(("ref", "referrals"), [k for k in f.values if k[0] == "ref" and k[1] != "referrals"])

    # Breakdowns: each stage's column adds up to that stage's journey figure (or to its own total where some
    # were not recorded). The referred column keeps the keys (kind, label); the others (kind@stage, label).
    stages_of: dict[str, Any] = stats.get("stages") or {}
    for kind, name, caption, heading in BREAKDOWNS:
        data = stages_of.get(name)
        if not isinstance(data, dict):
            continue
        rows: list[tuple[str, dict[str, Key]]] = []
        for label, by_stage in data.items():
            keys: dict[str, Key] = {}
            for stage, _title, _journey in STAGE_COLUMNS:
                cell: Key = (kind if stage == "referrals" else f"{kind}@{stage}", str(label))
                f.values[cell] = count(by_stage.get(stage))
                keys[stage] = cell
            rows.append((str(label), keys))
        totals: dict[str, Key] = {}
        for stage, _title, journey_key in STAGE_COLUMNS:
            parts = [keys[stage] for _label, keys in rows]
            column_sum = sum(f.values[k] for k in parts)
            total = journey_key
            if f.values.get(journey_key) != column_sum:
                total = (kind if stage == "referrals" else f"{kind}@{stage}", "__total__")
                f.values[total] = column_sum
            f.constraints.append((total, parts))
            totals[stage] = total
            if stage == "referrals":  # fixed on the day of referral: a year's is the sum of its quarters'
                f.stable.update([total, *parts])
        f.breakdowns.append((kind, caption, heading, rows, totals))

    # Consent to support of the cases adopted, adding up to them.
    consent = consent_statistics(start=ctx.start, end=ctx.end)
    for name in CONSENT_ORDER:
        f.values[("consent", name)] = count(consent.get(name))
        f.consent_rows.append((CONSENT_LABELS[name], ("consent", name)))
    consent_sum = sum(f.values[k] for _label, k in f.consent_rows)
    f.consent_total = ("case", "adopted")
    if f.values.get(f.consent_total) != consent_sum:
        f.consent_total = ("consent", "__total__")
        f.values[f.consent_total] = consent_sum
    f.constraints.append((f.consent_total, [k for _label, k in f.consent_rows]))
    return _protect(ctx, f)


def _protect(ctx: ReportContext, f: PeopleFigures) -> PeopleFigures:
    """General Release: the period's figures from the publication register, or protected against every release
    they overlap and registered (reports/register.py)."""
    if ctx.general_release and f.values:
        return release_figures(ctx=ctx, figures=f, key_text=key_text)
    return f
