"""What the channel views share: the one form page and turning a service's refusal into GOV.UK errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors

from ..models.cases import Case
from ..selectors import can_edit_case, case_get_for_user


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    title: str,
    back_url: str,
    on_valid: Callable[[dict[str, Any]], Any],
    caption: str = "",
    back_label: str = "Back",
    intro: Iterable[str] = (),
    warnings: Iterable[str] = (),
    done_message: str = "",
    done_url: str | None = None,
    extra: dict[str, Any] | None = None,
    check: Callable[[dict[str, Any]], tuple[str, list[tuple[str, str]]]] | None = None,
) -> HttpResponse:
    """Renders a form; on a valid POST calls `on_valid(cleaned_data)`; a ValidationError from the service comes
    back as the GOV.UK error summary (nothing is written, the service runs in one transaction); a StaleEdit shows
    what someone else saved, the person's typed values kept. A create form's one-time token is passed by `on_valid`
    to its service, so a second POST of the same form redirects to what the first made.

    With `check` (cleaned data -> heading and summary rows), a valid POST first shows a GOV.UK check page
    ("You are about to record ..."); only its own POST, which carries the same values, calls `on_valid`."""
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        if check is not None and "confirm" not in request.POST:
            heading, rows = check(form.cleaned_data)
            skip = {"csrfmiddlewaretoken", "confirm", "change"}
            posted = [(k, v) for k in request.POST if k not in skip for v in request.POST.getlist(k)]
            check_context: dict[str, Any] = {
                "heading": heading, "rows": rows, "posted": posted, "caption": caption, "back_url": back_url,
            }  # fmt: skip
            return render(request, "channel/check_page.html", check_context)
        try:
            result = on_valid(form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done_message:
                messages.success(request, done_message)
            return redirect(result if isinstance(result, str) else (done_url or back_url))
    context = {
        "form": form,
        "title": title,
        "caption": caption,
        "back_url": back_url,
        "back_label": back_label,
        "intro": list(intro),
        "warnings": list(warnings),
        **(extra or {}),
    }
    return render(request, "channel/form_page.html", context, status=200)


def case_for_write(request: HttpRequest, pk: int) -> Case:
    """The case through the user's scope (404 out of scope, the read audited), then 403 unless they may change it."""
    case = case_get_for_user(user=request.user, pk=pk, request=request)
    if not can_edit_case(user=request.user, case=case):
        raise PermissionDenied
    return case
