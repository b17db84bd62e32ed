"""Accounts: the profile, other sessions, two-factor login."""

from __future__ import annotations

import datetime
import time

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import services, throttle, twofactor
from ..access import membership_for_coach
from ..forms.accounts import (
    ConfirmAppForm,
    DisableForm,
    EmailAuthenticationForm,
    LoginCodeForm,
    ProfileForm,
    ThrottledPasswordChangeForm,
    ZoneOfferForm,
)
from ..lib.links import safe_next
from ..middleware import SIGNED_IN_AT
from ..models import User
from ..services import accounts as accounts_services


def profile(request: HttpRequest) -> HttpResponse:
    """Name and time zone; dates everywhere are shown in that zone."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        return redirect("profile")
    # The private feed's address: shown whole, so it can be pasted into a calendar app.
    calendar_url = settings.SITE_URL + reverse("calendar_feed", args=[request.user.calendar_token])
    return render(
        request,
        "interviews/accounts/profile.html",
        {
            "form": form,
            "calendar_url": calendar_url,
            "signed_in_at": _signed_in_at(request),
            "two_factor_on": twofactor.is_offered(request.user)
            and twofactor.app_device(request.user, confirmed=True) is not None,
            # The "Practice" card (coaches only): their practice and role.
            "membership": membership_for_coach(request) if request.user.is_coach else None,
        },
    )


@require_POST
def time_zone_use(request: HttpRequest) -> HttpResponse:
    """The zone banner's "Show times in …": the device's zone becomes the
    profile's, and the page the person was on comes back in it."""
    form = ZoneOfferForm(request.POST)
    if form.is_valid():
        accounts_services.user_time_zone_set(
            user=request.user, time_zone=form.cleaned_data["time_zone"]
        )
        messages.success(request, f"Times are now shown in {request.user.time_zone}.")
    else:
        messages.error(request, form.errors["time_zone"][0])
    return redirect(safe_next(request.POST.get("next"), default=reverse("profile")))


def _signed_in_at(request: HttpRequest) -> datetime.datetime | None:
    stamp = request.session.get(SIGNED_IN_AT)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    """Log out everywhere else: every other session of this user ends, this one stays."""
    user = accounts_services.user_sessions_end_others(user=request.user)
    update_session_auth_hash(request, user)
    messages.success(request, "You are signed out everywhere else.")
    return redirect("profile")


class ThrottledPasswordChangeView(PasswordChangeView):
    """Django's password change; the old password is checked under the
    login's throttles (ThrottledPasswordChangeForm)."""

    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@login_not_required
