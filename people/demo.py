"""Demo people for seed_demo: one person for every demo referral, as the migration gives existing referrals, and
then what a council's data holds after some months of triage:

- people referred more than once, the later referral's name spelt differently (a vowel changed, a letter
  doubled), the same date of birth and school, joined by a coordinator's confirmed match; one of them referred
  three times within 12 months (flagged for a panel discussion);
- open referrals whose earlier referral is not yet joined: the coordinator's triage shows the proposed match;
- brothers and sisters linked.

Runs after the referrals seed (DEMO_ORDER). Invented names only.
"""

from __future__ import annotations

from datetime import timedelta

from accounts.models import User
from core.demo import DemoContext
from referrals.models import OPEN_STATUSES, Referral, Status

from .keys import name_key, phonetic_key
from .models import MatchDecision, MatchOutcome, Person, PersonLink, Relationship

CHUNK = 2000
VOWELS = {"a": "e", "e": "a", "i": "y", "o": "u", "u": "o", "y": "i"}


def spelt_differently(first: str, last: str) -> tuple[str, str]:
    """A variant that sounds the same: a vowel of the first name changed, the family name's last consonant
    doubled (Jodie Rowntree -> Jadie Rowntreee is avoided: a consonant is doubled, not a vowel)."""
    for i, c in enumerate(first[1:], start=1):
        if c in VOWELS:
            first = first[:i] + VOWELS[c] + first[i + 1 :]
            break
    for i in range(len(last) - 1, 0, -1):
        if last[i].lower() not in "aeiouy":
            last = last[: i + 1] + last[i] + last[i + 1 :]
            break
    return first, last


def seed(ctx: DemoContext) -> None:
    coordinator: User | None = ctx.made.get("demo_users", {}).get("coordinator@northbrook.example")
    coordinator = coordinator or User.objects.order_by("pk").first()
    if coordinator is None:
        return
    submitted = list(
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(date_of_birth__isnull=False)
        .order_by("submitted_on", "id")
        .only("id", "first_name", "last_name", "date_of_birth", "school_id", "address_area", "status", "submitted_on")
    )
    repeats = _make_repeats(ctx, submitted)
    _people_for_every_referral()
    confirmed = _join(repeats, coordinator)
    links = _siblings(ctx, coordinator)
    ctx.say(
        f"  {Person.objects.count()} people; {confirmed} repeat referrals joined by a confirmed match, "
        f"{len(repeats) - confirmed} proposed at triage; {links} family links"
    )


def _make_repeats(ctx: DemoContext, submitted: list[Referral]) -> list[tuple[Referral, Referral, bool]]:
    """(earlier, later, joined): later referrals rewritten as about the earlier referral's person."""
    if len(submitted) < 12:
        return []
    rng = ctx.rng
    pairs: list[tuple[Referral, Referral, bool]] = []
    used: set[int] = set()
    open_later = [r for r in submitted if r.status in OPEN_STATUSES]
    wanted = max(4, len(submitted) // 60)
    # Open referrals first: their earlier referral waits for the coordinator's answer at triage.
    for later in open_later[: max(2, wanted // 3)]:
        earlier = rng.choice([r for r in submitted[: len(submitted) // 2] if r.pk not in used] or submitted[:1])
        if earlier.pk == later.pk:
            continue
        used.update({earlier.pk, later.pk})
        pairs.append((earlier, later, False))
    decided = [r for r in submitted if r.status not in OPEN_STATUSES and r.pk not in used]
    for _ in range(wanted):
        a, b = sorted(rng.sample(decided, 2), key=lambda r: (r.submitted_on, r.pk))
        if a.pk in used or b.pk in used or a.submitted_on == b.submitted_on:
            continue
        used.update({a.pk, b.pk})
        pairs.append((a, b, True))
    # One person referred three times within 12 months.
    recent = [
        r for r in decided if r.pk not in used and r.submitted_on and r.submitted_on >= ctx.today - timedelta(days=300)
    ]
    if len(recent) >= 3:
        first, second, third = sorted(rng.sample(recent, 3), key=lambda r: (r.submitted_on, r.pk))
        used.update({first.pk, second.pk, third.pk})
        pairs += [(first, second, True), (first, third, True)]
    changed = []
    for earlier, later, _joined in pairs:
        later.first_name, later.last_name = spelt_differently(earlier.first_name, earlier.last_name)
        later.date_of_birth, later.school_id, later.address_area = (
            earlier.date_of_birth, earlier.school_id, earlier.address_area,
        )  # fmt: skip
        changed.append(later)
    Referral.objects.bulk_update(changed, ["first_name", "last_name", "date_of_birth", "school_id", "address_area"])
    return pairs


def _people_for_every_referral() -> None:
    pending = Referral.objects.filter(person__isnull=True).exclude(status=Status.DRAFT).order_by("pk")
    while True:
        rows = list(pending.values_list("pk", "first_name", "last_name", "date_of_birth")[:CHUNK])
        if not rows:
            return
        people = Person.objects.bulk_create(
            Person(
                first_name=first, last_name=last, date_of_birth=born,
                name_key=name_key(first, last), phonetic_key=phonetic_key(first, last),
            )
            for _, first, last, born in rows
        )  # fmt: skip
        Referral.objects.bulk_update(
            [Referral(pk=pk, person_id=p.pk) for (pk, *_), p in zip(rows, people, strict=True)], ["person"]
        )


def _join(pairs: list[tuple[Referral, Referral, bool]], coordinator: User) -> int:
    person_of = dict(Referral.objects.filter(pk__in=[r.pk for p in pairs for r in p[:2]]).values_list("pk", "person"))
    joined = 0
    for earlier, later, join in pairs:
        if not join:
            continue
        into, old = person_of[earlier.pk], person_of[later.pk]
        Referral.objects.filter(person_id=old).update(person_id=into)
        Person.objects.filter(pk=old).update(merged_into_id=into)
        MatchDecision.objects.create(
            referral_id=later.pk, candidate_id=into, outcome=MatchOutcome.CONFIRMED, score=95,
            reasons="similar name; name sounds the same; same date of birth; same school", decided_by=coordinator,
        )  # fmt: skip
        person_of[later.pk] = into
        joined += 1
    return joined


def _siblings(ctx: DemoContext, coordinator: User) -> int:
    """Pairs of referrals of the same family name and area: linked as brothers or sisters."""
    seen: dict[tuple[str, str], int] = {}
    links = []
    rows = (
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(person__merged_into__isnull=True)
        .order_by("pk")
        .values_list("person_id", "last_name", "address_area")
    )
    wanted = max(3, ctx.scale.referrals // 200)
    for person_id, last_name, area in rows:
        key = (last_name, area)
        other = seen.get(key)
        if other is None:
            seen[key] = person_id
        elif other != person_id:
            links.append(PersonLink(from_person_id=other, to_person_id=person_id, relationship=Relationship.SIBLING,
                                    recorded_by=coordinator))  # fmt: skip
            del seen[key]
            if len(links) >= wanted:
                break
    PersonLink.objects.bulk_create(links)
    return len(links)
