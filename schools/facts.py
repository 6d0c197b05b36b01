"""Facts about schools that apps above schools hold: training attended (training) and referrals made (referrals).

Schools sits below those apps (they import its models), so it cannot import them. Each registers its functions
here from its AppConfig.ready(); asking for one that was never registered is an error, not an empty answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TrainingFacts:
    # (*, contact_ids) -> {contact id: date of last Prevent training or None}
    contact_last_prevent_training: Callable[..., dict[int, Any]]
    # (*, on) -> ids of contacts whose Prevent training is overdue
    contact_ids_with_overdue_prevent_training: Callable[..., Any]
    # (*, on) -> ids of schools that have attended WRAP
    school_ids_with_wrap: Callable[..., Any]
    # (*, school) -> the school page's training block
    school_training_summary: Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class ReferralFacts:
    # (*, school) -> how many referrals the school's pupils have had
    referral_count_for_school: Callable[..., int]


_registered: dict[str, Any] = {}


def register_training_facts(facts: TrainingFacts) -> None:
    _registered["training"] = facts


def register_referral_facts(facts: ReferralFacts) -> None:
    _registered["referrals"] = facts


def training_facts() -> TrainingFacts:
    facts: TrainingFacts = _registered["training"]
    return facts


def referral_facts() -> ReferralFacts:
    facts: ReferralFacts = _registered["referrals"]
    return facts
