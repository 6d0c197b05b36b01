"""Downloads of lists: the one way a list page exports what its filters show (`export_list`).

A list short enough is written in the request, as it always was: the file comes straight back. A longer one
(more than EXPORT_INLINE_ROWS rows) is made in the background: the request records a `ListDownload` and starts
its task through the outbox, and the person is sent to the download's page, which shows its progress and then a
link to the file. So no request spends seconds writing 30,000 sessions or a minute writing a million audit events
(past the web server's timeout), and the download survives a worker restart (the outbox delivers the task again).

Both ways choose the rows through the export's own `rows_for(user, params)` and write them with
`core.csv_export.export_csv`, so the scoping, the columns a role may see and the audit event are the same. Only
the person who asked may see a download or fetch its file; fetching it is audited; it is deleted after
DOWNLOAD_KEEP_HOURS."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponseBase, QueryDict
from django.shortcuts import redirect
from django.utils import timezone

from .audit import audit_record
from .csv_export import ExportFiltersInvalid, ListExport, export_csv, export_file_name, list_export_for
from .models import ListDownload
from .outbox import outbox_task
from .storage import stored_file_response

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

logger = logging.getLogger(__name__)

State = ListDownload.State
STORE_FOLDER = "downloads"


def inline_rows() -> int:
    """The longest list written in the request (EXPORT_INLINE_ROWS): at national scale on two cores, 10,000 rows
    take about 100 ms to read and write."""
    return int(settings.EXPORT_INLINE_ROWS)


def keep_for() -> timedelta:
    return timedelta(hours=float(settings.DOWNLOAD_KEEP_HOURS))


def expires_at(download: ListDownload) -> datetime:
    return download.requested_at + keep_for()


def export_list(request: HttpRequest, export: ListExport) -> HttpResponseBase:
    """The CSV of what the list's filters show, or (for a long list) the page of its download being made.
    Invalid filters send the user back to the list with a message; someone who may not download the list gets
    the export's own refusal (a 404)."""
    try:
        rows = export.rows_for(request.user, request.GET)
    except ExportFiltersInvalid as invalid:
        messages.error(request, str(invalid))
        return redirect(f"{export.list_url}?{request.GET.urlencode()}")
    if rows.filterset.is_bound and not rows.filterset.is_valid():
        messages.error(request, "Correct the filters before downloading the list.")
        return redirect(f"{export.list_url}?{request.GET.urlencode()}")
    limit = inline_rows()
    # Bounded: counting stops one row past the limit, so a million audit events cost no more than ten thousand.
    if rows.queryset.order_by()[: limit + 1].count() > limit:
        download = download_request(user=request.user, export=export, params=request.GET.urlencode())
        return redirect("core:download", pk=download.pk)
    spool, _count = export_csv(export, rows, actor=request.user, request=request)
    return FileResponse(
        spool, as_attachment=True, filename=export_file_name(export), content_type="text/csv; charset=utf-8"
    )


def download_request(*, user: AbstractBaseUser | Any, export: ListExport, params: str) -> ListDownload:
    """Records the download and starts making it, after commit, through the outbox. Asking again for the same
    list with the same filters while it is being made (a second click on the link) gets the same download: the
    database holds one download being made per person, list and filters (a partial unique index), so even two
    requests at once make one."""
    digest = hashlib.sha256(params.encode()).hexdigest()
    same = ListDownload.objects.filter(requested_by_id=user.pk, export=export.key, params_digest=digest)
    waiting = same.filter(state=State.QUEUED).first()
    if waiting is not None:
        return waiting
    from .tasks import download_prepare_task  # core.tasks imports this module (as reports' services do)

    try:
        with transaction.atomic():
            download = ListDownload.objects.create(
                requested_by_id=user.pk, export=export.key, params=params, params_digest=digest, title=export.title
            )
            outbox_task(task=download_prepare_task, args=[download.pk])
    except IntegrityError:
        # Another request made it between the look and the insert (the index waited for its commit).
        first = same.order_by("-requested_at", "-pk").first()
        if first is None:
            raise
        return first
    return download


