"""The person a referral is about, so that a second or third referral about the same young person is read with
the first (Lord Anderson's review of Prevent, July 2025: one person referred three times, each referral judged
alone).

Each submitted referral starts with a person of its own. At triage the portal proposes earlier people who may be
the same (people.services.matching); a coordinator confirms a match, which moves the referral (and its case,
which belongs to the person through its referral) to the earlier person, or rejects it. Both answers are kept
(MatchDecision) and audited. People are never deleted: a person whose referrals all moved is kept, pointing at
the person they were merged into.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.lookups import TrigramSimilar
from django.db import models
from django.db.models import Q

from .keys import name_key, phonetic_key


class NameKeyField(models.CharField):  # type: ignore[type-arg]
    """The normalised name; `name_key__trigram_similar` is pg_trgm's `%` (GIN-indexed on PostgreSQL only)."""


NameKeyField.register_lookup(TrigramSimilar)


class Person(models.Model):
    """One person, across every referral and case about them. The name and date of birth are those of the
    first referral; each referral keeps the name it was made with."""

    AUDIT_SENSITIVE_FIELDS = ("first_name", "last_name", "date_of_birth")

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True, db_index=True)
    name_key = NameKeyField(max_length=201, blank=True, db_index=True)
    phonetic_key = models.CharField(max_length=16, blank=True, db_index=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_people"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(
        null=True, blank=True, help_text="When the retention schedule removed what identifies the person."
    )

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def name(self) -> str:
        if self.anonymised_at is not None:
            return "Anonymised"
        return f"{self.first_name} {self.last_name}".strip()

    def set_keys(self) -> None:
        self.name_key = name_key(self.first_name, self.last_name)
        self.phonetic_key = phonetic_key(self.first_name, self.last_name)


class MatchOutcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed: the same person"
    REJECTED = "rejected", "Rejected: a different person"


class MatchDecision(models.Model):
    """A coordinator's answer to a proposed match between a referral and an earlier person."""

    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="match_decisions")
    candidate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="match_decisions")
    outcome = models.CharField(max_length=12, choices=MatchOutcome.choices)
    score = models.PositiveSmallIntegerField(default=0)
    reasons = models.CharField(max_length=300, blank=True, help_text="What matched, as proposed.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "candidate"], name="match_decision_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.referral_id} / {self.candidate_id})"


class Relationship(models.TextChoices):
    SIBLING = "sibling", "Brother or sister"
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "Son or daughter"
    OTHER_FAMILY = "other_family", "Other family member"
    HOUSEHOLD = "household", "Lives in the same household"


# What the relationship reads as from the other person's side.
RELATIONSHIP_INVERSE = {
    Relationship.SIBLING: Relationship.SIBLING,
    Relationship.PARENT: Relationship.CHILD,
    Relationship.CHILD: Relationship.PARENT,
    Relationship.OTHER_FAMILY: Relationship.OTHER_FAMILY,
    Relationship.HOUSEHOLD: Relationship.HOUSEHOLD,
}


class PersonLink(models.Model):
    """A family or household link: `to_person` is `relationship` of `from_person`. Shown only to someone who may
    see a referral of each person (people.selectors.linked_people_visible_to)."""

    from_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_from")
    to_person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="links_to")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_person", "to_person"], name="person_link_once"),
            models.CheckConstraint(name="person_link_not_self", condition=~Q(from_person=models.F("to_person"))),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()}: {self.from_person_id} -> {self.to_person_id}"
