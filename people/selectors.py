"""Reads about people: proposed matches for a referral, a person's history as a viewer may see it, and the people
linked to them.

Matching runs in the database. On PostgreSQL the name is compared with pg_trgm (`%` on the GIN-indexed
normalised name, scored by `similarity()`); on SQLite, which has no trigrams, by the exact normalised name and
the phonetic key. Both also take the date of birth, the school and the area or ward. A candidate needs some name
evidence and at least one other thing in common.

A history or a link never shows a referral the viewer could not open: every list here is built from
referrals.selectors.referral_list_visible_to.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast

from accounts.models import User
from referrals.models import Referral, Status
from referrals.selectors import referral_list_visible_to

from .keys import name_key, phonetic_key
from .models import RELATIONSHIP_INVERSE, MatchDecision, MatchOutcome, Person, PersonLink, Relationship

MATCH_LIMIT = 8
# pg_trgm similarity for `%` (name candidates through the GIN index).
TRIGRAM_THRESHOLD = 0.45
# How many of the best name and birth-date matches are looked at for school and area.
CANDIDATE_POOL = 100
# Weights of each kind of evidence; a candidate is proposed at MATCH_THRESHOLD or more.
NAME_WEIGHT = 50
PHONETIC_WEIGHT = 15
BIRTH_WEIGHT = 35
SCHOOL_WEIGHT = 10
AREA_WEIGHT = 10
MATCH_THRESHOLD = 40
# Name evidence on SQLite, where there are no trigrams: an exact normalised name or the same phonetic key.
SQLITE_EXACT_SIMILARITY = 1.0
SQLITE_PHONETIC_SIMILARITY = 0.6
REPEAT_WINDOW_DAYS = 365
REPEAT_FLAG_COUNT = 3


@dataclass(frozen=True)
class MatchCandidate:
    person: Person
    score: int
    similarity: float
    same_birth: bool
    same_phonetic: bool
    same_school: bool
    same_area: bool

    @property
    def points(self) -> int:
        return round(
            self.similarity * NAME_WEIGHT
            + PHONETIC_WEIGHT * self.same_phonetic
            + BIRTH_WEIGHT * self.same_birth
            + SCHOOL_WEIGHT * self.same_school
            + AREA_WEIGHT * self.same_area
        )

    @property
    def reasons(self) -> list[str]:
        found = []
        if self.similarity >= 0.99:
            found.append("same name")
        elif self.similarity > 0 and connection.vendor == "postgresql":  # SQLite has no measured similarity
            found.append(f"similar name ({round(self.similarity * 100)}%)")
        if self.same_phonetic and self.similarity < 0.99:
            found.append("name sounds the same")
        if self.same_birth:
            found.append("same date of birth")
        if self.same_school:
            found.append("same school")
        if self.same_area:
            found.append("same area or ward")
        return found


def _name_similarity(key: str) -> tuple[Q, TrigramSimilarity | Case]:
    """The filter that finds name candidates and the similarity (0 to 1) of each, for this database."""
    if connection.vendor == "postgresql":
        return Q(name_key__trigram_similar=key), TrigramSimilarity("name_key", key)
    similarity = Case(
        When(name_key=key, then=Value(SQLITE_EXACT_SIMILARITY)),
        When(phonetic_key=phonetic_key_of(key), then=Value(SQLITE_PHONETIC_SIMILARITY)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return Q(name_key=key), similarity


def phonetic_key_of(key: str) -> str:
    first, _, last = key.partition(" ")
    return phonetic_key(first, last)


def match_candidates(*, referral: Referral, limit: int = MATCH_LIMIT) -> list[MatchCandidate]:
    """Earlier people who may be the person this referral is about, best first.

    Two indexed queries: the people whose name is similar (trigram index), sounds the same (phonetic key) or who
    share the date of birth, ranked in the database on those and cut to the best CANDIDATE_POOL; then their
    referrals' schools and areas. Scoring the pool in Python keeps each query to index scans (a correlated
    EXISTS per candidate made the single-query form slow for common names)."""
    key = name_key(referral.first_name, referral.last_name)
    sound = phonetic_key(referral.first_name, referral.last_name)
    if not key:
        return []
    name_q, similarity = _name_similarity(key)
    found = name_q | Q(phonetic_key=sound)
    if referral.date_of_birth:
        found |= Q(date_of_birth=referral.date_of_birth)
    rejected = MatchDecision.objects.filter(referral=referral, outcome=MatchOutcome.REJECTED).values("candidate_id")
    with _index_scans():
        pool = list(
            # A merged person has no referrals left, so the referral query below drops them; filtering them here
            # would let the planner scan the merged_into index for every person instead.
            Person.objects.filter(found)
            .exclude(pk=referral.person_id or 0)
            .exclude(pk__in=rejected)
            .annotate(
                similarity=Cast(similarity, FloatField()),
                same_birth=_flag(Q(date_of_birth=referral.date_of_birth) if referral.date_of_birth else None),
                same_phonetic=_flag(Q(phonetic_key=sound)),
            )
            .annotate(
                rank=F("similarity") * NAME_WEIGHT
                + _points("same_phonetic", PHONETIC_WEIGHT)
                + _points("same_birth", BIRTH_WEIGHT)
            )
            .order_by("-rank", "pk")[:CANDIDATE_POOL]
        )
    pool = [p for p in pool if p.similarity > 0 or p.same_phonetic]
    if not pool:
        return []
    area = referral.address_area.strip().lower()
    schools: dict[int, bool] = {}
    areas: dict[int, bool] = {}
    has_referral: set[int] = set()
    for person_id, school_id, address_area in (
        Referral.objects.filter(person_id__in=[p.pk for p in pool])
        .exclude(pk=referral.pk)
        .values_list("person_id", "school_id", "address_area")
    ):
        has_referral.add(person_id)
        if referral.school_id and school_id == referral.school_id:
            schools[person_id] = True
        if area and address_area.strip().lower() == area:
            areas[person_id] = True
    candidates = []
    for p in pool:
        if p.pk not in has_referral:
            continue
        candidate = MatchCandidate(
            person=p,
            similarity=float(p.similarity),
            same_birth=bool(p.same_birth),
            same_phonetic=bool(p.same_phonetic),
            same_school=schools.get(p.pk, False),
            same_area=areas.get(p.pk, False),
            score=0,
        )
        score = candidate.points
        # Some name evidence and one other thing in common.
        if score >= MATCH_THRESHOLD and (candidate.same_birth or candidate.same_school or candidate.same_area):
            candidates.append(MatchCandidate(**{**candidate.__dict__, "score": score}))
    candidates.sort(key=lambda c: (-c.score, -c.similarity, c.person.pk))
    return candidates[:limit]


@contextmanager
def _index_scans() -> Iterator[None]:
    """On PostgreSQL, the candidate query reads the trigram, phonetic and birth-date indexes (a BitmapOr), never
    the whole table: the planner prices `%` as cheap and would compute a trigram similarity for every person
    (350 ms at 60,000 people, against 25 to 70 ms through the GIN index on a loaded machine). `%` keeps names at
    TRIGRAM_THRESHOLD or more similar (pg_trgm's default 0.3 lets half the people with a common first name in);
    a variant further off is still found by its phonetic key. Both settings are local to the transaction and
    put back straight after the query."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), coalesce(current_setting('pg_trgm.similarity_threshold', true), '0.3'),"
            " set_config('enable_seqscan', 'off', true), set_config('pg_trgm.similarity_threshold', %s, true)",
            [str(TRIGRAM_THRESHOLD)],
        )
        row = cursor.fetchone()
        try:
            yield
        finally:
            cursor.execute(
                "SELECT set_config('enable_seqscan', %s, true), set_config('pg_trgm.similarity_threshold', %s, true)",
                [row[0], row[1]],
            )


