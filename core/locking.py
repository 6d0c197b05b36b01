"""Refusing a stale edit: the portal's one optimistic-locking idiom.

Every record a person can edit carries a `version` (the `Versioned` base). An edit form carries the version it
was opened at; the service saves with `versioned_update`, one UPDATE ... WHERE pk = %s AND version = %s that also
raises the version. No row updated means someone else saved first: the service raises `StaleEdit`, which holds the
record as it is now, and every edit page shows it the same way (`core.forms.form_show_stale_edit` and the
`includes/stale_edit.html` summary): "Someone else changed this while you were editing", their newer values, and
the person's own typed values kept in the form to re-apply.

A conditional UPDATE needs no lock and works the same on PostgreSQL and SQLite (Django's docs on avoiding race
conditions with F() expressions). Services that must also read the row under a lock (to check a rule on its
current state) may still `select_for_update()` first; the version compare stays the one thing that refuses.

Each edit service registers itself with `register_edit_service`, so one generic test can find every editable
model and prove that of two saves from the same starting version the second is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from .audit import snapshot

STALE_MESSAGE = "Someone else changed this while you were editing"


class Versioned(models.Model):
    """Base for records a person can edit: `version` rises by one on every save through `versioned_update`."""

    version = models.PositiveIntegerField(
        default=1, help_text="Rises on each edit; a save from an older one is refused."
    )

    class Meta:
        abstract = True


V = TypeVar("V", bound=Versioned)


class StaleEdit(ValidationError):
    """Someone else saved the record after the page was opened. `current` is the record as it is now."""

    def __init__(self, current: Versioned | None = None, message: str = STALE_MESSAGE) -> None:
        super().__init__(message, code="stale")
        self.current = current


def versioned_update(*, instance: V, expected_version: int | None, fields: Iterable[str]) -> V:
    """Saves `fields` of `instance` if and only if the stored version is still `expected_version`, raising it by
    one in the same UPDATE. `expected_version=None` means the caller holds no version (a command or a task acting
    on the current state): the save still raises the version, so open edit pages learn of it.

    Raises StaleEdit (with the current record) when someone else saved first; nothing is written then.
    """
    names = list(dict.fromkeys(fields))
    model = type(instance)
    values: dict[str, Any] = {}
    for name in names:
        field = model._meta.get_field(name)
        values[field.attname] = getattr(instance, field.attname)  # type: ignore[union-attr]
    if any(f.name == "updated_at" for f in model._meta.concrete_fields) and "updated_at" not in names:
        values["updated_at"] = timezone.now()
        instance.updated_at = values["updated_at"]  # type: ignore[attr-defined]
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    updated = rows.update(**values, version=F("version") + 1)
    if updated == 0:
        raise StaleEdit(current=model._default_manager.filter(pk=instance.pk).first())
    instance.version = model._default_manager.values_list("version", flat=True).get(pk=instance.pk)
    return instance


def versioned_edit(
    *, instance: V, expected_version: int | None, values: Mapping[str, Any], fields: Sequence[str]
) -> tuple[V, dict[str, Any]]:
    """The usual edit service's save: reads the record as stored, sets those of `fields` that `values` holds,
    validates it (full_clean) and saves it with `versioned_update`. Returns the saved record and its fields as
    they were, for the audit trail's `changes_between`. Raises StaleEdit as `versioned_update` does."""
    saved = type(instance)._default_manager.get(pk=instance.pk)
    before = snapshot(saved, fields)
    for name in fields:
        if name in values:
            setattr(saved, name, values[name])
    saved.full_clean()
    versioned_update(instance=saved, expected_version=expected_version, fields=fields)
    return saved, before


def version_claim(*, instance: V, expected_version: int | None) -> V:
    """Raises the version alone, refusing a stale one: for an edit whose changes live in other rows (a school's
    checklist items, a referral's screening answers) but whose page holds the parent's version."""
    return versioned_update(instance=instance, expected_version=expected_version, fields=())


@dataclass(frozen=True)
class EditService:
    """How the generic two-saves test drives one model's edit service.

    `edit(instance=, expected_version=, actor=, text=)` must save `text` into a field that `read(instance)` returns,
    through the app's real service, raising StaleEdit for a stale version.
    """

    model: type[Versioned]
    edit: Callable[..., Any]
    read: Callable[[Any], Any]
    role: str = "coordinator"
    # For a record without a text field (a schedule of numbers): what `read` returns after saving `text`.
    encode: Callable[[str], Any] = str


_edit_services: dict[type[Versioned], EditService] = {}


def register_edit_service(service: EditService) -> None:
    _edit_services[service.model] = service


def edit_services() -> dict[type[Versioned], EditService]:
    return dict(_edit_services)


def stale_edit_show_on_form(form: Any, error: StaleEdit) -> None:
    """How every edit page shows a refused save: the GOV.UK error summary says someone else changed the record,
    a summary list under it shows their newer values, and the person's own typed values stay in the form with
    the version moved on, so saving again applies their values over the newer record on purpose."""
    from django.template.loader import render_to_string

    form.add_error(
        None,
        f"{STALE_MESSAGE}. Their changes are shown below. Your changes are still in the form: check them and save again.",
    )
    current = error.current
    if current is None:
        return
    if form.is_bound and "version" in form.fields:
        data = form.data.copy()
        data[form.add_prefix("version")] = str(current.version)
        form.data = data
    newer = []
    for name, field in form.fields.items():
        if name in ("version", "form_token") or not hasattr(current, name):
            continue
        display = getattr(current, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(current, name)
        newer.append((field.label or name.replace("_", " ").capitalize(), "" if value is None else value))
    form.stale_values = newer
    helper = getattr(form, "helper", None)
    if helper is not None and getattr(helper, "layout", None) is not None:
        from crispy_forms.layout import HTML

        helper.layout.insert(0, HTML(render_to_string("includes/stale_edit.html", {"newer": newer})))
