"""The lists referrals are answered from and the council's routing, which coordinators edit, and the panel a
decision goes to by that routing."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest

from accounts.models import User
from channel.models.panels import Panel, PanelKind
from core.audit import audit_record, changes_between, snapshot
from core.idempotency import create_once
from core.locking import versioned_update

from ..models import ListItem, RoutingSettings, ScreeningQuestion

L = TypeVar("L", bound=ListItem)


def panel_for(*, age: int | None, routing: RoutingSettings | None = None) -> Panel | None:
    """The panel the council sends someone of this age to: its under-18 panel or its adult panel, falling back
    on an active panel of the right kind, then on Channel."""
    routing = routing or RoutingSettings.objects.get_or_create(pk=1)[0]
    child = age is not None and age < 18
    configured = routing.under_18_panel if child else routing.adult_panel
    if configured is not None:
        return configured
    kinds = [PanelKind.UNDER_18, PanelKind.CHANNEL] if child else [PanelKind.ADULT, PanelKind.CHANNEL]
    for kind in kinds:
        panel = Panel.objects.filter(kind=kind, is_active=True).order_by("pk").first()
        if panel is not None:
            return panel
    return None


LIST_ITEM_FIELDS = ("label", "hint", "is_active", "order")


def list_item_fields(model: type[ListItem]) -> tuple[str, ...]:
    """The fields a coordinator edits on a list's rows: screening questions also carry their escalation flag."""
    return (*LIST_ITEM_FIELDS, "escalates") if issubclass(model, ScreeningQuestion) else LIST_ITEM_FIELDS


@transaction.atomic
def list_item_add(
    *,
    model: type[L],
    actor: User,
    data: dict[str, Any],
    form_token: str | None = None,
    request: HttpRequest | None = None,
) -> L:
    """Add a row to an editable list; a second POST of the same form returns the row the first made."""

    def create() -> L:
        fields = list_item_fields(model)
        item = model(**{name: data[name] for name in fields if name in data})
        item.full_clean()
        item.save()
        audit_record(
            actor=actor, action=f"referrals.{model._meta.model_name}_created", obj=item,
            changes=changes_between(snapshot(model(), fields), item), request=request,
        )  # fmt: skip
        return item

    return create_once(token=form_token, actor=actor, model=model, create=create)


@transaction.atomic
def list_item_update(
    *, item: L, actor: User, data: dict[str, Any], expected_version: int | None, request: HttpRequest | None = None
) -> L:
    """Change a row of an editable list. Old referrals keep the wording they were answered with."""
    fields = list_item_fields(type(item))
    before = snapshot(item, fields)
    for name in fields:
        if name in data:
            setattr(item, name, data[name])
    item.full_clean()
    versioned_update(instance=item, expected_version=expected_version, fields=fields)
    audit_record(
        actor=actor,
        action=f"referrals.{item._meta.model_name}_changed",
        obj=item,
        changes=changes_between(before, item),
        request=request,
    )
    return item


@transaction.atomic
def routing_settings_update(
    *,
    actor: User,
    under_18_panel: Panel | None,
    adult_panel: Panel | None,
    triage_target_days: int,
    expected_version: int | None,
    request: HttpRequest | None = None,
) -> RoutingSettings:
    row, _ = RoutingSettings.objects.get_or_create(pk=1)
    before = snapshot(row, ["under_18_panel", "adult_panel", "triage_target_days"])
    row.under_18_panel = under_18_panel
    row.adult_panel = adult_panel
    row.triage_target_days = triage_target_days
    row.full_clean()
    versioned_update(
        instance=row, expected_version=expected_version, fields=["under_18_panel", "adult_panel", "triage_target_days"]
    )
    audit_record(
        actor=actor, action="referrals.routing_changed", obj=row, changes=changes_between(before, row), request=request
    )
    return row
