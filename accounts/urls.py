from __future__ import annotations

from django.urls import path

from .views import auth

app_name = "accounts"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("two-factor/", auth.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", auth.EnrolView.as_view(), name="enrol"),
    path("two-factor/backup-codes/", auth.BackupCodesShownView.as_view(), name="backup_codes_shown"),
]
