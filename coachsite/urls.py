from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from interviews.forms.accounts import (
    QueuedPasswordResetForm,
    RotatingPasswordChangeForm,
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
    path("invite/<str:token>/", public.invite_accept, name="invite_accept"),
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
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    # A new password also replaces the links that work without a login
    # (services.accounts.user_password_set); same addresses as Django's.
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=RotatingSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=RotatingPasswordChangeForm),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("interviews.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "interviews.views.public.not_found"
