"""Small request/response wrappers the whole site relies on."""

import contextlib
import functools
import logging
import sys
import time
import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from django.utils.cache import patch_cache_control

from .lib import files as lib_files
from .lib.links import TokenConverter
from .views.public import healthz

# No inline scripts or styles anywhere: everything is served from 'self'.
# img-src allows data: because Bootstrap draws some icons as data-URI SVGs;
# media-src allows blob: for the rehearsal page's playback of a take just
# recorded (static/js/rehearse.js), before it is kept.
_CSP_PARTS = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)
CONTENT_SECURITY_POLICY = "; ".join(_CSP_PARTS)


def content_security_policy() -> str:
    """The policy; on an object store (S3), private images and takes are
    served by a redirect to a signed address there, so its origin is allowed
    for images and audio too (and for nothing else)."""
    origin = lib_files.remote_origin()
    if not origin:
        return CONTENT_SECURITY_POLICY
    return "; ".join(
        f"{part} {origin}" if part.startswith(("img-src", "media-src")) else part
        for part in _CSP_PARTS
    )


class HealthCheckMiddleware:
    """Answers the health check before any other middleware runs.

    The session and authentication middleware (and UserTimezoneMiddleware,
    which reads request.user) query the database for a request that carries a
    session cookie; with the database down that was a 500 instead of the 503
    a load balancer acts on. First in MIDDLEWARE, so nothing runs before it:
    not the HTTPS redirect (already exempt for this path) nor the host check
    either, which suits load balancers that probe by address; the answer says
    nothing about the host. The URL pattern stays, so the page is listed,
    reversible and tested like any other.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.path:
            return healthz(request)
        return self.get_response(request)


class RetryOnDroppedConnectionMiddleware:
    """Runs a GET or HEAD once more when the database connection dropped under
    it (a restart, a failover) before it wrote anything.

    Persistent connections are health-checked at the first query of each
    request (CONN_HEALTH_CHECKS), so a connection the server closed between
    requests is replaced unseen. This covers the rest: a request whose query
    was cut off, or that came while the server was restarting. Such a request
    waits until the database takes a new connection (at most
    DATABASE_RECONNECT_WAIT seconds, then the first answer, a 500, stands) and
    runs again from the start, once. Only reads are run twice: POST and the
    other unsafe methods never, nor a GET that had already written a row (a
    statement other than a SELECT ran without error).

    After the health check, so /healthz still answers 503 at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wait = settings.DATABASE_RECONNECT_WAIT
        if request.method not in ("GET", "HEAD") or not wait:
            return self.get_response(request)
        watch = _WriteWatch()
        with contextlib.ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(watch))
            response = self.get_response(request)
        if (
            response.status_code != 500
            or not getattr(request, DATABASE_ERROR, False)
            or watch.wrote
            or not _dropped_connections()
            or not _reconnect(within=wait)
        ):
            return response
        logger.warning("Database connection dropped; running %s again", request.path)
        setattr(request, DATABASE_ERROR, False)
        return self.get_response(request)


logger = logging.getLogger(__name__)

# Set on the request by _note_database_error when an exception that ended it
# was (or was caused by) a lost connection.
DATABASE_ERROR = "_coachsite_database_error"
_READ_ONLY = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW")


