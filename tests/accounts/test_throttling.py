"""Throttles: login lockouts (django-axes) on the log-in page, the admin's and
the invitation page's; hourly limits on password resets, invitation emails and
invalid invitation links. Each limit, its end, and that it tells nobody
whether an account exists."""

import datetime
import re

import pytest
import time_machine
from django.test import Client, RequestFactory
from django.urls import reverse

from interviews.models import Invitation, ThrottleHit
from interviews.services import caseload as caseload_services
from interviews.throttle import client_ip

from ..factories import PASSWORD, CandidateFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2030, 1, 15, 12, 0, tzinfo=datetime.UTC)
WRONG = "not-the-password-1"
LOCKED = "Too many failed attempts for this account from your address"


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def log_in(client, email, password, *, url=None, ip="198.51.100.7"):
    return client.post(
        url or reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def logged_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None


def fail(client, email, times, **kwargs) -> list[int]:
    return [log_in(client, email, WRONG, **kwargs).status_code for _ in range(times)]


# ------------------------------------------------------------------ logins


def test_ten_failures_lock_the_pair_even_against_the_right_password(client, clock):
    user = UserFactory(email="pat@example.com")
    statuses = fail(client, "pat@example.com", 9)
    assert statuses == [200] * 9
    tenth = log_in(client, "pat@example.com", WRONG)
    assert tenth.status_code == 429
    right = log_in(client, "pat@example.com", PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED in page
    # The lock ends 15 minutes after the last failure, and the page says when.
    assert "Try again after 12:15 UTC (in 15 minutes)" in page
    assert logged_in_as(client) is None
    user.refresh_from_db()
    assert user.last_login is None


def test_attempts_while_locked_do_not_push_the_end_back(client, clock):
    UserFactory(email="pat@example.com")
    fail(client, "pat@example.com", 10)
    clock.shift(datetime.timedelta(minutes=10))
    again = log_in(client, "pat@example.com", WRONG)
    assert again.status_code == 429
    assert "Try again after 12:15 UTC (in 5 minutes)" in again.content.decode()
    clock.shift(datetime.timedelta(minutes=5, seconds=1))
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 302


def test_another_address_can_still_log_in(client, clock):
    user = UserFactory(email="pat@example.com")
    fail(client, "pat@example.com", 10)
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 429
    elsewhere = Client()
    response = log_in(elsewhere, "pat@example.com", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302
    assert logged_in_as(elsewhere) == user.pk


def test_the_lock_ends_after_fifteen_minutes(client, clock):
    user = UserFactory(email="pat@example.com")
    fail(client, "pat@example.com", 10)
    clock.shift(datetime.timedelta(minutes=14, seconds=59))
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(seconds=2))
    response = log_in(client, "pat@example.com", PASSWORD)
    assert response.status_code == 302
    assert logged_in_as(client) == user.pk


def test_a_success_before_the_limit_clears_the_count(client, clock):
    UserFactory(email="pat@example.com")
    assert fail(client, "pat@example.com", 9) == [200] * 9
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 302
    fresh = Client()
    # Nine more would be eighteen in a row without the reset.
    assert fail(fresh, "pat@example.com", 9) == [200] * 9
    assert log_in(fresh, "pat@example.com", PASSWORD).status_code == 302


def test_failures_fifteen_minutes_apart_do_not_add_up(client, clock):
    UserFactory(email="pat@example.com")
    assert fail(client, "pat@example.com", 9) == [200] * 9
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    assert fail(client, "pat@example.com", 9) == [200] * 9


def test_the_email_counts_whatever_its_case(client, clock):
    UserFactory(email="pat@example.com")
    fail(client, "Pat@Example.com", 5)
    fail(client, "PAT@EXAMPLE.COM ", 5)
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 429


def test_an_unknown_account_gets_the_same_answers_as_a_real_one(clock):
    UserFactory(email="pat@example.com")
    real, ghost = Client(), Client()
    for n in range(12):
        a = log_in(real, "pat@example.com", WRONG)
        b = log_in(ghost, "nobody@example.com", WRONG)
        assert a.status_code == b.status_code == (200 if n < 9 else 429)
        if n < 9:
            assert b"enter a correct email address and password" in b.content
            assert strip_tokens(a.content) == strip_tokens(b.content)
        else:
            assert a.content == b.content
            assert LOCKED in b.content.decode()


def strip_tokens(content: bytes) -> bytes:
    """The log-in page with its per-session CSRF token and the typed email left out."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
    return content.replace(b"pat@example.com", b"").replace(b"nobody@example.com", b"")


def test_the_admin_login_is_the_locked_login(client, clock):
    """The admin has no password form of its own (interviews/twofactor.py): it
    sends staff to the site's log-in page, where the lock applies."""
    UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    fail(client, "root@example.com", 10)
    admin = log_in(client, "root@example.com", PASSWORD, url=reverse("admin:login"))
    assert admin.status_code == 302
    assert admin.url.startswith(reverse("login"))
    assert logged_in_as(client) is None
    right = log_in(client, "root@example.com", PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert logged_in_as(client) is None


def test_the_invitation_page_login_counts_towards_the_same_lock(client, coach, clock):
    person = UserFactory(email="shared@example.com")
    record = CandidateFactory(coach=coach, email="shared@example.com")
    _, token = caseload_services.invitation_create(candidate=record, by=coach)
    url = reverse("invite_accept", args=[token])
    statuses = [
        client.post(url, {"password": WRONG}, REMOTE_ADDR="198.51.100.7").status_code
        for _ in range(10)
    ]
    assert statuses == [200] * 9 + [429]
    right = client.post(url, {"password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    record.refresh_from_db()
    assert record.user is None
    # The same email from the same address is locked on the log-in page as well.
    assert log_in(Client(), "shared@example.com", PASSWORD).status_code == 429
    clock.shift(datetime.timedelta(minutes=16))
    assert client.post(url, {"password": PASSWORD}, REMOTE_ADDR="198.51.100.7").status_code == 302
    record.refresh_from_db()
    assert record.user == person


# ------------------------------------------------------------------ client address


def test_the_client_address_ignores_forwarded_headers_unless_behind_a_proxy(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"
    settings.BEHIND_PROXY = True
    # The last entry is the one our proxy added; the earlier ones are the client's to forge.
    assert client_ip(request) == "5.6.7.8"
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, junk")
    assert client_ip(forged) == "10.0.0.2"
    assert client_ip(factory.get("/", REMOTE_ADDR="not-an-address")) is None


# ------------------------------------------------------------------ password resets


def request_reset(client, email, capture, *, ip="198.51.100.7"):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_five_resets_per_email_an_hour_then_silently_none(
    client, clock, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="pat@example.com")
    responses = [
        request_reset(client, "pat@example.com", django_capture_on_commit_callbacks)
        for _ in range(7)
    ]
    assert len(mailoutbox) == 5
    # Limited or not, the answer is the same redirect to the same neutral page.
    assert {(r.status_code, r.url) for r in responses} == {(302, reverse("password_reset_done"))}
    # The case of the address does not open a new allowance.
    request_reset(client, "PAT@example.com", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 5
    clock.shift(datetime.timedelta(minutes=59))
    request_reset(client, "pat@example.com", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 5
    clock.shift(datetime.timedelta(minutes=1, seconds=1))
    request_reset(client, "pat@example.com", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 6


def test_a_reset_answer_does_not_tell_whether_the_account_exists_or_is_limited(
    client, clock, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="pat@example.com")
    capture = django_capture_on_commit_callbacks
    answers = set()
    for _ in range(7):
        for email in ("pat@example.com", "nobody@example.com"):
            response = request_reset(client, email, capture)
            answers.add((response.status_code, response.url))
    assert answers == {(302, reverse("password_reset_done"))}
    assert len(mailoutbox) == 5
    done = client.get(reverse("password_reset_done"))
    assert b"If an account uses that address" in done.content


def test_twenty_resets_per_client_address_an_hour(
    client, clock, mailoutbox, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    emails = [f"person{n}@example.com" for n in range(22)]
    for email in emails:
        UserFactory(email=email)
    answers = {request_reset(client, email, capture).status_code for email in emails[:21]}
    assert answers == {302}
    assert len(mailoutbox) == 20
    assert mailoutbox[-1].to == [emails[19]]
    # Another address is not held back.
    request_reset(Client(), emails[21], capture, ip="203.0.113.50")
    assert len(mailoutbox) == 21
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    request_reset(client, emails[20], capture)
    assert len(mailoutbox) == 22
    assert mailoutbox[-1].to == [emails[20]]


# ------------------------------------------------------------------ invitation emails


@pytest.fixture
def coach_client(coach, clock):
    """Signed in under the moved clock (a session from before it would have expired)."""
    client = Client()
    client.force_login(coach)
    return client


def invite(client, candidate, *, ip="198.51.100.7"):
    return client.post(
        reverse("coach:candidate_invite", args=[candidate.pk]), REMOTE_ADDR=ip, follow=True
    )


def test_five_invitations_per_candidate_address_an_hour(
    coach_client, coach, clock, mailoutbox, django_capture_on_commit_callbacks
):
    record = CandidateFactory(coach=coach, email="new.person@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            assert b"Invitation sent" in invite(coach_client, record).content
    assert len(mailoutbox) == 5
    with django_capture_on_commit_callbacks(execute=True):
        refused = invite(coach_client, record)
    assert b"Too many invitations to this address in the last hour" in refused.content
    assert len(mailoutbox) == 5
    assert Invitation.objects.filter(candidate=record).count() == 5
    # The last link sent still works: a refused re-send revokes nothing.
    assert Invitation.objects.filter(candidate=record, revoked_at__isnull=True).count() == 1
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert b"Invitation sent" in invite(coach_client, record).content
    assert len(mailoutbox) == 6


def test_twenty_invitations_per_client_address_an_hour(
    coach_client, coach, clock, mailoutbox, django_capture_on_commit_callbacks
):
    records = [CandidateFactory(coach=coach) for _ in range(21)]
    with django_capture_on_commit_callbacks(execute=True):
        for record in records[:20]:
            assert b"Invitation sent" in invite(coach_client, record).content
        refused = invite(coach_client, records[20])
        assert b"Too many invitations" in refused.content
        assert not Invitation.objects.filter(candidate=records[20]).exists()
        assert b"Invitation sent" in invite(coach_client, records[20], ip="203.0.113.50").content
    assert len(mailoutbox) == 21


def test_a_refused_invitation_does_not_count(coach_client, coach, clock, candidate):
    # The candidate has joined: the service refuses, nothing is sent or counted.
    for _ in range(6):
        response = invite(coach_client, candidate)
        assert b"already joined" in response.content
    assert not ThrottleHit.objects.exists()


# ------------------------------------------------------------------ invitation links


def test_twenty_bad_links_from_an_address_then_a_valid_link_from_it_opens(client, coach, clock):
    """A shared address (an office, a university) where someone mistyped links
    all morning: the newcomer's valid link still opens, and joins."""
    record = CandidateFactory(coach=coach, email="new.person@example.com")
    _, token = caseload_services.invitation_create(candidate=record, by=coach)
    url = reverse("invite_accept", args=[token])
    statuses = [
        client.get(reverse("invite_accept", args=[f"made-up-{n}"])).status_code for n in range(20)
    ]
    assert statuses == [410] * 20
    # Further bad links from the address are refused as such, and not counted.
    invalid = client.get(reverse("invite_accept", args=["made-up-x"]))
    assert invalid.status_code == 429
    assert b"Too many invalid invitation links from your address" in invalid.content
    assert ThrottleHit.objects.filter(scope="invite-lookup-ip").count() == 20
    # The valid link from the same address opens, and accepting it works.
    valid = client.get(url)
    assert valid.status_code == 200
    assert b"Set password and continue" in valid.content
    posted = client.post(
        url,
        {"full_name": "New", "password1": "plenty-long-pass-7", "password2": "plenty-long-pass-7"},
    )
    assert posted.status_code == 302
    record.refresh_from_db()
    assert record.user is not None
    # An hour on, bad links from the address get their reason again.
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    assert client.get(reverse("invite_accept", args=["made-up-y"])).status_code == 410


def test_good_links_do_not_count_towards_the_limit(client, coach, clock):
    record = CandidateFactory(coach=coach)
    _, token = caseload_services.invitation_create(candidate=record, by=coach)
    url = reverse("invite_accept", args=[token])
    assert {client.get(url).status_code for _ in range(25)} == {200}
