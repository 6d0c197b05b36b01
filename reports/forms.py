from __future__ import annotations

from datetime import date
from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout, Size
from django import forms
from django.core.validators import validate_email
from django.utils import timezone

from core.forms import govuk_date_field
from core.idempotency import IdempotentFormMixin

from .models import ALL_SECTIONS, Classification, Frequency, SectionKey, add_months
from .periods import reporting_periods_ended


def _a_year_from(day: date) -> date:
    # 29 February has no match a year on; the 28th is the last day within the year.
    return date(day.year + 1, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


SECTION_CHOICES = [(k.value, k.label) for k in SectionKey]
CLASSIFICATION_CHOICES = [
    (Classification.GENERAL_RELEASE.value, "General Release"),
    (Classification.OFFICIAL_SENSITIVE.value, "OFFICIAL-SENSITIVE"),
]
CLASSIFICATION_HINTS = {
    Classification.GENERAL_RELEASE.value: "For publication with the committee papers. Marked OFFICIAL; numbers of "
    "people from 1 to 4 are withheld.",
    Classification.OFFICIAL_SENSITIVE.value: "Exact figures, for the Prevent team and partners only. Marked "
    "OFFICIAL-SENSITIVE on every page.",
}


def _text(label: str, *, what: str, limit: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        error_messages={"required": f"Enter {what}", "max_length": f"{label} must be {limit} characters or fewer"},
        **kwargs,
    )


def _sections_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Sections",
        choices=SECTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=ALL_SECTIONS,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one section"},
    )


def _classification_field() -> forms.ChoiceField:
    from crispy_forms_gds.choices import Choice

    # A Choice stands for a (value, label) pair with a hint; the stubs know choices only as pairs.
    choices = cast(
        list[tuple[str, str]],
        [Choice(value, label, hint=CLASSIFICATION_HINTS[value]) for value, label in CLASSIFICATION_CHOICES],
    )
    field = forms.ChoiceField(
        label="Classification",
        choices=choices,
        widget=forms.RadioSelect,
        initial=Classification.GENERAL_RELEASE.value,
        error_messages={"required": "Select a classification"},
    )
    return field


class ReportRequestForm(IdempotentFormMixin, forms.Form):
    title = _text("Report title", what="a title for the report", initial="Prevent duty: delivery update")
    committee = _text(
        "Committee", what="the name of the committee", help_text="For example, Scrutiny Co-ordination Committee"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_date"] = govuk_date_field(
            "Date of the meeting (optional)", required=False, help_text="For example, 8 2 2027"
        )
        periods = reporting_periods_ended(by=timezone.localdate())
        self.periods = {p.value: p for p in periods}
        self.fields["reporting_period"] = forms.ChoiceField(
            label="Reporting period",
            choices=[("", "Choose a period")] + [(p.value, p.label) for p in periods],
            required=False,
            help_text="General Release reports cover one of the council's reporting periods that has ended.",
        )
        self.fields["period_start"] = govuk_date_field(
            "Period from (OFFICIAL-SENSITIVE only, optional)",
            required=False,
            help_text="Any dates, instead of the reporting period. For example, 1 4 2026",
        )
        self.fields["period_end"] = govuk_date_field(
            "Period to (OFFICIAL-SENSITIVE only, optional)", required=False, help_text="For example, 31 3 2027"
        )
        self.fields["sections"] = _sections_field()
        self.fields["classification"] = _classification_field()
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True  # the one-time token, or the version the page was opened at
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.text("committee", field_width=Fluid.TWO_THIRDS),
            Field("meeting_date"),
            Field.radios("classification", legend_size=Size.MEDIUM),
            Field.select("reporting_period"),
            Field("period_start"),
            Field("period_end"),
            Field.checkboxes("sections", legend_size=Size.MEDIUM, small=True),
            Button("submit", "Make the report", data_prevent_double_click="true"),
        )

    def clean(self) -> dict[str, Any]:
        """General Release: a reporting period and no dates. OFFICIAL-SENSITIVE: the dates, or a reporting period.
        Either way `period_start` and `period_end` come out set (the service checks the rule again)."""
        data = super().clean() or {}
        chosen = self.periods.get(data.get("reporting_period") or "")
        start, end = data.get("period_start"), data.get("period_end")
        dates_given = bool(start or end) or any(
            self.data.get(f"{name}_{i}") for name in ("period_start", "period_end") for i in range(3)
        )
        if data.get("classification") == Classification.GENERAL_RELEASE.value:
            if dates_given:
                self.add_error("period_start", "Leave the dates blank for General Release: choose a reporting period")
            elif chosen is None:
                self.add_error("reporting_period", "Choose the reporting period the report covers")
            else:
                data["period_start"], data["period_end"] = chosen.start, chosen.end
            return data
        if not dates_given and chosen is not None:
            data["period_start"], data["period_end"] = chosen.start, chosen.end
            return data
        if not start and "period_start" not in self.errors:
            self.add_error("period_start", "Enter the first day of the period, or choose a reporting period")
        if not end and "period_end" not in self.errors:
            self.add_error("period_end", "Enter the last day of the period, or choose a reporting period")
        if start and end and start > end:
            self.add_error("period_end", "Period to must be the same as or after period from")
        if end and end > _a_year_from(timezone.localdate()):
            self.add_error("period_end", "Period to must be within a year from today")
        return data


