"""Secrets out of logs (README, "Security"): the paths that are credentials
are redacted in Django's logs and in gunicorn's access log, by one function
driven by one list (interviews/lib/redaction.py)."""

import io
import logging
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from interviews.lib.redaction import (
    REDACTED,
    SECRET_PARAMETERS,
    SECRET_URLS,
    RedactSecrets,
    redact,
)
from interviews.services import caseload as caseload_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services

from ..factories import CandidateFactory, CoachFactory
from ..matrix.test_permissions import SHADOWED

# ---------------------------------------------------------------- the list


def _all_patterns(patterns=None, prefix=""):
    """(full route, name, path parameters) of every URL pattern, the admin's too."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _all_patterns(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name, set(pattern.pattern.converters)


def test_every_url_pattern_with_a_secret_in_its_path_is_in_the_list():
    secret = [(r, n, p) for r, n, p in _all_patterns() if p & SECRET_PARAMETERS]
    assert secret, "the walk must find the secret patterns"
    unlisted = [f"{r!r} ({n})" for r, n, _ in secret if n not in SECRET_URLS]
    assert not unlisted, f"add these to redaction.SECRET_URLS: {unlisted}"
    for route, name, _ in secret:
        fixed = "/" + route.split("<", 1)[0]
        assert fixed.startswith(SECRET_URLS[name]), (route, SECRET_URLS[name])
    assert set(SECRET_URLS) == {n for _, n, _ in secret}, "stale names in SECRET_URLS"


def test_the_list_check_catches_a_new_pattern(monkeypatch):
    """A new pattern with a <token> would be caught by the check above."""
    from django.urls import path

    urlconf = [path("share/<str:token>/", lambda r, token: None, name="share_link")]
    found = [n for _, n, p in _all_patterns(urlconf) if p & SECRET_PARAMETERS]
    assert found == ["share_link"] and "share_link" not in SECRET_URLS


def test_non_secret_parameters_are_not_missed_under_another_name():
    """Every str/path/slug parameter of our own (non-admin) patterns is either
    a listed secret or an integer: a token under a new name still shows up."""
    loose = [
        (r, n)
        for r, n, p in _all_patterns()
        if not r.startswith("admin/")
        and p
        and n not in SECRET_URLS
        and re.search(r"<(str|path|slug|uuid):", r)
        and r not in SHADOWED
    ]
    assert loose == []


# ---------------------------------------------------------------- the function


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('"GET /calendar/s3cr3t_TOKEN-x.ics HTTP/1.1"', '"GET /calendar/[redacted] HTTP/1.1"'),
        ("GET /invite/abc/ HTTP/1.1", "GET /invite/[redacted] HTTP/1.1"),
        ("/accounts/reset/MQ/c4b-123abc/", "/accounts/reset/[redacted]"),
        ("/practice/join/abc/?x=1", "/practice/join/[redacted]"),
        (
            "Not Found: /notifications/unsubscribe/abc/",
            "Not Found: /notifications/unsubscribe/[redacted]",
        ),
        (
            '"https://coach.example.com/invite/abc/"',
            '"https://coach.example.com/invite/[redacted]"',
        ),
        (
            "GET /accounts/login/?next=%2Fpractice%2Fjoin%2Fabc%2F&a=1 HTTP/1.1",
            "GET /accounts/login/?next=%2Fpractice%2Fjoin%2F[redacted]&a=1 HTTP/1.1",
        ),
        ("GET /coach/candidates/12/ HTTP/1.1", "GET /coach/candidates/12/ HTTP/1.1"),
        ("GET /practice/ HTTP/1.1", "GET /practice/ HTTP/1.1"),
    ],
)
def test_redact(line, expected):
    assert redact(line) == expected


@pytest.mark.django_db
def test_djangos_log_redacts_a_404_with_a_token(client):
    """The console handler of settings.LOGGING carries the filter."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        assert client.get("/calendar/leaked-token-123.ics").status_code == 404
        assert client.get("/invite/leaked-token-456/extra/").status_code == 404
    finally:
        handler.setStream(old)
    log = stream.getvalue()
    assert "leaked-token" not in log
    assert "Not Found: /calendar/[redacted]" in log
    assert "Not Found: /invite/[redacted]" in log


# ---------------------------------------------------------------- a real gunicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, path: str, **headers) -> int:
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 (http only)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.django_db(transaction=True)
def test_gunicorn_and_django_logs_hold_no_token(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn needs a database another process can open (PostgreSQL)")
    coach = CoachFactory(email="lead@example.com")
    candidate = CandidateFactory(coach=coach, email="cand@example.com")
    _, invite = caseload_services.invitation_create(candidate=candidate, by=coach)
    practice = practices_services.practice_create(by=coach, name="Northstar")
    _, join = practices_services.practice_invite(
        practice=practice, by=coach, email="new@example.com"
    )
    uid = urlsafe_base64_encode(force_bytes(coach.pk))
    reset = default_token_generator.make_token(coach)
    unsubscribe = notifications_services.unsubscribe_token(coach, "review_waiting")
    unknown = "unknown-token-0123456789abcdef"
    tokens = [coach.calendar_token, invite, join, reset, unsubscribe, unknown]

    db = connection.settings_dict
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
    }
    access, errors = tmp_path / "stdout.log", tmp_path / "stderr.log"
    # The README's command ("Deploying"), one worker on a free port.
    command = [
        sys.executable, "-m", "gunicorn", "-c", "coachsite/gunicorn.conf.py", "coachsite.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", "-",
    ]  # fmt: skip
    with access.open("w") as out, errors.open("w") as err:
        server = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=err)  # noqa: S603
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if _get(base, "/healthz") == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(errors.read_text())
            statuses = {
                "feed": _get(base, reverse("calendar_feed", args=[coach.calendar_token])),
                "invite": _get(base, reverse("invite_accept", args=[invite])),
                "join": _get(base, reverse("practice_join", args=[join])),
                "reset": _get(base, reverse("password_reset_confirm", args=[uid, reset])),
                "unsubscribe": _get(base, reverse("unsubscribe", args=[unsubscribe])),
                "unknown feed": _get(base, reverse("calendar_feed", args=[unknown])),
                "no such page": _get(base, f"/invite/{invite}/{unknown}/"),
                "referrer": _get(
                    base, "/robots.txt", Referer=f"{base}/calendar/{coach.calendar_token}.ics"
                ),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert statuses == {
        "feed": 200,
        "invite": 200,
        "join": 200,
        "reset": 200,  # after the redirect to .../set-password/
        "unsubscribe": 200,
        "unknown feed": 404,
        "no such page": 404,
        "referrer": 200,
    }
    access_log, django_log = access.read_text(), errors.read_text()
    for token in tokens:
        assert token not in access_log
        assert token not in django_log
    for line in (
        f'"GET /calendar/{REDACTED} HTTP/1.1" 200',
        f'"GET /invite/{REDACTED} HTTP/1.1" 200',
        f'"GET /practice/join/{REDACTED} HTTP/1.1" 200',
        f'"GET /accounts/reset/{REDACTED} HTTP/1.1" 302',
        f'"GET /notifications/unsubscribe/{REDACTED} HTTP/1.1" 200',
        f'"GET /calendar/{REDACTED} HTTP/1.1" 404',
        f'"GET /invite/{REDACTED} HTTP/1.1" 404',
        f'"{base}/calendar/{REDACTED}"',
    ):
        assert line in access_log, access_log
    assert f"Not Found: /calendar/{REDACTED}" in django_log
    assert f"Not Found: /invite/{REDACTED}" in django_log
