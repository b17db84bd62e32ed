"""Two-factor login: an authenticator app (TOTP) plus ten single-use recovery
codes, on django-otp's models. Offered to coaches and staff; candidates log in
with their password alone.

The views are in views/accounts.py, the writes (setting up, confirming,
replacing the recovery codes, switching off) in services/accounts.py;
TwoFactorRequiredMiddleware enforces COACHSITE_REQUIRE_2FA.
"""

from __future__ import annotations

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
_APP_CODE = re.compile(r"\d{6}")


def is_offered(user) -> bool:
    """Two-factor login is for the accounts that can see other people's data."""
    return user.is_authenticated and (user.is_coach or user.is_staff)


def is_required(user) -> bool:
    """Read per request, so the setting can be switched without a code change."""
    return settings.COACHSITE_REQUIRE_2FA and is_offered(user)


def app_device(user: User, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).first()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def pending_user(pk) -> User | None:
    """The user a half-done login (password given, code not yet) is for."""
    return User.objects.filter(pk=pk, is_active=True).first()


def qr_code_svg(device: TOTPDevice) -> str:
    """The setup address as an inline SVG: drawn here, no outside service sees
    the secret. Colours are SVG attributes (not style=, which the CSP forbids);
    the light background keeps it scannable in dark mode."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, grouped in fours, for apps set up by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def normalise_code(code: str) -> str:
    """People type codes with spaces or dashes, and recovery codes in capitals."""
    return re.sub(r"[\s-]", "", code).lower()


def code_verify(*, user: User, code: str) -> Device | None:
    """The confirmed device that accepts ``code`` (and uses it up), or None.

    Six digits go to the authenticator app, anything else to the recovery
    codes. django-otp's own wait after a wrong code is off (settings): it
    would let anyone with the password lock the owner out of a right code.
    Wrong codes are throttled per login and per account instead
    (views/accounts.py, ``login_code``).
    """
    code = normalise_code(code)
    model = _device_model(code)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, model) and device.verify_token(code):
                return device
    return None


def _device_model(code: str) -> type[Device]:
    return TOTPDevice if _APP_CODE.fullmatch(normalise_code(code)) else StaticDevice


class TwoFactorAdminSite(AdminSite):
    """The admin, with the site's own login (which asks for the code).

    The admin's login form would sign a user in on the password alone. With
    COACHSITE_REQUIRE_2FA on, staff need a session that passed the code step.
    Installed by coachsite/urls.py (``admin.site.__class__``), as django-otp's
    own OTPAdminSite is.
    """

    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.COACHSITE_REQUIRE_2FA or request.user.is_verified()

    def login(self, request, extra_context=None):
        if request.method == "GET" and request.user.is_authenticated:
            # Signed in without access: the admin's page says so.
            return super().login(request, extra_context)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse(
            "admin:index", current_app=self.name
        )
        return redirect_to_login(next_url)


class TwoFactorRequiredMiddleware:
    """With COACHSITE_REQUIRE_2FA on, a coach or staff member gets nothing but
    the set-up page until two-factor login is on, and nothing but the code
    page while their session has not given a code (one signed in before).

    Pages open to everyone (login_not_required: the log-in and code pages,
    health check, public links) and logging out stay reachable. Off, it costs
    nothing: the setting is read first, on every request.
    """

    OPEN_WITHOUT_DEVICE = {"two_factor", "two_factor_start", "logout"}
    OPEN_UNVERIFIED = {"logout"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.COACHSITE_REQUIRE_2FA or not getattr(view_func, "login_required", True):
            return None
        user = request.user
        if not is_offered(user) or user.is_verified():
            return None
        view_name = request.resolver_match.view_name
        if user_has_device(user, confirmed=True):
            if view_name in self.OPEN_UNVERIFIED:
                return None
            return redirect_to_login(request.get_full_path(), "login_code")
        if view_name in self.OPEN_WITHOUT_DEVICE:
            return None
        return redirect("two_factor")
