from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def key_label(value: Any) -> str:
    """'staff_trained' -> 'Staff trained', for dictionaries handed over by other apps' selectors."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
