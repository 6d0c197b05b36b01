"""The outbox page for system administrators, at /outbox/ (the rows are core's; who may read them is accounts'): e-mails and task starts waiting to be sent or failed, with their
attempts and last error, and "Retry now"."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.outbox import max_attempts, outbox_retry

from ..permissions import Capability, capability_required, signed_in_user
from ..selectors import outbox_message_waiting_for, outbox_messages_waiting_for

PAGE_SIZE = 50


@capability_required(Capability.SECURITY_ADMIN)
def outbox_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(outbox_messages_waiting_for(user=signed_in_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/outbox_list.html",
        {"page_obj": page, "outbox_messages": page.object_list, "max_attempts": max_attempts()},
    )


@capability_required(Capability.SECURITY_ADMIN)
@require_POST
def outbox_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = outbox_message_waiting_for(user=signed_in_user(request), pk=pk)
    if outbox_retry(message=message, actor=signed_in_user(request), request=request):
        messages.success(request, f"Message {pk} is being sent again.")
    else:
        messages.info(request, f"Message {pk} is being sent already.")
    return redirect("outbox:list")
