"""Transfers of a case between local authorities (Channel duty guidance, December 2023: when a person moves, the
case is handed to the panel where they now live, with the information it needs).

A transfer out closes the case here as "transferred" (its own line in the statistics) and goes with an
OFFICIAL-SENSITIVE transfer pack (channel.transfer_pack). A transfer in opens a case here that keeps where it came
from: the sending council, its contact and its own reference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .cases import TEXT_LIMIT, Case


class TransferDirection(models.TextChoices):
    OUT = "out", "Transferred out"
    IN = "in", "Transferred in"


class CaseTransfer(models.Model):
    AUDIT_SENSITIVE_FIELDS = ("contact_name", "contact_email", "contact_phone", "reason")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    direction = models.CharField(max_length=4, choices=TransferDirection.choices)
    council = models.CharField("the other local authority", max_length=200)
    contact_name = models.CharField("contact's name", max_length=150)
    contact_email = models.EmailField("contact's email address", blank=True)
    contact_phone = models.CharField("contact's telephone number", max_length=40, blank=True)
    their_reference = models.CharField("their reference", max_length=60, blank=True)
    on = models.DateField("date of transfer")
    reason = models.TextField(max_length=TEXT_LIMIT)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "direction"], name="case_transfer_once_each_way")]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.council} on {self.on:%d %b %Y}"