@never_cache
def account_unlock(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link that lifts the pause on an account's password sign-in
    (throttle.ACCOUNT_CEILING). It is the owner's mailbox that proves who
    clicks, so it only lifts the pause: it logs nobody in."""
    try:
        accounts_services.account_unlock(token=token)
    except services.UnlockLinkInvalid as exc:
        return render(request, "registration/account_unlock.html", {"error": str(exc)}, status=410)
    return render(request, "registration/account_unlock.html", {"error": ""})


# The session of someone who gave the right password and still owes a code.
# It is not a logged-in session: request.user stays anonymous until the code.
PENDING_KEY = "_2fa_pending"
PENDING_SECONDS = 5 * 60
WRONG_CODES_KEY = "_2fa_wrong_codes"
MAX_WRONG_CODES = 5
# Recovery codes just made, kept for the one page that shows them.
NEW_CODES_KEY = "_2fa_new_codes"
# django-axes's backend comes first but never returns a user; the password was
# checked by this one.
BACKEND = "django.contrib.auth.backends.ModelBackend"


class TwoFactorLoginView(LoginView):
    """Django's login page; a user with two-factor login is not logged in by
    the password alone, but sent on to the code step."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """The ``next`` path, by the site's one rule (``safe_next``); Django's
        own check would also let an absolute URL to this host through."""
        name = self.redirect_field_name
        return safe_next(self.request.POST.get(name, self.request.GET.get(name)), default="")

    def form_valid(self, form):
        user = form.get_user()
        if not django_otp.user_has_device(user, confirmed=True):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session.pop(WRONG_CODES_KEY, None)
        session[PENDING_KEY] = {
            "user": user.pk,
            "next": self.get_success_url(),
            "at": time.time(),
        }
        return redirect("login_code")


def _safe_next(request: HttpRequest) -> str:
    return safe_next(request.GET.get("next"), default=resolve_url(settings.LOGIN_REDIRECT_URL))


def _back_to_password(request: HttpRequest, message: str) -> HttpResponse:
    logout(request)  # ends a half-done login as well as a signed-in session
    messages.error(request, message)
    return redirect("login")


@login_not_required
@never_cache
@sensitive_post_parameters("code")
def login_code(request: HttpRequest) -> HttpResponse:
    """The code step: after the password (pending in the session), or for a
    signed-in session that has not given a code yet (COACHSITE_REQUIRE_2FA)."""
    if request.user.is_authenticated:
        if request.user.is_verified() or not django_otp.user_has_device(request.user):
            return redirect(_safe_next(request))
        user, next_url = request.user, _safe_next(request)
    else:
        pending = request.session.get(PENDING_KEY)
        if pending is None:
            return redirect("login")
        if time.time() - pending["at"] > PENDING_SECONDS:
            return _back_to_password(
                request, "The code was not given within 5 minutes. Please log in again."
            )
        user = twofactor.pending_user(pending["user"])
        if user is None:
            return _back_to_password(request, "Please log in again.")
        next_url = pending["next"]

    form = LoginCodeForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            if not request.user.is_authenticated:
                del request.session[PENDING_KEY]
                login(request, user, backend=BACKEND)
            request.session.pop(WRONG_CODES_KEY, None)
            django_otp.login(request, form.device)
            return redirect(next_url)
        wrong = request.session.get(WRONG_CODES_KEY, 0) + 1
        if _code_failed(request, user) or wrong >= MAX_WRONG_CODES:
            return _back_to_password(
                request, "Too many wrong codes. Please log in again with your password."
            )
        request.session[WRONG_CODES_KEY] = wrong
    return render(request, "registration/login_code.html", {"form": form})


def _code_failed(request: HttpRequest, user: User) -> bool:
    """Count a wrong code against the account (throttle.CODE_ACCOUNT); True
    when the account is over its allowance, and then this login must start
    again from the password. Over it, each wrong code also counts as a failed
    login of this account and address (axes's 10 in 15 minutes), so someone
    who holds the password gets a few guesses per address, while the owner's
    right code after a fresh password step is always checked: no wait is ever
    put on the account's devices."""
    key = throttle.key_for_user(user)
    throttle.hit(throttle.CODE_ACCOUNT, key)
    if not throttle.is_limited(throttle.CODE_ACCOUNT, key):
        return False
    # Not towards the account-wide password ceiling: a wrong code must not
    # pause the owner's password sign-in (PasswordThrottleHandler).
    request.code_failure = True
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    # The pair's lock shows on the log-in page, not instead of this redirect.
    request.axes_locked_out = False
    return True


def _offered_or_404(request: HttpRequest) -> User:
    if not twofactor.is_offered(request.user):
        raise Http404
    return request.user


def _page(request: HttpRequest, *, confirm_form=None, disable_form=None, status=200):
    user = request.user
    device = twofactor.app_device(user, confirmed=True)
    context = {
        "device": device,
        "required": twofactor.is_required(user),
        "new_codes": request.session.pop(NEW_CODES_KEY, None),
    }
    if device is not None:
        context["codes_left"] = twofactor.recovery_codes_left(user)
        context["disable_form"] = disable_form or DisableForm(user=user)
    else:
        unconfirmed = twofactor.app_device(user, confirmed=False)
        if unconfirmed is not None:
            context.update(
                unconfirmed=unconfirmed,
                qr_svg=twofactor.qr_code_svg(unconfirmed),
                secret=twofactor.secret_for_typing(unconfirmed),
                confirm_form=confirm_form or ConfirmAppForm(),
            )
    return render(request, "interviews/accounts/two_factor.html", context, status=status)


@sensitive_post_parameters("code")
def two_factor(request: HttpRequest) -> HttpResponse:
    """Status, set-up (QR code, then a first code to confirm) and switching off."""
    user = _offered_or_404(request)
    if request.method != "POST":
        return _page(request)
    form = ConfirmAppForm(request.POST)
    device = twofactor.app_device(user, confirmed=False)
    if device is None:
        return redirect("two_factor")
    if form.is_valid():
        codes = accounts_services.two_factor_confirm(device=device, code=form.cleaned_data["code"])
        if codes is not None:
            # Other sessions ended (the epoch moved on); this one carries on,
            # already verified by the code it just gave.
            user.refresh_from_db(fields=["session_epoch"])
            update_session_auth_hash(request, user)
            django_otp.login(request, device)
            request.session[NEW_CODES_KEY] = codes
            messages.success(request, "Two-factor login is on.")
            return redirect("two_factor")
        form.add_error("code", "That code is not right. Check the app and try the newest code.")
    return _page(request, confirm_form=form)


@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    user = _offered_or_404(request)
    if twofactor.app_device(user, confirmed=True) is None:
        accounts_services.app_device_start(user=user)
    return redirect("two_factor")


@require_POST
@sensitive_post_parameters("password", "code")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Needs the password and a code: a session left open is not enough."""
    user = _offered_or_404(request)
    if twofactor.app_device(user, confirmed=True) is None:
        return redirect("two_factor")
    form = DisableForm(request.POST, user=user, request=request)
    if not form.is_valid():
        return _page(request, disable_form=form)
    accounts_services.two_factor_disable(user=user)
    messages.success(request, "Two-factor login is off: you log in with your password alone.")
    return redirect("two_factor")


@require_POST
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, from a session that gave a code."""
    user = _offered_or_404(request)
    if twofactor.app_device(user, confirmed=True) is None:
        return redirect("two_factor")
    if not user.is_verified():
        messages.error(request, "Log in again with a code before making new recovery codes.")
        return redirect("two_factor")
    request.session[NEW_CODES_KEY] = accounts_services.recovery_codes_replace(user=user)
    messages.success(request, "New recovery codes made; the old ones no longer work.")
    return redirect("two_factor")