def _flag(q: Q | None) -> Case | Value:
    if q is None:
        return Value(False, output_field=BooleanField())
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _points(flag: str, weight: int) -> Case:
    return Case(When(**{flag: True}, then=Value(weight)), default=Value(0), output_field=IntegerField())


def match_decisions_of(*, referral: Referral) -> list[MatchDecision]:
    return list(referral.match_decisions.select_related("decided_by").order_by("decided_at", "id"))


# --- A person's history, as the viewer may see it ----------------------------------------------------------------


def person_referrals_visible_to(*, user: User | AnonymousUser, person_id: int | None) -> QuerySet[Referral]:
    """The person's referrals that the user may open, oldest first, with their panel case if any."""
    if person_id is None:
        return Referral.objects.none()
    return (
        referral_list_visible_to(user=user)
        .filter(person_id=person_id)
        .exclude(status=Status.DRAFT)
        .select_related("decision_panel", "case", "case__panel")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class PersonHistory:
    referrals: list[Referral]
    current: Referral
    repeat_flag: bool

    @property
    def earlier(self) -> list[Referral]:
        return [r for r in self.referrals if r.pk != self.current.pk]


def person_history(*, user: User | AnonymousUser, referral: Referral) -> PersonHistory:
    """Every referral of the referral's person that the user may see, and whether this is the third (or later)
    referral within 12 months, which goes to the panel for discussion. The flag counts only what the user may
    see, so it never tells anyone of a referral they could not open (coordinators see them all)."""
    rows = list(person_referrals_visible_to(user=user, person_id=referral.person_id))
    day = referral.submitted_on or date.today()
    window = [r for r in rows if r.submitted_on and day - timedelta(days=REPEAT_WINDOW_DAYS) <= r.submitted_on <= day]
    return PersonHistory(referrals=rows, current=referral, repeat_flag=len(window) >= REPEAT_FLAG_COUNT)


def repeat_referral_count(*, person_id: int, day: date) -> int:
    """All referrals of a person in the 12 months to `day` (for the service's own flag, not for display)."""
    return (
        Referral.objects.filter(person_id=person_id, submitted_on__gt=day - timedelta(days=REPEAT_WINDOW_DAYS))
        .filter(submitted_on__lte=day)
        .count()
    )


# --- Linked people -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedPerson:
    link: PersonLink
    relationship: str
    referrals: list[Referral]


def linked_people_visible_to(*, user: User | AnonymousUser, person_id: int | None) -> list[LinkedPerson]:
    """The people linked to a person whom the user may see: a link is shown only with at least one referral of
    the other person that the user may open, and only those referrals. Links to anyone else are left out
    without a trace (no count, no "hidden" line). Two queries, whatever the number of links."""
    if person_id is None:
        return []
    links = list(PersonLink.objects.filter(Q(from_person_id=person_id) | Q(to_person_id=person_id)).order_by("id"))
    if not links:
        return []
    others = {link.to_person_id if link.from_person_id == person_id else link.from_person_id for link in links}
    visible: dict[int, list[Referral]] = {}
    for r in (
        referral_list_visible_to(user=user)
        .filter(person_id__in=others)
        .exclude(status=Status.DRAFT)
        .order_by("submitted_at", "id")
    ):
        visible.setdefault(r.person_id or 0, []).append(r)
    result = []
    for link in links:
        outward = link.from_person_id == person_id
        other = link.to_person_id if outward else link.from_person_id
        if other not in visible:
            continue
        relationship = Relationship(link.relationship)
        if not outward:
            relationship = RELATIONSHIP_INVERSE[relationship]
        result.append(LinkedPerson(link=link, relationship=relationship.label, referrals=visible[other]))
    return result


def person_of_visible_referral(*, user: User | AnonymousUser, reference: str) -> Person | None:
    """The person of the referral with this reference, if the user may see it (for linking people)."""
    row = referral_list_visible_to(user=user).filter(reference__iexact=reference.strip()).first()
    if row is None or row.person_id is None:
        return None
    return Person.objects.get(pk=row.person_id)


def repeat_referrals_visible_to(
    *, user: User | AnonymousUser, today: date, limit: int = 5
) -> tuple[int, list[Referral]]:
    """People referred three or more times in the 12 months to `today`, counting only referrals the user may
    see: how many, and the latest referral of the first `limit` of them (for the home page). Two queries. A plain
    count per person: the visible referrals are conditions on each referral's own row, so no join repeats one,
    and without DISTINCT PostgreSQL groups with a hash instead of sorting the year's referrals by person."""
    window = referral_list_visible_to(user=user).filter(
        submitted_on__gt=today - timedelta(days=REPEAT_WINDOW_DAYS), submitted_on__lte=today, person__isnull=False
    )
    repeated = list(
        window.order_by()
        .values("person_id")
        .annotate(n=Count("id"), latest=Max("id"))
        .filter(n__gte=REPEAT_FLAG_COUNT)
        .order_by("-latest")
        .values_list("latest", flat=True)
    )
    latest = list(Referral.objects.filter(pk__in=repeated[:limit]).order_by("-submitted_on", "-id"))
    return len(repeated), latest


def person_group(person: Person) -> list[int]:
    """The person and everyone merged into them, at any depth: whose referrals are theirs."""
    group, frontier = [person.pk], [person.pk]
    while frontier:
        frontier = list(Person.objects.filter(merged_into__in=frontier).values_list("pk", flat=True))
        group.extend(frontier)
    return group
