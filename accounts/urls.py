from __future__ import annotations

from django.urls import path

from .views import auth, users

app_name = "accounts"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="login"),
    path("sign-out/", auth.SignOutView.as_view(), name="logout"),
    path("two-factor/", auth.TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/set-up/", auth.EnrolView.as_view(), name="enrol"),
    path("two-factor/backup-codes/", auth.BackupCodesShownView.as_view(), name="backup_codes_shown"),
    path("two-factor/backup-codes/new/", auth.BackupCodesRegenerateView.as_view(), name="backup_codes_new"),
    path("set-password/<uidb64>/<token>/", auth.SetPasswordView.as_view(), name="set_password"),
    path("users/", users.UserListView.as_view(), name="user_list"),
    path("users/invite/", users.UserInviteView.as_view(), name="user_invite"),
    path("users/<int:pk>/", users.UserDetailView.as_view(), name="user_detail"),
    path("users/lockouts/clear/", users.lockout_clear_view, name="lockout_clear"),
    path("users/<int:pk>/roles/add/", users.MembershipAddView.as_view(), name="membership_add"),
    path("users/<int:pk>/roles/<int:membership_pk>/end/", users.MembershipEndView.as_view(), name="membership_end"),
    path("users/<int:pk>/deactivate/", users.UserDeactivateView.as_view(), name="user_deactivate"),
    path("users/<int:pk>/reactivate/", users.UserReactivateView.as_view(), name="user_reactivate"),
    path("users/<int:pk>/send-sign-in-link/", users.SignInLinkSendView.as_view(), name="sign_in_link_send"),
    path("users/<int:pk>/reset-two-factor/", users.SecondFactorResetView.as_view(), name="second_factor_reset"),
]
