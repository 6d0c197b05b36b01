"""The retention schedule: how long each kind of record keeps what identifies a person, and the one path that
anonymises or deletes it when its time is up.

Core knows no app. Each app registers, in its `AppConfig.ready()`:
- its **rules** (`register_retention_rule`): which of its records are due on a cutoff day, and what happens to each
  (anonymised or deleted) or, for logs, to all of them at once;
- its **anonymisers** (`register_anonymiser(Model, fn)`): what to remove from one record of its own models. Several
  apps may register for one model: the case's own fields are channel's, the files attached to it belong to the
  app that keeps files, which adds its own anonymiser for the case, the referral and the chronology's case, and
  nothing here changes. `anonymise(record)` runs every anonymiser registered for the record's model.

Each record is anonymised in its own transaction, read again under a lock with the rule's filter (a legal hold
placed a moment before stops it), and writes one audit event naming the record and the rule, never its content.
Logs (audit events, sessions, the sign-in log) are purged in one statement per rule with one audit event for the
run. Nothing destructive runs from the nightly task until an administrator has read the dry run's counts and
started the schedule (`retention_start`, on the retention page) or run `manage.py apply_retention` themselves.
"""

from __future__ import annotations

import logging
import time as time_
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .audit import audit_record, snapshot
from .locking import versioned_edit
from .models import AppendOnlyQuerySet
from .retention_models import RetentionSettings

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

Unit = Literal["years", "days"]
Outcome = Literal["anonymised", "deleted"]

# Redacted free text that a database constraint needs to be non-empty (a reason for not adopting a case).
REMOVED = "[removed under the retention schedule]"
SETTING_FIELDS = ("case_years", "referral_years", "draft_days", "audit_years", "sign_in_days")


@dataclass(frozen=True)
class Cutoff:
    """Records whose clock started before `day` (dates) or `moment` (the start of that day) are due; `today` is
    the day the rule runs (a legal hold in force today stops it)."""

    day: date
    moment: datetime
    today: date


@dataclass(frozen=True)
class RetentionRule:
    """One line of the schedule, in one of two shapes:
    - records: `due(cutoff)` is the queryset of records due and not held, `act(record)` anonymises or deletes one
      (one transaction and one audit event each);
    - logs: `count(cutoff)` says how many rows are due, `purge(cutoff)` deletes them all at once and returns how
      many (one audit event for the run)."""

    key: str
    label: str  # "Cases"
    period_field: str  # the RetentionSettings field with the period
    unit: Unit
    starts: str  # what the clock starts from: "after exit or transfer"
    outcome: Outcome
    due: Callable[[Cutoff], models.QuerySet[Any]] | None = None
    act: Callable[[Any], None] | None = None
    count: Callable[[Cutoff], int] | None = None
    purge: Callable[[Cutoff], int] | None = None
    order: int = 50
    # Runs every night whether or not the schedule has been started: sessions and the sign-in log, not case data.
    housekeeping: bool = False

    def period(self, row: RetentionSettings) -> int:
        return int(getattr(row, self.period_field))

    def describe(self, row: RetentionSettings) -> str:
        n = self.period(row)
        unit = self.unit[:-1] if n == 1 else self.unit
        return f"{n} {unit} {self.starts}"

    def how_many(self, cutoff: Cutoff) -> int:
        if self.count is not None:
            return self.count(cutoff)
        assert self.due is not None
        return self.due(cutoff).count()


@dataclass(frozen=True)
class RuleResult:
    key: str
    label: str
    period: str
    outcome: Outcome
    count: int


_rules: dict[str, RetentionRule] = {}
_anonymisers: dict[type[models.Model], list[Callable[[Any], None]]] = {}


def register_retention_rule(rule: RetentionRule) -> None:
    records = rule.due is not None and rule.act is not None and rule.purge is None
    logs = rule.count is not None and rule.purge is not None and rule.act is None
    if not (records or logs):
        raise ValueError(f"retention rule {rule.key}: give due and act, or count and purge")
    _rules[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda r: (r.order, r.key))