def download_prepare(*, download_id: int) -> ListDownload | None:
    """Makes the file, as the person who asked: their access now decides which rows it holds, as it would in the
    request. Only a download still queued is made, and it is marked ready under a row lock, so a task delivered
    twice makes it once (None for the second). A refusal (their access ended) or filters that no longer hold end
    it as failed, with the reason."""
    download = ListDownload.objects.select_related("requested_by").filter(pk=download_id, state=State.QUEUED).first()
    if download is None:
        return None
    user = download.requested_by
    export = list_export_for(download.export)
    try:
        if not user.is_active:
            raise PermissionDenied
        rows = export.rows_for(user, QueryDict(download.params))
        if rows.filterset.is_bound and not rows.filterset.is_valid():
            raise ExportFiltersInvalid("The list's filters are no longer valid. Download the list again.")
    except (Http404, PermissionDenied):
        return download_mark_failed(download_id=download_id, error="You may no longer download this list.")
    except ExportFiltersInvalid as invalid:
        return download_mark_failed(download_id=download_id, error=str(invalid))
    spool, count = export_csv(export, rows, actor=user, request=None, extra=["made in the background"])
    with spool:
        size = spool.seek(0, 2)
        spool.seek(0)
        with transaction.atomic():
            claimed = ListDownload.objects.select_for_update().filter(pk=download_id, state=State.QUEUED).first()
            if claimed is None:  # made meanwhile by a second delivery
                return None
            stored = default_storage.save(f"{STORE_FOLDER}/{uuid.uuid4().hex}.csv", File(spool))
            claimed.state, claimed.finished_at = State.READY, timezone.now()
            claimed.rows, claimed.size, claimed.stored_name = count, size, stored
            claimed.file_name = export_file_name(export)
            claimed.save(update_fields=["state", "finished_at", "rows", "size", "stored_name", "file_name"])
    return claimed


def download_mark_failed(*, download_id: int, error: str) -> ListDownload | None:
    """Ends a download still being made as failed, with a reason that names no row; returns it (None when it was
    made or ended meanwhile)."""
    ended = ListDownload.objects.filter(pk=download_id, state=State.QUEUED).update(
        state=State.FAILED, error=error[:255], finished_at=timezone.now()
    )
    return ListDownload.objects.get(pk=download_id) if ended else None


HOME_LIMIT = 5


def downloads_kept_for(*, user: AbstractBaseUser | Any) -> list[ListDownload]:
    """The person's latest downloads still kept (at most HOME_LIMIT), for their home page; one indexed query."""
    if not user.is_authenticated:
        return []
    since = timezone.now() - keep_for()
    kept = ListDownload.objects.filter(requested_by_id=user.pk, requested_at__gt=since)
    return list(kept.only("pk", "title", "state", "requested_at")[:HOME_LIMIT])


def download_get_for_user(*, user: AbstractBaseUser | Any, pk: int) -> ListDownload:
    """The download, for the person who asked for it while it is kept; anyone else, or after, a 404."""
    download = ListDownload.objects.filter(pk=pk, requested_by_id=user.pk).first() if user.is_authenticated else None
    if download is None or timezone.now() >= expires_at(download):
        raise Http404
    return download


def download_fetch(*, download: ListDownload, user: AbstractBaseUser | Any, request: HttpRequest) -> FileResponse:
    """The file, for the person who asked for it while it is kept; each fetch is audited."""
    if download.requested_by_id != user.pk or download.state != State.READY or timezone.now() >= expires_at(download):
        raise Http404
    with transaction.atomic():
        audit_record(
            actor=user,
            action="core.download_fetched",
            obj=download,
            detail=f"{download.export}; {download.rows} rows",
            request=request,
        )
    return stored_file_response(
        download.stored_name, filename=download.file_name, content_type="text/csv; charset=utf-8"
    )


def downloads_purge_expired(*, now: datetime | None = None) -> int:
    """Deletes the downloads asked for more than DOWNLOAD_KEEP_HOURS ago, their files with them (hourly, and in
    the nightly housekeeping). Returns how many."""
    cutoff = (now or timezone.now()) - keep_for()
    purged = 0
    for download_id, stored_name in ListDownload.objects.filter(requested_at__lte=cutoff).values_list(
        "pk", "stored_name"
    ):
        with transaction.atomic():
            if stored_name:
                default_storage.delete(stored_name)
            purged += ListDownload.objects.filter(pk=download_id).delete()[0]
    return purged
