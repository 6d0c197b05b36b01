from __future__ import annotations

import factory

from channel.models import Panel, PanelKind


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    name = factory.Sequence(lambda n: f"Test Panel {n}")
    kind = PanelKind.CHANNEL
