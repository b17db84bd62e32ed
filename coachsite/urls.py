from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interviews.forms.accounts import (
    QueuedPasswordResetForm,
    RotatingSetPasswordForm,
)
from interviews.twofactor import TwoFactorAdminSite
from interviews.views import accounts, public

# The admin logs in through the site's login page (which asks for the code)
# and, with COACHSITE_REQUIRE_2FA on, lets in only sessions that gave one.
admin.site.__class__ = TwoFactorAdminSite

urlpatterns = [
    path("", public.home, name="home"),
    path("healthz", public.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that do not link an icon (the admin).
    path("favicon.ico", public.favicon, name="favicon"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    path("invite/<token:token>/", public.invite_accept, name="invite_accept"),
    path("accounts/login/", accounts.TwoFactorLoginView.as_view(), name="login"),
    # Two-factor login: the code step (public: the password step came first) and set-up.
    path("accounts/login/code/", accounts.login_code, name="login_code"),
    path("accounts/two-factor/", accounts.two_factor, name="two_factor"),
    path("accounts/two-factor/start/", accounts.two_factor_start, name="two_factor_start"),
    path("accounts/two-factor/disable/", accounts.two_factor_disable, name="two_factor_disable"),
    path(
        "accounts/two-factor/recovery-codes/",
        accounts.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "accounts/password_change/",
        accounts.ThrottledPasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/unlock/<token:token>/", accounts.account_unlock, name="account_unlock"),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    # The rest of django.contrib.auth.urls, written out so the reset link's
    # two parts go through the token converter like every credential in an
    # address (the included file would answer any bytes with its own view).
    # A new password also replaces the links that work without a login
    # (services.accounts.user_password_set): the reset's form, and the
    # password change's (ThrottledPasswordChangeForm).
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<token:uidb64>/<token:token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=RotatingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("interviews.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "interviews.views.public.not_found"
