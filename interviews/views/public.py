"""Public pages and the role redirect: home, health check, invitations, 404."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import services, throttle
from ..forms.accounts import InvitationLoginForm, InvitationSignupForm
from ..selectors import accounts as accounts_selectors
from ..selectors import checklists as checklists_selectors
from ..services import caseload as caseload_services


@login_not_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own start page."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    if user.is_coach:
        return redirect("coach:dashboard")
    return redirect("me:home")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers a query, 503 otherwise (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@login_not_required
@never_cache
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: set a password, or log in when the email already has
    an account, and land on /me/. A valid link always opens; an address that
    has tried too many links that match no open invitation is told so instead
    of why each further one failed (throttle.invalid_link_refused)."""
    try:
        invitation = caseload_services.invitation_for_token(token)
    except services.InvitationInvalid as exc:
        if throttle.invalid_link_refused(request):
            return render(request, "registration/invite_throttled.html", status=429)
        return render(request, "registration/invite_invalid.html", {"reason": str(exc)}, status=410)
    candidate = invitation.candidate
    existing = accounts_selectors.user_with_email(candidate.email)
    if existing is not None:
        form = InvitationLoginForm(
            request, data=request.POST or None, initial={"username": existing.email}
        )
    else:
        form = InvitationSignupForm(candidate, data=request.POST or None)

    if request.method == "POST" and form.is_valid():
        user = form.get_user() if existing is not None else None
        try:
            user = caseload_services.invitation_accept(
                invitation=invitation,
                user=user,
                password=form.cleaned_data.get("password1", ""),
                full_name=form.cleaned_data.get("full_name", ""),
                time_zone=form.cleaned_data.get("time_zone", ""),
            )
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome! You are now connected with {candidate.coach}.")
            # Invited for one checklist: straight to it, not to a home page to find it on.
            only = checklists_selectors.only_open_checklist(candidate)
            return redirect(only.get_candidate_url() if only else "me:home")
    return render(
        request,
        "registration/invite_accept.html",
        {"form": form, "candidate": candidate, "existing": existing is not None},
    )


@login_not_required
@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """The site icon for browsers that ask for /favicon.ico (the admin links none).
    Resolved per request: the static manifest exists only after collectstatic."""
    return redirect(static("favicon.svg"), permanent=True)


@login_not_required
@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the login page and nothing else: every other page is
    personal or behind it."""
    lines = ["User-agent: *", f"Allow: {reverse('login')}", "Disallow: /", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@login_not_required
def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)