class ScheduleFields(forms.Form):
    """What a schedule makes and who is told: shared by the new-schedule and the change-schedule forms."""

    title = _text("Report title", what="a title for the report", initial="Prevent duty: quarterly update")
    committee = _text("Committee", what="the name of the committee")
    frequency = forms.ChoiceField(
        label="How often",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        initial=Frequency.QUARTERLY,
        error_messages={"required": "Select how often"},
    )
    recipients = forms.CharField(
        label="Send a link to (optional)",
        help_text="Work e-mail addresses, one a line. The e-mail says the report is ready and links to it; it "
        "carries no figures. Only people who may read the report can open it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    submit_label = "Save the schedule"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"] = _sections_field()
        self.fields["classification"] = _classification_field()
        self.helper = FormHelper()
        self.helper.render_hidden_fields = True  # the one-time token, or the version the page was opened at
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.text("committee", field_width=Fluid.TWO_THIRDS),
            Field.radios("frequency", legend_size=Size.MEDIUM, inline=True),
            Field.checkboxes("sections", legend_size=Size.MEDIUM, small=True),
            Field.radios("classification", legend_size=Size.MEDIUM),
            Field.textarea("recipients"),
            Button("submit", self.submit_label, data_prevent_double_click="true"),
        )

    def clean_recipients(self) -> str:
        lines = [line.strip() for line in self.cleaned_data.get("recipients", "").splitlines() if line.strip()]
        for line in lines:
            try:
                validate_email(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "Enter each e-mail address on its own line, like name@example.gov.uk"
                ) from None
        return "\n".join(lines)


class ScheduleEditForm(ScheduleFields):
    """Changing a schedule: the version it was opened at goes back with it, so a save over someone else's
    change (or over a report made since) is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    submit_label = "Save changes"


class ScheduleForm(IdempotentFormMixin, ScheduleFields):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_run_on"] = govuk_date_field(
            "First report on",
            required=True,
            what="the date of the first report",
            help_text="The report covers the whole period that ends the day before. The date moves to the first "
            "of its month. A General Release schedule runs on the day after a reporting period ends (1 April, 1 "
            "July, 1 October or 1 January for financial quarters). For example, 1 1 2027",
        )
        self.helper.layout.insert(3, Field("first_run_on"))

    def clean_first_run_on(self) -> date:
        day: date = self.cleaned_data["first_run_on"]
        first = day.replace(day=1)
        if first < timezone.localdate().replace(day=1):
            raise forms.ValidationError("First report on must be this month or later")
        return first if day.day == 1 else add_months(first, 1)


class MakeAgainForm(IdempotentFormMixin, forms.Form):
    """The "make again" button's form: its token makes a double click one new report."""


class ConfirmForm(forms.Form):
    def __init__(self, *args: Any, submit_label: str, secondary: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        button = (
            Button.secondary("submit", submit_label, data_prevent_double_click="true")
            if secondary
            else Button("submit", submit_label, data_prevent_double_click="true")
        )
        self.helper.layout = Layout(button)


class RevisionForm(forms.Form):
    reason = forms.CharField(
        label="Why are the figures revised?",
        help_text="For example, referrals recorded late or corrected. Kept with the release and in the audit trail; "
        "do not name or describe anyone.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Enter why the figures are revised"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason"), Button("submit", "Release revised figures", data_prevent_double_click="true")
        )
