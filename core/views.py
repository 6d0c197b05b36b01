from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .csv_export import list_export_for
from .downloads import download_fetch, download_get_for_user, expires_at, inline_rows
from .registry import home_sections_for
from .retention import retention_settings

logger = logging.getLogger(__name__)

# How long browsers and monitors are asked to wait before trying again while the database is unreachable: about
# as long as PostgreSQL takes to restart or fail over.
RETRY_AFTER_SECONDS = 30


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own page of what needs it today; every app adds its sections through core.registry."""
    return render(request, "core/home.html", {"sections": home_sections_for(request.user)})


@require_GET
def download_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A long list's download being made in the background, then its link; only for the person who asked."""
    download = download_get_for_user(user=request.user, pk=pk)
    try:
        list_url = list_export_for(download.export).list_url
    except LookupError:  # asked for before a release that renamed the export: its task failed it, with the reason
        list_url = reverse("core:home")
    return render(
        request,
        "core/download.html",
        {
            "download": download,
            "expires_at": expires_at(download),
            "inline_rows": inline_rows(),
            "list_url": f"{list_url}?{download.params}" if download.params else list_url,
        },
    )


@require_GET
def download_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    return download_fetch(download=download_get_for_user(user=request.user, pk=pk), user=request.user, request=request)


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database (and Redis, where configured) answer; 503 otherwise. No personal data."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        logger.exception("health check: database unreachable")
        checks["database"] = "unavailable"
        healthy = False
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception:  # noqa: BLE001
            logger.exception("health check: redis unreachable")
            checks["redis"] = "unavailable"
            healthy = False
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@login_not_required
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.html")


@login_not_required
def privacy_notice(request: HttpRequest) -> HttpResponse:
    # The schedule as it is applied, so the notice never states periods the portal does not keep to.
    return render(request, "core/privacy.html", {"schedule": retention_settings()})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The refusal page. A view that says why it refuses (`PermissionDenied("Only the Prevent team logs visits.")`)
    has that sentence shown instead of the general one."""
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def _standalone_page(template_name: str, *, status: int) -> HttpResponse:
    # Rendered without the request context: the failure may be in a context processor or the database.
    from django.template import loader

    context = {"council_name": settings.COUNCIL_NAME, "support_email": settings.SUPPORT_EMAIL}
    return HttpResponse(loader.get_template(template_name).render(context), status=status)


def database_unavailable() -> HttpResponse:
    """503 "Sorry, the service is unavailable" with Retry-After: the database is down, not the request wrong."""
    response = _standalone_page("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Set here, not left to SecurityHeadersMiddleware: the failure may have happened outside it.
    response["Cache-Control"] = "no-store, max-age=0"
    return response


def error_500(request: HttpRequest) -> HttpResponse:
    # PostgreSQL going away (a restart, a fail-over, the network) raises OperationalError or InterfaceError
    # wherever the request first touches it: a view, or the session and authentication middleware before any
    # view. Django hands every one of those to this handler with the exception still being handled, so this one
    # check answers every page with 503 instead of 500. Connections recover by themselves: Django drops a broken
    # one at the end of the request (and CONN_HEALTH_CHECKS replaces a stale one before the next).
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable()
    return _standalone_page("500.html", status=500)


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page went stale (open too long, or signed out in another tab): say so in plain words
    and link back, instead of Django's technical "CSRF verification failed" page. The reason stays in the log."""
    logger.info("form refused by the CSRF check: %s", reason)
    back = request.path if request.method == "POST" else "/"
    return render(request, "403_csrf.html", {"back": back}, status=403)


@login_not_required
def sign_in_redirect(request: HttpRequest) -> HttpResponse:
    """/accounts/login/, the address people guess (and Django's default), leads to /accounts/sign-in/."""
    target = reverse("accounts:login")
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{target}?{query}" if query else target)
