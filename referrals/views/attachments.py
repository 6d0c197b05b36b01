"""A referral's attachments: those who triage it attach files on its page; those who may read its content
download them (audited). Everyone else gets a 404, a reader who may not triage a 403 on the upload page."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import Capability, capability_required, signed_in_user
from core.attachments import attachment_get, attachment_send, attachment_upload_page
from core.models import Attachment
from core.uploads import upload_limit

from ..models import Referral
from ..selectors import referral_content_visible, referral_get_for_user
from .triage import _referral_to_triage


@capability_required(Capability.REFERRAL_VIEW)
@require_http_methods(["GET", "POST"])
@upload_limit("ATTACHMENT_MAX_BYTES")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral_to_triage(request, pk, "attachment_add")
    return attachment_upload_page(
        request,
        target=referral,
        actor=signed_in_user(request),
        title="Attach a file",
        caption=referral.reference or "",
        back_url=reverse("referrals:detail", args=[referral.pk]),
    )


@capability_required(Capability.REFERRAL_VIEW)
@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    referral = referral_get_for_user(user=request.user, pk=pk, request=request, page="attachment")
    if referral.is_draft or not referral_content_visible(user=request.user, referral=referral):
        raise Http404
    try:
        attachment = attachment_get(pk=attachment_pk, on=[(Referral, [referral.pk])])
    except Attachment.DoesNotExist:
        raise Http404 from None
    return attachment_send(attachment=attachment, actor=signed_in_user(request), request=request)
