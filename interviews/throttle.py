"""Request throttles, counted in the database so every app server sees the
same numbers, and the client address they key on.

Login lockouts are django-axes (settings, "Throttles"); this module gives it
our client address and username rules and renders its lockout page. The
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
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import ThrottleHit

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


# ------------------------------------------------------------------ django-axes


def axes_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The login name axes counts failures under (AXES_USERNAME_CALLABLE): the
    email as our User manager stores it, so "Ada@X.com" and "ada@x.com" share
    one count. Cut to the longest possible email (254): axes stores it in a
    255-character column, and a longer name can match no account anyway."""
    if credentials:
        raw = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(raw, str) or not raw.strip():
        return None
    return raw.strip().lower()[:254]


def axes_lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The page for a locked account-and-address pair (AXES_LOCKOUT_CALLABLE):
    429 with the time the lock ends. Axes keeps one row per user agent and
    drops each row a cool-off after its last failure; the pair is free again
    once the rows still in force hold fewer failures than the limit."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    limit = get_failure_limit(request, credentials)
    handler = AxesProxyHandler.get_implementation()
    now = timezone.now()
    retry_at = now + cool_off
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
    if ends:
        retry_at = max(ends)
    minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {"retry_at": retry_at, "minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
