"""The demo's panel cases: one for each referral sent to a panel, at a stage that fits how long ago the decision
was."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from channel.models.cases import Case, CaseEntry, EntryKind, ExitOutcome, Stage
from core.demo import DemoContext

from ..models import Referral, Status
from .rows import batches


def seed_panel_cases(ctx: DemoContext, referrals: list[Referral], *, actor: Any) -> list[int]:
    """The panel cases of referrals sent to a panel, through channel's Case model (bulk), at a stage that fits
    how long ago the decision was."""
    at_panel = [r for r in referrals if r.status == Status.AT_PANEL]
    rng = ctx.rng
    today = ctx.today
    cases: list[Any] = []
    for r in at_panel:
        decided_at, panel_id = r.decided_at, r.decision_panel_id
        assert decided_at is not None and panel_id is not None  # _decide sent the referral to a panel
        opened = decided_at.date()
        months = (today - opened).days / 30.4
        case = Case(
            referral_id=r.pk, panel_id=panel_id, stage=Stage.INFORMATION_GATHERING,
            is_under_18=(r.age_at_decision or 0) < 18, opened_on=opened, stage_changed_on=opened,
        )  # fmt: skip
        if months > 1:
            case.preliminary_assessment_on = opened + timedelta(days=10)
            case.stage = Stage.PRELIMINARY_ASSESSMENT
        if months > 2:
            case.discussed_on = opened + timedelta(days=30)
            case.stage = Stage.DISCUSSED
            if rng.random() < 0.35:
                case.stage = Stage.NOT_ADOPTED
                case.not_adopted_reason = "Needs better met by other services; signposted."
                case.closed_on = case.discussed_on
            else:
                case.adopted_on = case.discussed_on
                case.stage = Stage.ADOPTED
                if months > 3:
                    case.support_started_on = opened + timedelta(days=45)
                    case.stage = Stage.SUPPORT
                if months > 9:
                    case.exited_on = opened + timedelta(days=rng.randint(200, 260))
                    case.exit_outcome = (
                        ExitOutcome.CONCERNS_REDUCED if rng.random() < 0.8 else ExitOutcome.WITHDREW_CONSENT
                    )
                    case.stage = Stage.EXITED if months < 15 else Stage.REVIEWS if months < 21 else Stage.CLOSED
                    if case.stage == Stage.CLOSED:
                        case.closed_on = case.exited_on + timedelta(days=366)
        case.stage_changed_on = max(
            d
            for d in (
                case.opened_on, case.preliminary_assessment_on, case.discussed_on, case.adopted_on,
                case.support_started_on, case.exited_on, case.closed_on,
            )
            if d is not None
        )  # fmt: skip
        cases.append(case)
    for batch in batches(cases):
        Case.objects.bulk_create(batch)
    case_ids = dict(Case.objects.filter(referral_id__in=[r.pk for r in at_panel]).values_list("referral_id", "id"))
    entries = [
        CaseEntry(case_id=case_ids[c.referral_id], kind=EntryKind.OPENED, actor=actor, on=c.opened_on,
                  stage_after=Stage.INFORMATION_GATHERING)
        for c in cases
    ]  # fmt: skip
    for batch in batches(entries):
        CaseEntry.objects.bulk_create(batch)
    return [r.pk for r in at_panel]
