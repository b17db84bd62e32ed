"""Addresses that carry a credential (interviews.lib.links.TokenConverter):
bytes no database can hold never reach a view, and every such page is kept
out of caches and search engines. Run on SQLite and on PostgreSQL (which
refuses a NUL outright)."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from interviews import throttle
from interviews.lib.links import TOKEN_MAX_LENGTH, TokenConverter
from interviews.middleware import personal_public_pages
from interviews.models import NotificationKind, ThrottleHit
from interviews.services import accounts as accounts_services
from interviews.services import caseload as caseload_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services

from ..factories import CandidateFactory

pytestmark = pytest.mark.django_db

# Each token page with a working credential: name -> (kwargs, status).
# A new token page without a row fails test_every_token_page_has_a_row.
TOKEN_PAGES = {
    "invite_accept": (lambda w: {"token": w["invite_token"]}, 200),
    "calendar_feed": (lambda w: {"token": w["calendar_token"]}, 200),
    "unsubscribe": (lambda w: {"token": w["unsubscribe_token"]}, 200),
    "practice_join": (lambda w: {"token": w["join_token"]}, 200),
    # A good reset link redirects to .../set-password/ (the token moves into
    # the session); that page is a token page too.
    "password_reset_confirm": (lambda w: {"uidb64": w["uidb64"], "token": w["reset_token"]}, 302),
    # The emailed link that lifts an account's password pause (a well-formed
    # unknown one: 410, the page says the link is no longer valid).
    "account_unlock": (lambda w: {"token": w["unlock_token"]}, 200),
}

# Percent-encoded, as a client sends them: a NUL (PostgreSQL: "A string literal
# cannot contain NUL"), invalid UTF-8 (Django passes it on still escaped),
# other bytes no token holds, and a token one character too long.
HOSTILE = {
    "NUL": "%00",
    "NUL inside": "abc%00def",
    "lone 0xFF": "%FF",
    "broken UTF-8 pair": "%C3%28",
    "cut-off UTF-8": "abc%E2%82",
    "encoded slash": "..%2Fadmin",
    "space": "a%20b",
    "non-ASCII letter": "%C3%A9t%C3%A9",
    "overlong": "a" * (TOKEN_MAX_LENGTH + 1),
}


@pytest.fixture
def world(coach, candidate, lead, practice):
    invited = CandidateFactory(coach=coach, email="invited@example.com", full_name="Ines Invited")
    _, invite_token = caseload_services.invitation_create(candidate=invited, by=coach)
    _, join_token = practices_services.practice_invite(
        practice=practice, by=lead, email="newcoach@example.com"
    )
    return {
        "invite_token": invite_token,
        "calendar_token": candidate.user.calendar_token,
        "unsubscribe_token": notifications_services.unsubscribe_token(
            coach, NotificationKind.DIGEST
        ),
        "join_token": join_token,
        "uidb64": urlsafe_base64_encode(force_bytes(coach.pk)),
        "reset_token": default_token_generator.make_token(coach),
        "unlock_token": _unlock_token(coach),
    }


def _unlock_token(user) -> str:
    """The link account_unlock_offer emails, for a pause that is on."""
    hit = ThrottleHit.objects.create(
        scope=throttle.ACCOUNT_CEILING.scope, key=throttle.key_for_user(user)
    )
    return signing.dumps({"u": user.pk, "h": hit.pk}, salt=accounts_services.UNLOCK_SALT)


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            yield prefix + str(pattern.pattern), f"{namespace}{pattern.name}", pattern


def token_routes() -> dict[str, str]:
    """name -> route of every pattern that takes a token."""
    return {
        name: route
        for route, name, pattern in _patterns(get_resolver().url_patterns)
        if any(isinstance(c, TokenConverter) for c in pattern.pattern.converters.values())
    }


def _path(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route)


def test_every_text_parameter_outside_the_admin_is_a_token():
    """A plain <str:…> or <slug:…> would let any bytes through to a lookup."""
    loose = [
        route
        for route, _, pattern in _patterns(get_resolver().url_patterns)
        if not route.startswith("admin/")
        for converter in pattern.pattern.converters.values()
        if not isinstance(converter, TokenConverter) and converter.regex != "[0-9]+"
    ]
    assert loose == []


def test_every_token_page_has_a_row():
    assert set(token_routes()) == set(TOKEN_PAGES)
    assert personal_public_pages() == frozenset(TOKEN_PAGES)


def test_the_longest_token_the_app_makes_fits(coach):
    token = notifications_services.unsubscribe_token(coach, *NotificationKind.values)
    assert len(token) <= TOKEN_MAX_LENGTH
    assert re.fullmatch(TokenConverter.regex, token)


@pytest.mark.parametrize("name", sorted(TOKEN_PAGES))
def test_every_token_page_is_kept_out_of_caches_and_search_engines(name, world, client):
    kwargs, status = TOKEN_PAGES[name]
    route = token_routes()[name]
    good = client.get(_path(route, kwargs(world)))
    # Well-formed but unknown: the page's own refusal, with the same headers.
    unknown = client.get(_path(route, dict.fromkeys(kwargs(world), "no-such-token")))
    for response in (good, unknown):
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow", name
        assert "no-store" in response.headers["Cache-Control"], name
        assert "private" in response.headers["Cache-Control"], name
    assert good.status_code == status
    assert unknown.status_code != 500
    if name == "password_reset_confirm":
        landing = client.get(good.headers["Location"])
        assert landing.status_code == 200
        assert landing.context["validlink"] is True
        assert landing.headers["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("name", sorted(TOKEN_PAGES))
def test_bytes_no_token_holds_answer_404_before_any_query(
    name, hostile, world, client, django_assert_num_queries
):
    kwargs, _ = TOKEN_PAGES[name]
    route = token_routes()[name]
    good = kwargs(world)
    for slot in good:  # each token of the address in turn
        path = _path(route, {**good, slot: hostile})
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert client.post(path).status_code == 404, path
