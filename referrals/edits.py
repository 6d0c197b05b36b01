"""How each versioned record of the referrals app is edited, for core.locking's registry: the generic two-saves
test drives every one of these through the app's real edit service (tests/core/test_edit_services.py)."""

from __future__ import annotations

from channel.models.panels import Panel, PanelKind
from core.locking import EditService

from .models import ConcernType, Indicator, Referral, RoutingSettings, ScreeningQuestion, SignpostService
from .services.configuration import list_item_update, routing_settings_update
from .services.triage import DecisionChoice, referral_decide


def _routing_edit(*, instance: RoutingSettings, expected_version: int | None, actor: object, text: str) -> None:
    # The routing holds no free text: the text names the adult panel chosen, and is read back through it.
    panel, _ = Panel.objects.get_or_create(name=text, defaults={"kind": PanelKind.ADULT})
    routing_settings_update(
        actor=actor,  # type: ignore[arg-type]
        under_18_panel=instance.under_18_panel,
        adult_panel=panel,
        triage_target_days=instance.triage_target_days,
        expected_version=expected_version,
    )


EDIT_SERVICES = (
    EditService(
        model=Referral,
        edit=lambda *, instance, expected_version, actor, text: referral_decide(
            referral=instance,
            actor=actor,
            choice=DecisionChoice.NO_FURTHER_ACTION,
            notes=text,
            unscreened_reason="Decided in the two-saves test without screening.",
            expected_version=expected_version,
        ),  # fmt: skip
        read=lambda referral: referral.decision_notes,
    ),
    EditService(model=RoutingSettings, edit=_routing_edit, read=lambda routing: routing.adult_panel.name),
    *(
        EditService(
            model=model,
            edit=lambda *, instance, expected_version, actor, text: list_item_update(
                item=instance, actor=actor, data={"label": text}, expected_version=expected_version
            ),
            read=lambda item: item.label,
        )
        for model in (ConcernType, Indicator, ScreeningQuestion, SignpostService)
    ),
)
