from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The address people guess (and Django's default): sign-in lives at /accounts/sign-in/.
    path("accounts/login/", core_views.sign_in_redirect, name="login_redirect"),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("accounts.audit_urls")),
    path("outbox/", include("accounts.outbox_urls")),
    path("retention/", include("accounts.retention_urls")),
    path("schools/", include("schools.urls")),
    path("training/", include("training.urls")),
    path("referrals/", include("referrals.urls")),
    path("people/", include("people.urls")),
    path("panels/", include("channel.urls")),
    path("reports/", include("reports.urls")),
    path("subject-access/", include("sar.urls")),
    path("system/admin/", admin.site.urls),
    path("", include("core.urls")),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
