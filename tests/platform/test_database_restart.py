"""A PostgreSQL restart costs no failed read: the connection the server
dropped is replaced (health checks between requests, and a GET or HEAD cut
off mid-request runs again on a new connection), while a POST or a GET that
already wrote is never run twice.

Requests go through Django's real WSGI handler (the test client skips the
connection housekeeping that runs at the start and end of each request), in
this thread, so they use the same persistent connection a gunicorn worker
would keep between requests.
"""

import io
import time
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import path, reverse

from interviews.models import Practice

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no server to drop a connection")


def _terminate_app_connections() -> None:
    """What a restart does to every open connection: end it from the server
    side, from a second connection, and wait until they are gone."""
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as admin:
        others = (
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = admin.execute(f"SELECT pg_terminate_backend(pid) {others}").fetchall()
        assert ended, "the app had no connection to end"
        deadline = time.monotonic() + 10
        while admin.execute(f"SELECT count(*) {others}").fetchone()[0]:
            assert time.monotonic() < deadline, "the connections did not end"
            time.sleep(0.05)


def _request(path: str, *, method: str = "GET", cookie: str = "", body: bytes = b"") -> int:
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "HTTP_HOST": "testserver",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    environ["wsgi.input"] = io.BytesIO(body)
    status = []
    response = WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s))
    b"".join(response)
    response.close()  # request_finished: the connection housekeeping
    return int(status[0].split()[0])


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


# ---------------------------------------------------------------- between requests


def test_a_get_after_the_server_dropped_every_connection_succeeds(coach, candidate):
    feed = reverse("calendar_feed", args=[candidate.user.calendar_token])
    cookie = _session_cookie(coach)
    for page, kwargs in [(feed, {}), (reverse("coach:dashboard"), {"cookie": cookie})]:
        assert _request(page, **kwargs) == 200
        _terminate_app_connections()
        assert _request(page, **kwargs) == 200
        assert _request(page, method="HEAD", **kwargs) == 200


def test_a_post_after_the_server_dropped_every_connection_succeeds(coach):
    csrf = "a" * 32
    cookie = f"{_session_cookie(coach)}; csrftoken={csrf}"
    body = f"csrfmiddlewaretoken={csrf}".encode()
    read_all = reverse("notifications_read_all")
    assert _request(read_all, method="POST", cookie=cookie, body=body) == 302
    _terminate_app_connections()
    assert _request(read_all, method="POST", cookie=cookie, body=body) == 302


def test_the_check_between_requests_asks_the_socket_not_the_server(coach, monkeypatch):
    """The reused connection is checked with a poll of its socket
    (coachsite/postgresql/base.py): no SELECT 1 per request, and a
    connection the server ended is still replaced (the tests above)."""
    assert connection.vendor == "postgresql"
    from django.db import connections

    wrapper = connections["default"]
    assert type(wrapper).__module__ == "coachsite.postgresql.base"
    cookie = _session_cookie(coach)
    page = reverse("coach:dashboard")
    assert _request(page, cookie=cookie) == 200
    asked = []
    monkeypatch.setattr(wrapper, "is_usable", lambda: asked.append(1) or True)
    assert _request(page, cookie=cookie) == 200
    assert asked == []
    assert wrapper.socket_is_quiet()
    _terminate_app_connections()
    assert not wrapper.socket_is_quiet()


def test_the_round_trip_check_can_be_chosen(tmp_path):
    """DATABASE_HEALTH_CHECK=query keeps Django's own backend (SELECT 1)."""
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'])"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coachsite.settings", "DJANGO_DEBUG": "1"}
    env["DATABASE_URL"] = "postgres://u@127.0.0.1:5432/x"
    engines = {}
    for choice in ("poll", "query"):
        result = subprocess.run(  # noqa: S603 - our own interpreter and settings
            [sys.executable, "-c", script],
            env={**env, "DATABASE_HEALTH_CHECK": choice},
            capture_output=True,
            text=True,
            check=True,
        )
        engines[choice] = result.stdout.strip()
    assert engines == {
        "poll": "coachsite.postgresql",
        "query": "django.db.backends.postgresql",
    }


# ---------------------------------------------------------------- during a request

calls: list[str] = []


@login_not_required
def read_then_drop(request):
    """Reads; on its first run the server ends the connection before the
    second read, as a restart in the middle of a request does."""
    calls.append(request.method)
    Practice.objects.count()
    if len(calls) == 1:
        _terminate_app_connections()
    Practice.objects.count()
    return HttpResponse("read")


@login_not_required
def write_then_drop(request):
    calls.append(request.method)
    Practice.objects.create(name=f"Practice {len(calls)}")
    if len(calls) == 1:
        _terminate_app_connections()
    Practice.objects.count()
    return HttpResponse("wrote")


urlpatterns = [
    path("read/", read_then_drop),
    path("write/", write_then_drop),
]


@pytest.fixture
def dropping_views(settings):
    settings.ROOT_URLCONF = __name__
    calls.clear()
    yield
    calls.clear()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_read_cut_off_by_a_dropped_connection_runs_again_on_a_new_one(method, dropping_views):
    assert _request("/read/", method=method) == 200
    assert calls == [method, method]


def test_a_get_that_wrote_before_the_connection_dropped_is_not_run_again(dropping_views):
    assert _request("/write/") == 500
    assert calls == ["GET"]
    assert Practice.objects.count() == 1
    # The next request gets a working connection.
    assert _request("/read/") == 200


def test_a_post_cut_off_by_a_dropped_connection_is_not_run_again(dropping_views, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "csrf" not in m.lower()]
    assert _request("/read/", method="POST") == 500
    assert calls == ["POST"]
    assert _request("/read/", method="POST") == 200


def test_with_no_wait_configured_nothing_runs_again(dropping_views, settings):
    settings.DATABASE_RECONNECT_WAIT = 0
    assert _request("/read/") == 500
    assert calls == ["GET"]
