"""Response headers, pinned for one page of every kind so they cannot drift:
the security headers an external scan approved, no caching of signed-in and
personal pages, no indexing of them, robots.txt, and the admin's change log."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse

from interviews.middleware import SecurityHeadersMiddleware
from interviews.models import Candidate
from interviews.services import caseload as caseload_services

from ..factories import CandidateFactory
from .test_admin import admin_url, unchanged_form

# Written out, not imported from interviews/middleware.py: a change there must
# be a change here too.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(self), geolocation=(), payment=()"
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def requests(world):
    """(kind, client, method, path, status, Cache-Control, X-Robots-Tag) for
    one page of every kind; None: the header is absent."""
    anon, coach, cand = world["client"], world["coach_client"], world["candidate_client"]
    private, noindex = "private, no-store", "noindex, nofollow"
    return [
        ("home, anonymous", anon, "get", "/", 302, None, None),
        ("login", anon, "get", reverse("login"), 200, NEVER_CACHE, None),
        ("password reset", anon, "get", reverse("password_reset"), 200, None, None),
        ("404, anonymous", anon, "get", "/no-such-page/", 404, None, None),
        ("robots.txt", anon, "get", "/robots.txt", 200, None, None),
        ("admin, anonymous", anon, "get", "/admin/", 302, None, None),
        ("invitation", anon, "get", world["invite_url"], 200, NEVER_CACHE, noindex),
        ("invalid invitation", anon, "get", "/invite/made-up/", 410, NEVER_CACHE, noindex),
        ("calendar feed", anon, "get", world["feed_url"], 200, private, noindex),
        ("coach page", coach, "get", reverse("coach:candidate_list"), 200, private, noindex),
        ("candidate page", cand, "get", reverse("me:home"), 200, private, noindex),
        ("profile", cand, "get", reverse("profile"), 200, private, noindex),
        ("POST redirect", coach, "post", reverse("notifications_read_all"), 302, private, noindex),
        ("404, signed in", coach, "get", "/no-such-page/", 404, private, noindex),
        ("home, signed in", coach, "get", "/", 302, private, noindex),
        ("admin, staff", world["admin_client"], "get", "/admin/", 200, NEVER_CACHE, noindex),
    ]


@pytest.fixture
def world(client, coach, coach_client, candidate, candidate_client, admin_client):
    invited = CandidateFactory(coach=coach, email="invited@example.com", full_name="Ines Invited")
    _, token = caseload_services.invitation_create(candidate=invited, by=coach)
    return {
        "client": client,
        "coach_client": coach_client,
        "candidate_client": candidate_client,
        "admin_client": admin_client,
        "invite_url": reverse("invite_accept", args=[token]),
        "feed_url": reverse("calendar_feed", args=[candidate.user.calendar_token]),
    }


@pytest.mark.django_db
def test_every_page_kind_carries_the_pinned_headers(world):
    for kind, client, method, path, status, cache, robots in requests(world):
        response = getattr(client, method)(path)
        headers = response.headers
        assert response.status_code == status, kind
        assert headers["Content-Security-Policy"] == CSP, kind
        assert headers["Permissions-Policy"] == PERMISSIONS_POLICY, kind
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", kind
        assert headers["X-Content-Type-Options"] == "nosniff", kind
        assert headers["Referrer-Policy"] == "same-origin", kind
        assert headers["X-Frame-Options"] == "DENY", kind
        assert headers.get("Cache-Control") == cache, kind
        assert headers.get("X-Robots-Tag") == robots, kind


@pytest.mark.django_db
def test_signed_in_and_invitation_pages_say_noindex_in_the_page_too(world):
    meta = b'<meta name="robots" content="noindex">'
    assert meta in world["coach_client"].get(reverse("coach:dashboard")).content
    assert meta in world["client"].get(world["invite_url"]).content
    assert meta in world["client"].get("/invite/made-up/").content
    assert meta not in world["client"].get(reverse("login")).content


@pytest.mark.django_db
def test_a_views_own_cache_control_is_kept_but_made_private_and_no_store(coach, rf):
    request = rf.get("/coach/")
    request.user = coach
    view = lambda request: HttpResponse(headers={"Cache-Control": "public, max-age=600"})  # noqa: E731
    response = SecurityHeadersMiddleware(view)(request)
    assert response["Cache-Control"] == "max-age=600, private, no-store"
    # For anonymous visitors of a public page it is left alone.
    request.user = AnonymousUser()
    assert SecurityHeadersMiddleware(view)(request)["Cache-Control"] == "public, max-age=600"


def test_robots_txt_lets_crawlers_see_the_login_page_only(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == ("User-agent: *\nAllow: /accounts/login/\nDisallow: /\n")


@pytest.mark.django_db
def test_a_change_in_the_admin_is_logged(admin_client, admin_user, candidate):
    url = admin_url(Candidate, "change", candidate.pk)
    data = {**unchanged_form(admin_client.get(url)), "full_name": "Cam Renamed"}
    assert admin_client.post(url, data).status_code == 302
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (
        admin_user,
        CHANGE,
        str(candidate.pk),
    )
    assert entry.get_edited_object() == Candidate.objects.get(full_name="Cam Renamed")
