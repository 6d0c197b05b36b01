"""Section: referrals, in the layout of the Home Office statistics "Individuals referred to and supported through
the Prevent Programme": the journey from referral to leaving the programme, then referrals by sector, type of
concern, age band and gender. The counts come from sections/people.py, protected there as one system."""

from __future__ import annotations

from reports import disclosure

from .base import Bar, Chart, ReportContext, Section, Table
from .people import STAGE_COLUMNS, people_figures

TITLE = "Referrals"


def build(ctx: ReportContext) -> Section:
    f = people_figures(ctx)
    section = Section(key="referrals", title=TITLE)
    section.intro = [
        f"Referrals received from {ctx.period_text} of people about whom there was a concern that they may be "
        'drawn into terrorism, laid out as in the Home Office statistics "Individuals referred to and supported '
        'through the Prevent Programme". A referral is screened; most need no further action or are signposted '
        "to other services. Those that may need Prevent support are discussed at a panel, which may adopt the "
        "person as a case; support is voluntary and a person may withdraw. Case figures are for the people "
        "referred in the period, wherever they are now.",
    ]
    if ctx.general_release:
        section.intro.append(
            "This is a General Release report: counts of people from 1 to 4 are shown as *, as are other figures "
            "from which such a count could be worked out."
        )
    footnotes = [disclosure.FOOTNOTE] if f.any_withheld else []
    total = ("ref", "referrals")
    bars = [Bar(label, None if f.is_withheld(key) else f.values[key], f.show(key)) for label, key in f.journey]
    section.add(Chart(title=f"The Prevent journey of people referred, {ctx.period_text}", bars=bars))
    section.add(
        Table(
            caption=f"The Prevent journey of people referred, {ctx.period_text}",
            headers=["Stage", "People", "Share of referrals"],
            rows=[[label, f.show(key), "100%" if key == total else f.share(key, total)] for label, key in f.journey],
            footnotes=footnotes,
        )
    )
    for _kind, caption, heading, rows, totals in f.breakdowns:
        referred = totals["referrals"]
        bars = [
            Bar(
                label,
                None if f.is_withheld(keys["referrals"]) else f.values[keys["referrals"]],
                f.show(keys["referrals"]),
            )
            for label, keys in rows
        ]
        section.add(Chart(title=f"{caption}, {ctx.period_text}", bars=bars))
        headers = [heading, "Referred", "Share of referred"] + [title for stage, title, _j in STAGE_COLUMNS[1:]]
        section.add(
            Table(
                caption=f"{caption}: referred, discussed at panel and adopted, {ctx.period_text}",
                headers=headers,
                rows=[
                    [label, f.show(keys["referrals"]), f.share(keys["referrals"], referred)]
                    + [f.show(keys[stage]) for stage, _t, _j in STAGE_COLUMNS[1:]]
                    for label, keys in rows
                ],
                total_row=["Total", f.show(referred), "100%"]
                + [f.show(totals[stage]) for stage, _t, _j in STAGE_COLUMNS[1:]],
                footnotes=footnotes,
            )
        )
    if f.consent_rows and f.consent_total is not None:
        adopted = f.consent_total
        section.add(
            Table(
                caption=f"Consent to support of the people adopted as a case, {ctx.period_text}",
                headers=["Consent", "People", "Share of adopted"],
                rows=[[label, f.show(key), f.share(key, adopted)] for label, key in f.consent_rows],
                total_row=["Adopted as a case", f.show(adopted), "100%"],
                footnotes=[
                    *footnotes,
                    "Support is voluntary: it needs the person's consent and, for someone under 18 when the case "
                    "opened, a parent's or carer's too. As the consent records stand when the report is made.",
                ],
            )
        )
    return section