def register_anonymiser(model: type[models.Model], anonymiser: Callable[[Any], None]) -> None:
    """`anonymiser(record)` removes what identifies a person from one record of `model` (and its own rows). Runs
    inside the record's transaction; registered once however often `ready()` runs."""
    hooks = _anonymisers.setdefault(model, [])
    if anonymiser not in hooks:
        hooks.append(anonymiser)


def anonymise(record: models.Model) -> None:
    """Every anonymiser registered for the record's model, in registration order (INSTALLED_APPS order)."""
    hooks = _anonymisers.get(type(record), [])
    if not hooks:
        raise LookupError(f"no anonymiser is registered for {record._meta.label}")
    for hook in hooks:
        hook(record)


# ---- the schedule's row --------------------------------------------------------------------------------------


def retention_settings() -> RetentionSettings:
    """The schedule, made from the RETENTION_* settings the first time it is read."""
    row, _ = RetentionSettings.objects.get_or_create(
        pk=1,
        defaults={
            "case_years": settings.RETENTION_CASE_YEARS,
            "referral_years": settings.RETENTION_REFERRAL_YEARS,
            "draft_days": settings.RETENTION_DRAFT_DAYS,
            "audit_years": settings.RETENTION_AUDIT_YEARS,
            "sign_in_days": settings.RETENTION_SIGN_IN_DAYS,
        },
    )
    return row


