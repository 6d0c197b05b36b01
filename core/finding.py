"""Choosing one row of a table that grows with the data (a school among 24,000, a school contact among 73,000):
a text box resolved on the server, never a list of every row.

The person types a name, an e-mail address or a URN. One match is taken. None is an error that says what to
check. Several are an error that lists the first few as radios under the box ("Which one?"): the person picks one
and saves again. A pick counts only while it is among the matches of the text beside it, so changing the text
starts a new search. An edit page draws the chosen row's label in the box with its id as the pick, so saving the
page unchanged keeps it even when the label is shared.

The page itself costs the same whatever the table's size: nothing is listed until someone searches, and a search
reads at most `limit` + 1 rows (with `.only()` of what the label shows). The rows a form offers are set for each
form (`find_one_field(form, name).rows = ...`), so a person can only name rows of their own scope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model, QuerySet

CHOICE_SUFFIX = "_choice"
WORDS = re.compile(r"[^\s,;()]+")


def typed_words(text: str) -> list[str]:
    """The words of a search, without the punctuation of a label ("Jo Bloggs, Larkhill School" has four)."""
    return WORDS.findall(text)


class FindOneWidget(forms.TextInput):
    """The text box, then (after a search that found several) the candidates as small radios named
    `<name>_choice`; or, when a row is already chosen, its id in a hidden `<name>_choice`."""

    template_name = "core/widgets/find_one.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"spellcheck": "false", "autocomplete": "off", **(attrs or {})})
        self.candidates: list[tuple[str, str]] = []
        self.legend = "Which one?"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (str(data.get(name) or ""), str(data.get(name + CHOICE_SUFFIX) or ""))

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + CHOICE_SUFFIX not in data

    def format_value(self, value: Any) -> str | None:
        text = value[0] if isinstance(value, tuple) else value
        return None if text is None or text == "" else str(text)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # crispy-forms-gds styles a widget by its class name, and knows only its own: the GOV.UK classes here.
        widget_attrs = context["widget"]["attrs"]
        classes = [c for c in str(widget_attrs.get("class", "")).split() if c != "findonewidget"]
        error = ["govuk-input--error"] if widget_attrs.get("aria-invalid") else []
        widget_attrs["class"] = " ".join(["govuk-input", *classes, *error])
        pick = value[1] if isinstance(value, tuple) else ""
        context["widget"].update(
            choice_name=name + CHOICE_SUFFIX,
            candidates=[(pk, label, pk == pick) for pk, label in self.candidates],
            chosen=pick,
            legend=self.legend,
        )
        return context


class FindOneField(forms.Field):
    """One row of `rows`, found by what was typed.

    `match(rows, text)` narrows the rows to those the text could mean (each word in a name, an e-mail address...);
    `exact(rows, text)` to those it names outright (a URN, a whole e-mail address), taken when there is one.
    `label_of(row)` is what a candidate is listed as and what an edit page puts in the box; `only` the columns it
    needs. Messages: `none` when nothing matches, `several` (with `{text}`) when more than one does.
    """

    widget = FindOneWidget
    limit = 10

    def __init__(
        self,
        *,
        match: Callable[[QuerySet[Any], str], QuerySet[Any]],
        label_of: Callable[[Any], str],
        none: str,
        several: str,
        exact: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None,
        only: tuple[str, ...] = (),
        legend: str = "Which one?",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.widget.legend = legend
        self.rows: QuerySet[Any] | None = None
        self.match, self.exact, self.label_of, self.only = match, exact, label_of, only
        self.none_message, self.several_message = none, several

    def prepare_value(self, value: Any) -> Any:
        """An edit page's chosen row: its label in the box, its id as the pick."""
        if isinstance(value, Model):
            return (self.label_of(value), str(value.pk))
        return value

    def clean(self, value: Any) -> Any:
        text, pick = value if isinstance(value, tuple) else (str(value or ""), "")
        text = " ".join(text.split())
        if not text:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return None
        return self.resolve(text, pick)

    def resolve(self, text: str, pick: str = "") -> Any:
        if self.rows is None:
            raise ValueError("Set the field's rows for this form before validating it")
        rows = self.rows.only(*self.only) if self.only else self.rows
        matches = self.match(rows, text)
        if pick.isdigit():
            picked = matches.filter(pk=int(pick)).first()
            if picked is not None:
                return picked
        if self.exact is not None:
            named = list(self.exact(rows, text)[:2])
            if len(named) == 1:
                return named[0]
        found = list(matches[: self.limit + 1])
        if not found:
            raise forms.ValidationError(self.none_message, code="none")
        if len(found) == 1:
            return found[0]
        self.widget.candidates = [(str(row.pk), self.label_of(row)) for row in found[: self.limit]]
        message = self.several_message.format(text=text)
        if len(found) > self.limit:
            message += f". Only the first {self.limit} are listed: type more of the name to narrow it"
        raise forms.ValidationError(message, code="several")


def find_one_field(form: forms.BaseForm, name: str) -> FindOneField:
    """A form's find-one field, typed, to set the rows it may find for this form."""
    field = form.fields[name]
    if not isinstance(field, FindOneField):
        raise TypeError(f"{name} is not a find-one field")
    return field
