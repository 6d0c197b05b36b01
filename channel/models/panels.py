"""Panels: the multi-agency panels cases are sent to. Who chairs or sits on a panel, and when, are
accounts.Membership rows."""

from __future__ import annotations

from django.db import models

from core.locking import Versioned
from core.models import TimeStampedModel


class PanelKind(models.TextChoices):
    CHANNEL = "channel", "Channel panel"
    UNDER_18 = "under_18", "Social Inclusion Panel (under 18s)"
    ADULT = "adult", "Safeguarding Adults Panel"


class Panel(TimeStampedModel, Versioned):
    """A multi-agency panel. Who chairs and who sits on it, and when, are accounts.Membership rows."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=16, choices=PanelKind.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
