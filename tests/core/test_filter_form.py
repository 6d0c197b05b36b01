"""The list filter form written from Python (core/filter_form.py): GOV.UK text inputs and selects with their
labels, hints and error messages tied to the field by aria-describedby, the hidden sort last, values kept and
escaped, and no widget drawn that it does not know."""

from __future__ import annotations

import django_filters
import pytest
from django import forms
from django.test.html import parse_html

from core.filter_form import render_filter_form
from core.filters import DateSearchFilter
from core.lists import Column, SortedFilterSet, Sorting
from schools.models import School


class _Filter(SortedFilterSet):
    q = django_filters.CharFilter(label="Name or URN", help_text="Part of the school's name", method="_keep")
    phase = django_filters.ChoiceFilter(
        label="Phase", choices=[("primary", "Primary"), ("secondary", "Secondary & sixth")], empty_label="Any"
    )
    opened_from = DateSearchFilter(label="Opened from", method="_keep")
    sorting = Sorting(Column("name", "Name"), default="name")

    class Meta:
        model = School
        fields: list[str] = []


def _html(data=None) -> str:
    return render_filter_form(_Filter(data, queryset=School.objects.none()).form, columns="one-quarter")


def test_unbound_form_is_gov_uk_markup_with_the_sort_hidden_last():
    expected = """
    <form method="get"><div class="govuk-grid-row">
      <div class="govuk-grid-column-one-quarter"><div id="div_id_q" class="govuk-form-group">
        <label for="id_q" class="govuk-label">Name or URN</label>
        <div id="id_q_hint" class="govuk-hint">Part of the school's name</div>
        <input type="text" name="q" class="govuk-input" aria-describedby="id_q_hint" id="id_q">
      </div></div>
      <div class="govuk-grid-column-one-quarter"><div id="div_id_phase" class="govuk-form-group">
        <label for="id_phase" class="govuk-label">Phase</label>
        <select name="phase" class="govuk-select" id="id_phase">
          <option value="" selected>Any</option><option value="primary">Primary</option>
          <option value="secondary">Secondary &amp; sixth</option>
        </select>
      </div></div>
      <div class="govuk-grid-column-one-quarter"><div id="div_id_opened_from" class="govuk-form-group">
        <label for="id_opened_from" class="govuk-label">Opened from</label>
        <div id="id_opened_from_hint" class="govuk-hint">For example, 27/3/2026</div>
        <input type="text" name="opened_from" class="govuk-input govuk-input--width-10"
               aria-describedby="id_opened_from_hint" id="id_opened_from">
      </div></div>
      <div class="govuk-grid-column-one-quarter"><input type="hidden" name="sort" id="id_sort"></div>
    </div>
    <button name="filter" class="govuk-button govuk-button--secondary" id="id_filter" data-module="govuk-button">Filter</button>
    </form>"""
    assert parse_html(_html()) == parse_html(expected)


@pytest.mark.django_db
def test_values_are_kept_escaped_and_errors_described():
    html = _html({"q": '"><script>', "phase": "secondary", "opened_from": "not a date", "sort": "-name"})
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert '<option value="secondary" selected>' in html
    assert '<input type="hidden" name="sort" value="-name" id="id_sort">' in html
    tree = parse_html(html)
    error = parse_html(
        '<p id="id_opened_from_1_error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Enter a valid date.</p>'
    )
    assert tree.count(error) == 1
    field = parse_html(
        '<input type="text" name="opened_from" value="not a date" aria-invalid="true" id="id_opened_from"'
        ' class="govuk-input govuk-input--width-10 govuk-input--error"'
        ' aria-describedby="id_opened_from_hint id_opened_from_1_error">'
    )
    assert tree.count(field) == 1
    assert 'class="govuk-form-group govuk-form-group--error"' in html


@pytest.mark.django_db
def test_a_select_in_error_takes_the_select_error_class():
    html = _html({"phase": "tertiary"})
    assert 'class="govuk-select govuk-select--error"' in html
    assert 'aria-describedby="id_phase_1_error"' in html


def test_a_widget_it_does_not_draw_is_an_error():
    class Form(forms.Form):
        agreed = forms.BooleanField(required=False)

    with pytest.raises(TypeError, match="agreed"):
        render_filter_form(Form(), columns="one-third")
