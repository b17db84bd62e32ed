"""Request throttles, counted in the database so every app server sees the
same numbers, and the client address they key on.

Every password check goes one way: through django.contrib.auth.authenticate,
so through django-axes with this module's handler (PasswordThrottleHandler).
That is the log-in page, the invitation pages' log-in, and the re-entered
password before a password change, an account deletion, a candidate's erasure
or switching two-factor login off (``password_recheck``). Failures count under
the ACCOUNT the typed email would log in to (``account_key``), never under the
typed text, so "SIS@", "sis@" and "s\u0131s@" (dotless i) share one count: per account and
client address (axes, 10 in 15 minutes) and per account from any address
(ACCOUNT_CEILING, 50 an hour; the owner is emailed a single-use link that
lifts it). Wrong second-factor codes slow a login down but never lock the
owner out (views/accounts.py, ``login_code``). The
hourly limits below (password reset requests, invitation re-sends, failed
invitation links) count ThrottleHit rows: a request is allowed while fewer than
`limit` allowed requests of the same scope and key fall in the last `window`,
and only allowed requests are recorded, so a flood cannot grow the table past
the limit per key. Two app servers racing on the same key can each let one
request through at the edge; the limits are about abuse, not exact quotas.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
import unicodedata
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import ThrottleHit, User

HOUR = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    scope: str
    limit: int
    window: datetime.timedelta = HOUR


# Password reset requests: per address asked for, and per client address.
RESET_EMAIL = Limit("reset-email", 5)
RESET_IP = Limit("reset-ip", 20)
# Invitation emails a coach sends: per candidate address, and per client address.
INVITE_EMAIL = Limit("invite-email", 5)
INVITE_IP = Limit("invite-ip", 20)
# Invitation links that match no open invitation, per client address.
INVITE_LOOKUP_IP = Limit("invite-lookup-ip", 20)
# Wrong passwords for one account from any address: over it, password sign-in
# (and every re-entered password) for the account pauses until the oldest
# failure is an hour old or the owner follows the emailed unlock link.
ACCOUNT_CEILING = Limit("password-account", 50)
# Emails with an unlock link, per account: one per lock, at most 3 an hour.
UNLOCK_EMAIL = Limit("unlock-email", 3)
# Wrong second-factor codes for one account, from any session: over it, each
# half-done login gets one try before it must give the password again, and a
# wrong code counts as a failed login of its account and address.
CODE_ACCOUNT = Limit("code-account", 10)


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client. Behind our reverse proxy (DJANGO_BEHIND_PROXY)
    that is the last X-Forwarded-For entry, the one the proxy itself added: the
    entries before it come from the client and can be anything. Otherwise, and
    whenever the header is missing or malformed, the connection's address."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        candidate = forwarded.rsplit(",", 1)[-1].strip()
        if _is_ip(candidate):
            return candidate
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _key(value: str | None) -> str:
    return (value or "unknown").strip().lower()[:254]


def is_limited(limit: Limit, key: str | None) -> bool:
    """True when `key` has used up its allowance in the current window."""
    since = timezone.now() - limit.window
    count = ThrottleHit.objects.filter(
        scope=limit.scope, key=_key(key), created_at__gt=since
    ).count()
    return count >= limit.limit


def limited_until(limit: Limit, key: str | None) -> datetime.datetime | None:
    """When `key` falls back under its limit (its oldest counted hits leave
    the window), or None when it is not over it."""
    since = timezone.now() - limit.window
    times = list(
        ThrottleHit.objects.filter(scope=limit.scope, key=_key(key), created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: limit.limit]
    )
    if len(times) < limit.limit:
        return None
    return times[-1] + limit.window


def hit(limit: Limit, key: str | None) -> None:
    """Count one request against `key`; hits older than the window go."""
    now = timezone.now()
    ThrottleHit.objects.filter(scope=limit.scope, created_at__lte=now - limit.window).delete()
    ThrottleHit.objects.create(scope=limit.scope, key=_key(key), created_at=now)


Check = tuple[Limit, str | None]


def any_limited(*checks: Check) -> bool:
    return any(is_limited(limit, key) for limit, key in checks)


def hit_all(*checks: Check) -> None:
    for limit, key in checks:
        hit(limit, key)


def allow(*checks: Check) -> bool:
    """Allow a request only when no check is over its limit, and then count it
    under every check. A refused request is not counted."""
    if any_limited(*checks):
        return False
    hit_all(*checks)
    return True


def invalid_link_refused(request: HttpRequest) -> bool:
    """For an invitation link that matched no open invitation (the token is
    checked first, so a valid link is never refused): True when its client
    address has had INVITE_LOOKUP_IP such links in the hour, else count it.
    Only failures count; over the limit the address is told so instead of why
    each link failed."""
    return not allow((INVITE_LOOKUP_IP, client_ip(request)))


# ------------------------------------------------------------------ accounts


def key_for_user(user: User) -> str:
    """The key an account's password and code failures count under."""
    return f"user:{user.pk}"