class _WriteWatch:
    """An execute wrapper that notes whether a statement that changes data ran."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        # Only the first word matters: upper-casing a whole statement of a few
        # KB for every query of every GET cost ~1% of a page (issue 25).
        if not self.wrote and not str(sql).lstrip()[:9].upper().startswith(_READ_ONLY):
            self.wrote = True
        return result


@receiver(got_request_exception)
def _note_database_error(sender, request=None, **kwargs):
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, (OperationalError, InterfaceError)):
            if request is not None:
                setattr(request, DATABASE_ERROR, True)
            return
        error = error.__cause__ or error.__context__


def _dropped_connections() -> list:
    """The connections that are gone (or never came): closed, or failing a ping."""
    dropped = []
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not connection.is_usable():
            dropped.append(connection)
    return dropped


def _reconnect(*, within: float) -> bool:
    """Close every connection and wait until the database takes a new one."""
    deadline = time.monotonic() + within
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(DatabaseError):
            connection.close()
    while True:
        try:
            for connection in connections.all(initialized_only=True):
                connection.ensure_connection()
            return True
        except DatabaseError:
            if time.monotonic() >= deadline:
                return False
            # Bounded: the database is restarting; a second or two is usual.
            time.sleep(0.25)


# The microphone for this site's own pages only: the rehearsal page records.
PERMISSIONS_POLICY = "camera=(), microphone=(self), geolocation=(), payment=()"


def personal_public_pages(urlconf: str | None = None) -> frozenset[str]:
    """The view names of every page whose address holds a token (the
    ``<token:…>`` converter): the token is someone's credential and the page
    shows their data, so like every signed-in page no cache may keep it and
    no search engine may list it. Read from the URLconf, so a new token page
    cannot be left out."""
    return _personal_public_pages(urlconf or settings.ROOT_URLCONF)


@functools.cache
def _personal_public_pages(urlconf: str) -> frozenset[str]:
    return frozenset(_token_pages(get_resolver(urlconf).url_patterns, namespace=""))


def _token_pages(patterns, *, namespace: str):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _token_pages(pattern.url_patterns, namespace=inner)
        elif any(
            isinstance(converter, TokenConverter)
            for converter in getattr(pattern.pattern, "converters", {}).values()
        ):
            yield f"{namespace}{pattern.name}"


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers; keeps
    signed-in and personal pages out of caches and search engines.

    A fixed header needs no library: there are no nonces or per-view policies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if _is_personal(request):
            # A shared computer's browser or a proxy must not keep a page with
            # someone's answers. Merged into a Cache-Control the view set itself.
            patch_cache_control(response, private=True, no_store=True)
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


def _is_personal(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in personal_public_pages(
        getattr(request, "urlconf", None)
    )


SIGNED_IN_AT = "_signed_in_at"
LAST_SEEN = "_last_seen"
# The last-seen time is written at most this often: a session write is a
# database write, and the idle timeout needs no finer grain.
LAST_SEEN_GRAIN = 60


@receiver(user_logged_in)
def _note_sign_in(sender, request, user, **kwargs):
    # Connected when this module loads, i.e. when the app server builds its
    # middleware, before any request; the middleware fills the time in for a
    # session that has none (signed in before it existed).
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


def _now() -> int:
    return int(timezone.now().timestamp())


def _duration(minutes: int) -> str:
    """'12 hours', '14 days', '90 minutes': the largest whole unit."""
    count, unit = minutes, "minute"
    for name, size in (("day", 24 * 60), ("hour", 60)):
        if minutes % size == 0:
            count, unit = minutes // size, name
            break
    return f"{count} {unit}{'' if count == 1 else 's'}"


class SessionLimitsMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT minutes without a request, and
    SESSION_ABSOLUTE_LIFETIME days after signing in, whatever the activity.

    The session keeps the sign-in and last-request times (epoch seconds).
    Signing out sends the user to the login page with a message saying why,
    and back to the page they asked for (GET only: a form posted to a session
    that has ended is not replayed).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = _now()
        signed_in_at = session.setdefault(SIGNED_IN_AT, now)
        last_seen = session.get(LAST_SEEN, now)
        idle = settings.SESSION_IDLE_TIMEOUT
        lifetime = settings.SESSION_ABSOLUTE_LIFETIME
        if now - signed_in_at > lifetime * 24 * 60 * 60:
            reason = (
                f"You were signed out after {_duration(lifetime * 24 * 60)}; please sign in again."
            )
        elif now - last_seen > idle * 60:
            reason = f"You were signed out after {_duration(idle)} without activity."
        else:
            if LAST_SEEN not in session or now - last_seen >= LAST_SEEN_GRAIN:
                session[LAST_SEEN] = now
            return self.get_response(request)
        logout(request)
        messages.info(request, reason)
        login_url = resolve_url(settings.LOGIN_URL)
        if request.method not in ("GET", "HEAD") or request.path == login_url:
            return redirect(login_url)
        return redirect_to_login(request.get_full_path(), login_url)


class UserTimezoneMiddleware:
    """Show and parse dates in the logged-in user's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