@transaction.atomic
def retention_settings_update(
    *,
    actor: AbstractBaseUser,
    values: dict[str, int],
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> RetentionSettings:
    row = retention_settings()
    saved, before = versioned_edit(
        instance=row, expected_version=expected_version, values=values, fields=list(SETTING_FIELDS)
    )
    from .audit import changes_between

    changes = changes_between(before, saved)
    if changes:
        audit_record(actor=actor, action="retention.schedule_changed", obj=saved, changes=changes, request=request)
    return saved


@transaction.atomic
def retention_start(*, actor: AbstractBaseUser | None, request: HttpRequest | None = None) -> RetentionSettings:
    """From now on the nightly task applies the schedule. Once started it stays started (shorten or lengthen the
    periods instead); a second start changes nothing."""
    row = RetentionSettings.objects.select_for_update().get(pk=retention_settings().pk)
    if row.started_at is None:
        before = snapshot(row, ["started_at"])
        row.started_at = timezone.now()
        row.started_by_id = actor.pk if actor is not None and actor.is_authenticated else None
        row.save(update_fields=["started_at", "started_by", "updated_at"])
        audit_record(actor=actor, action="retention.started", obj=row, changes={"started_at": before}, request=request)
    return row


# ---- applying it ---------------------------------------------------------------------------------------------


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def cutoff_for(rule: RetentionRule, row: RetentionSettings, *, today: date) -> Cutoff:
    n = rule.period(row)
    day = years_before(today, n) if rule.unit == "years" else date.fromordinal(today.toordinal() - n)
    return Cutoff(day=day, moment=timezone.make_aware(datetime.combine(day, time.min)), today=today)


def retention_preview(*, today: date | None = None) -> list[RuleResult]:
    """The dry run: how many records each rule would anonymise or delete today. Changes nothing."""
    row = retention_settings()
    today = today or timezone.localdate()
    return [
        RuleResult(
            rule.key, rule.label, rule.describe(row), rule.outcome, rule.how_many(cutoff_for(rule, row, today=today))
        )
        for rule in retention_rules()
    ]


def _act_on_each(rule: RetentionRule, cutoff: Cutoff, detail: str, *, stop_at: float | None) -> int:
    assert rule.due is not None and rule.act is not None
    done = 0
    for pk in list(rule.due(cutoff).order_by("pk").values_list("pk", flat=True)):
        if stop_at is not None and time_.monotonic() > stop_at:
            # The first night after a large backlog: what is left is still due, and the next night goes on.
            logger.warning("retention %s: stopped for the night after %s records", rule.key, done)
            break
        with transaction.atomic():
            # Read again under a lock with the rule's own filter: a hold placed, or a case reopened, since the list
            # was read stops it here.
            record = rule.due(cutoff).select_for_update(of=("self",)).filter(pk=pk).first()
            if record is None:
                continue
            label, record_pk = record._meta.label_lower, record.pk
            rule.act(record)
            audit_record(
                actor=None,
                action=f"retention.{rule.outcome}",
                object_type=label,
                object_id=record_pk,
                detail=detail,
            )
            done += 1
    return done


def retention_apply_rule(rule: RetentionRule, *, today: date | None = None, stop_at: float | None = None) -> int:
    row = retention_settings()
    today = today or timezone.localdate()
    cutoff = cutoff_for(rule, row, today=today)
    detail = f"Retention rule {rule.key}: {rule.describe(row)}"
    if rule.purge is not None:
        with transaction.atomic():
            removed = rule.purge(cutoff)
            if removed:
                audit_record(
                    actor=None,
                    action="retention.purged",
                    object_type=rule.key,
                    detail=f"{detail}; {removed} rows from before {cutoff.day.isoformat()}",
                )
        return removed
    return _act_on_each(rule, cutoff, detail, stop_at=stop_at)


def retention_apply(
    *, today: date | None = None, housekeeping_only: bool = False, seconds: float | None = None
) -> list[RuleResult]:
    """Applies every rule (or only the housekeeping ones) and records the run on the schedule's row. With
    `seconds`, records are taken one by one only until that long has passed (the task's time limit)."""
    row = retention_settings()
    stop_at = time_.monotonic() + seconds if seconds is not None else None
    results = []
    for rule in retention_rules():
        if housekeeping_only and not rule.housekeeping:
            continue
        count = retention_apply_rule(rule, today=today, stop_at=stop_at)
        results.append(RuleResult(rule.key, rule.label, rule.describe(row), rule.outcome, count))
        if count:
            logger.info("retention %s: %s %s", rule.key, count, rule.outcome)
    if not housekeeping_only:
        RetentionSettings.objects.filter(pk=row.pk).update(
            last_run_at=timezone.now(), last_run_counts={r.key: r.count for r in results}
        )
    return results


def retention_nightly(*, today: date | None = None) -> list[RuleResult]:
    """The nightly task: the whole schedule once an administrator has started it; before that, only the
    housekeeping rules (sessions, the sign-in log)."""
    started = retention_settings().started_at is not None
    return retention_apply(today=today, housekeeping_only=not started, seconds=float(settings.RETENTION_RUN_SECONDS))


# ---- core's own rule: the audit trail --------------------------------------------------------------------------


def _audit_due(cutoff: Cutoff) -> AppendOnlyQuerySet:
    from .models import AuditEvent

    return AuditEvent.objects.filter(occurred_at__lt=cutoff.moment)


def audit_events_purge(cutoff: Cutoff) -> int:
    """Deletes audit events from before the cutoff. On PostgreSQL only through `core_auditevent_purge` (core
    migration 0005), a SECURITY DEFINER function owned by the tables' owner: the app's role has no DELETE on the
    table, the function refuses a cutoff less than 6 years ago, and the table's trigger lets a row go only inside
    that function and only if it is older than 6 years. Elsewhere (SQLite) the append-only queryset's retention
    path."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT core_auditevent_purge(%s)", [cutoff.moment])
            return int(cursor.fetchone()[0])
    return _audit_due(cutoff).retention_delete()[0]  # SQLite: no trigger to pass


AUDIT_RULE = RetentionRule(
    key="audit",
    label="Audit events",
    period_field="audit_years",
    unit="years",
    starts="after the event",
    outcome="deleted",
    count=lambda cutoff: _audit_due(cutoff).count(),
    purge=audit_events_purge,
    order=90,
)