def normalise_email(value: str) -> str:
    """Typed text compared the way people mean it: compatibility forms
    folded (NFKC) and case folded with Unicode's rules, cut to 254."""
    return unicodedata.normalize("NFKC", value.strip()).casefold()[:254]


def account_for_login(typed: str) -> User | None:
    """The account a login with this email would check the password of: the
    very lookup ModelBackend makes (UserManager.get_by_natural_key, which on
    PostgreSQL matches "s\u0131s@…", a dotless i, to "sis@…")."""
    try:
        return User._default_manager.get_by_natural_key(typed)
    # ValueError: text the database refuses (a NUL); more than one match:
    # ModelBackend would not log in either.
    except (User.DoesNotExist, User.MultipleObjectsReturned, ValueError):
        return None


def account_key(typed: str) -> str:
    """The key failures for a typed email count under: the account's when it
    matches one, else the typed text normalised (so guesses at an address
    with no account behave exactly as guesses at one). The prefixes keep the
    two apart: nobody can type their way into another account's key."""
    user = account_for_login(typed)
    if user is not None:
        return key_for_user(user)
    return f"email:{normalise_email(typed)}"[:254]


# ------------------------------------------------------------------ django-axes


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The login name axes counts failures under (AXES_USERNAME_CALLABLE): the
    account the typed email logs in to (``account_key``). Axes asks several
    times per attempt; the answer is kept on the request."""
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(raw, str) or not raw.strip():
        return None
    cache = request.__dict__.setdefault("_throttle_account_keys", {})
    if raw not in cache:
        cache[raw] = account_key(raw)
    return cache[raw]


class PasswordThrottleHandler(AxesDatabaseHandler):
    """Axes's database handler (AXES_HANDLER) plus the per-account ceiling:
    a password is not checked while the account is over ACCOUNT_CEILING, and
    each failure axes records (not the refused attempts) counts towards it.
    Reaching it emails the owner an unlock link."""

    def is_allowed(self, request, credentials=None) -> bool:
        if not super().is_allowed(request, credentials):
            return False
        key = axes_username(request, credentials)
        if key is not None and is_limited(ACCOUNT_CEILING, key):
            request.account_ceiling_locked = True
            return False
        return True

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Refused before the password was checked: nothing more to count.
        refused = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused or getattr(request, "code_failure", False):
            return
        key = axes_username(request, credentials)
        if key is None:
            return
        hit(ACCOUNT_CEILING, key)
        if is_limited(ACCOUNT_CEILING, key):
            request.account_ceiling_locked = True
            request.axes_locked_out = True
            request.axes_credentials = credentials
            if key.startswith("user:"):
                from .services.accounts import account_unlock_offer

                user = User.objects.filter(pk=key.removeprefix("user:")).first()
                if user is not None and allow((UNLOCK_EMAIL, key)):
                    account_unlock_offer(user=user)


def password_recheck(*, request: HttpRequest, user: User, password: str, wrong: str) -> str | None:
    """Check the signed-in user's password again (before a password change,
    an erasure, switching two-factor off) under the login's throttles: None
    when it is right, else the form error. A locked account gets the lock's
    message and its password is not checked at all."""
    found = authenticate(request, username=user.get_username(), password=password)
    if found is not None and found.pk == user.pk:
        return None
    if not getattr(request, "axes_locked_out", False):
        return wrong
    # A form error on the page, not axes's lockout page (AxesMiddleware).
    request.axes_locked_out = False
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    retry_at = lock_ends(request, credentials)
    return (
        "Too many wrong passwords for this account: the password was not checked. "
        f"Try again after {timezone.localtime(retry_at):%H:%M %Z}."
    )


def lock_ends(request: HttpRequest, credentials: dict | None) -> datetime.datetime:
    """When the lock on this login ends: the account's ceiling, or the
    account-and-address pair's. Axes keeps one row per user agent and
    drops each row a cool-off after its last failure; the pair is free again
    once the rows still in force hold fewer failures than the limit."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_cool_off, get_failure_limit

    now = timezone.now()
    key = axes_username(request, credentials)
    if getattr(request, "account_ceiling_locked", False):
        return limited_until(ACCOUNT_CEILING, key) or now
    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    handler = AxesProxyHandler.get_implementation()
    ends = []
    for attempts in handler.get_user_attempts(request, credentials):
        rows = list(
            attempts.order_by("attempt_time").values_list("attempt_time", "failures_since_start")
        )
        remaining = sum(failures for _, failures in rows)
        for attempt_time, failures in rows:
            if remaining < limit:
                break
            remaining -= failures
            ends.append(attempt_time + cool_off)
    return max(ends) if ends else now + cool_off


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page for a locked login (AXES_LOCKOUT_CALLABLE): 429 with the time
    the lock ends, and which lock it is. The same page whether the account
    exists: an address with no account locks the same way, and the unlock
    email goes to the owner, never to the person asking."""
    now = timezone.now()
    retry_at = lock_ends(request, credentials)
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {
            "retry_at": retry_at,
            "minutes": minutes,
            "account_wide": getattr(request, "account_ceiling_locked", False),
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
