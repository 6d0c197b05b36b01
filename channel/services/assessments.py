"""Vulnerability assessments of a case: every factor in use rated, with its rationale."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from core.audit import audit_record
from core.idempotency import create_once

from ..models.assessments import Assessment, AssessmentRating, Rating, VafFactor
from ..models.cases import OPEN_STAGES, Case, EntryKind
from .case_rows import _entry


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    assessed_on: date,
    assessed_by: User,
    ratings: Mapping[int, tuple[int, str]],
    summary: str = "",
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> Assessment:
    """ratings: factor id -> (rating, rationale). Every factor in use must be rated, on an open case."""
    if case.stage not in OPEN_STAGES:
        raise ValidationError(f"Assessments are recorded on an open case; this one is '{case.get_stage_display()}'.")
    factors = list(VafFactor.objects.filter(is_active=True))
    missing = [f.label for f in factors if f.pk not in ratings]
    if missing:
        raise ValidationError(f"Rate every factor: {len(missing)} not rated.")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "The date must be today or in the past"})

    def create() -> Assessment:
        assessment = Assessment(case=case, assessed_on=assessed_on, assessed_by=assessed_by, summary=summary.strip())
        assessment.full_clean()
        assessment.save()
        rows = []
        for factor in factors:
            value, rationale = ratings[factor.pk]
            row = AssessmentRating(
                assessment=assessment, factor=factor, factor_label=factor.label, dimension=factor.dimension,
                rating=Rating(value), rationale=rationale.strip()[:500],
            )  # fmt: skip
            row.full_clean(exclude=["assessment"])
            rows.append(row)
        AssessmentRating.objects.bulk_create(rows)
        present = sum(1 for r in rows if r.rating > Rating.NOT_PRESENT)
        _entry(
            case=case, kind=EntryKind.ASSESSMENT, actor=assessed_by, on=assessed_on,
            text=f"Vulnerability assessment: {present} of {len(rows)} factors present.",
        )  # fmt: skip
        audit_record(
            actor=assessed_by,
            action="channel.assessment_recorded",
            obj=case,
            changes={"assessment": assessment.pk},
            request=request,
        )
        return assessment

    return create_once(token=form_token, actor=assessed_by, model=Assessment, create=create)
