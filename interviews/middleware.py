"""Small request/response wrappers the whole site relies on."""

import zoneinfo

from django.utils import timezone

from .views.public import healthz

# No inline scripts or styles anywhere: everything is served from 'self'.
# img-src allows data: because Bootstrap draws some icons as data-URI SVGs.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
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


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers.

    A fixed header needs no library: there are no nonces or per-view policies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response


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
