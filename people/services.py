"""Writes about people: a new referral's own person, a coordinator's answer to a proposed match, and family links.
Each change writes its audit event in the same transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import User
from core.audit import audit_record
from referrals.models import EventKind, Referral, Status
from referrals.services.timeline import referral_event_add

from .models import MatchDecision, MatchOutcome, Person, PersonLink, Relationship
from .selectors import REPEAT_FLAG_COUNT, match_candidates, repeat_referral_count

REPEAT_NOTE = (
    "This is referral {count} about this person in 12 months: put it to the panel for discussion, with the "
    "earlier referrals."
)


def person_for_new_referral(*, referral: Referral) -> Person:
    """The submitted referral's own person, made from its answers (called in the submitting transaction)."""
    if referral.person_id is not None:
        return Person.objects.get(pk=referral.person_id)
    person = Person(first_name=referral.first_name, last_name=referral.last_name, date_of_birth=referral.date_of_birth)
    person.set_keys()
    person.full_clean()
    person.save()
    Referral.objects.filter(pk=referral.pk).update(person=person)
    referral.person = person
    return person


def _earlier_decision(referral: Referral, candidate: Person, outcome: str) -> MatchDecision | None:
    """A repeated answer (a double click) returns the first; the opposite answer is refused."""
    earlier = MatchDecision.objects.filter(referral=referral, candidate=candidate).first()
    if earlier is not None and earlier.outcome != outcome:
        raise ValidationError(f"This match was already answered: {earlier.get_outcome_display().lower()}.")
    return earlier


def _proposed(referral: Referral, candidate: Person) -> tuple[int, str]:
    for proposal in match_candidates(referral=referral, limit=50):
        if proposal.person.pk == candidate.pk:
            return proposal.score, "; ".join(proposal.reasons)
    raise ValidationError("That person is not one of the proposed matches for this referral.")


@transaction.atomic
def match_confirm(
    *, referral: Referral, candidate: Person, actor: User, request: HttpRequest | None = None
) -> MatchDecision:
    """The referral is about `candidate`: its person's referrals (and their cases, through them) and links move to
    the candidate, and the emptied person is kept, merged into the candidate. A third referral in 12 months is
    noted on the referral's timeline for a panel discussion."""
    # One answer at a time per referral: a second coordinator's confirmation waits, then sees the first's result.
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.person_id = locked.person_id
    if referral.status == Status.DRAFT or referral.person_id is None:
        raise ValidationError("Only a referral that has been made can be matched.")
    earlier = _earlier_decision(referral, candidate, MatchOutcome.CONFIRMED)
    if earlier is not None:
        return earlier
    score, reasons = _proposed(referral, candidate)
    decision = MatchDecision(
        referral=referral, candidate=candidate, outcome=MatchOutcome.CONFIRMED, score=score,
        reasons=reasons, decided_by=actor,
    )  # fmt: skip
    decision.full_clean()
    decision.save()
    old = Person.objects.select_for_update().get(pk=referral.person_id)
    moved = Referral.objects.filter(person=old).update(person=candidate)
    _move_links(old=old, new=candidate)
    old.merged_into = candidate
    old.save(update_fields=["merged_into"])
    referral.person = candidate
    audit_record(
        actor=actor, action="people.match_confirmed", obj=referral,
        detail=f"person {candidate.pk}; {moved} referral(s) moved from person {old.pk}", request=request,
    )  # fmt: skip
    count = repeat_referral_count(person_id=candidate.pk, day=referral.submitted_on or referral.created_at.date())
    if count >= REPEAT_FLAG_COUNT:
        referral_event_add(referral=referral, kind=EventKind.NOTE, actor=actor, text=REPEAT_NOTE.format(count=count))
    return decision


def _move_links(*, old: Person, new: Person) -> None:
    for link in PersonLink.objects.filter(Q(from_person=old) | Q(to_person=old)).select_for_update():
        other = link.to_person_id if link.from_person_id == old.pk else link.from_person_id
        if (
            other == new.pk
            or PersonLink.objects.filter(
                Q(from_person=new, to_person_id=other) | Q(from_person_id=other, to_person=new)
            ).exists()
        ):
            continue  # the earlier person already holds this link (or it would link them to themselves)
        if link.from_person_id == old.pk:
            PersonLink.objects.filter(pk=link.pk).update(from_person=new)
        else:
            PersonLink.objects.filter(pk=link.pk).update(to_person=new)


@transaction.atomic
def match_reject(
    *, referral: Referral, candidate: Person, actor: User, request: HttpRequest | None = None
) -> MatchDecision:
    """The candidate is a different person: kept, so the match is not proposed again."""
    if referral.status == Status.DRAFT:
        raise ValidationError("Only a referral that has been made can be matched.")
    earlier = _earlier_decision(referral, candidate, MatchOutcome.REJECTED)
    if earlier is not None:
        return earlier
    score, reasons = _proposed(referral, candidate)
    decision = MatchDecision(
        referral=referral, candidate=candidate, outcome=MatchOutcome.REJECTED, score=score,
        reasons=reasons, decided_by=actor,
    )  # fmt: skip
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor, action="people.match_rejected", obj=referral, detail=f"person {candidate.pk}", request=request
    )
    return decision


@transaction.atomic
def person_link_add(
    *,
    person: Person,
    other: Person,
    relationship: str,
    actor: User,
    request: HttpRequest | None = None,
) -> PersonLink:
    """`other` is `relationship` of `person` (a sibling, a parent, ...). One link per pair, either way round."""
    if person.pk == other.pk:
        raise ValidationError({"reference": "That referral is about the same person"})
    if PersonLink.objects.filter(
        Q(from_person=person, to_person=other) | Q(from_person=other, to_person=person)
    ).exists():
        raise ValidationError({"reference": "These two people are already linked"})
    link = PersonLink(from_person=person, to_person=other, relationship=Relationship(relationship), recorded_by=actor)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor, action="people.link_added", obj=link,
        detail=f"person {person.pk} -> person {other.pk}: {relationship}", request=request,
    )  # fmt: skip
    return link
