from __future__ import annotations

from django.urls import path

from .views import auth, session, users

app_name = "accounts"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("session/time-left/", session.session_time_left, name="session_time_left"),
    path("session/extend/", session.session_extend, name="session_extend"),
    path("two-factor/", auth.two_factor, name="two_factor"),
    path("two-factor/set-up/", auth.enrol, name="enrol"),
    path("two-factor/backup-codes/", auth.backup_codes_shown, name="backup_codes_shown"),
    path("two-factor/backup-codes/new/", auth.backup_codes_new, name="backup_codes_new"),
    path("set-password/<uidb64>/<token>/", auth.SetPasswordView.as_view(), name="set_password"),
    path("users/", users.user_list, name="user_list"),
    path("users/export/", users.user_export, name="user_export"),
    path("users/invite/", users.user_invite_page, name="user_invite"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", users.user_edit, name="user_edit"),
    path("users/lockouts/clear/", users.lockout_clear_view, name="lockout_clear"),
    path("users/<int:pk>/roles/add/", users.membership_add, name="membership_add"),
    path("users/<int:pk>/roles/<int:membership_pk>/end/", users.membership_end_page, name="membership_end"),
    path("users/<int:pk>/deactivate/", users.user_deactivate_page, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.user_reactivate_page, name="user_reactivate"),
    path("users/<int:pk>/send-sign-in-link/", users.sign_in_link_send_page, name="sign_in_link_send"),
    path("users/<int:pk>/reset-two-factor/", users.second_factor_reset_page, name="second_factor_reset"),
]
