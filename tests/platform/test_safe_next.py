"""``safe_next``: the one rule for every "go back where you were" redirect, with
the hostile cases, and each place that follows one uses it."""

import pytest
from django.urls import reverse

from interviews.lib.links import safe_next

from ..factories import PASSWORD

DEFAULT = "/default/"

LOCAL = [
    "/coach/",
    "/coach/candidates/?q=analyst&archived=1&page=2",
    "/coach/questions/#q-12",
    "/me/rounds/3/",
]

HOSTILE = [
    None,
    "",
    "coach/",  # relative to wherever the browser is: not a path of ours
    "https://evil.example/",
    "http://testserver/coach/",  # absolute, even to this host
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\\/evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /coach/",
    "/coach/\r\nSet-Cookie: a=b",
    "/coach/\x00",
    "/\t/evil.example/",
    "/ /evil.example/",
    "https:/evil.example/",
    "http:\\\\evil.example",
]


@pytest.mark.parametrize("target", LOCAL)
def test_a_local_path_is_kept(target):
    assert safe_next(target, default=DEFAULT) == target


@pytest.mark.parametrize("target", HOSTILE)
def test_anything_else_gives_the_default(target):
    assert safe_next(target, default=DEFAULT) == DEFAULT


# ---------------------------------------------------------------- its callers


def _log_in(client, user, next_url):
    return client.post(
        f"{reverse('login')}?next={next_url}", {"username": user.email, "password": PASSWORD}
    )


def test_logging_in_follows_a_local_next(client, coach):
    response = _log_in(client, coach, "/coach/candidates/")
    assert response.status_code == 302
    assert response.url == "/coach/candidates/"


def test_logging_in_ignores_an_absolute_next_even_to_this_host(client, coach):
    response = _log_in(client, coach, "http://testserver/coach/candidates/")
    assert response.status_code == 302
    assert response.url == "/"


def test_the_login_page_carries_only_a_safe_next(client):
    html = client.get(f"{reverse('login')}?next=//evil.example/").content.decode()
    assert "evil.example" not in html


def test_the_code_step_of_a_signed_in_session_ignores_an_absolute_next(coach_client):
    response = coach_client.get(f"{reverse('login_code')}?next=http://testserver/coach/")
    assert response.status_code == 302
    assert response.url == "/"
