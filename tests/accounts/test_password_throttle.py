"""Every password check throttled one way (issue 21, point 5): failures count
under the account the typed email logs in to, however it is spelt; a ceiling
per account across addresses, lifted by an emailed single-use link; the
password typed again before a change, an erasure or switching two-factor off
counts the same; wrong second-factor codes slow an attacker without locking
the owner out of a right code."""

import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from interviews import throttle
from interviews.models import Candidate, ThrottleHit, User

from ..factories import PASSWORD, CandidateFactory, CoachFactory, UserFactory
from .test_two_factor import STEP, app_code, set_up

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2030, 1, 15, 12, 0, 5, tzinfo=datetime.UTC)
WRONG = "not-the-password-1"
NEW = "a-brand-new-password-42"
PAIR_LOCKED = "Too many failed attempts for this account from your address"
ACCOUNT_LOCKED = "logging in to it with a password is paused"
RECHECK_LOCKED = "Too many wrong passwords for this account: the password was not checked."


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def log_in(client, email, password, *, ip="198.51.100.7"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


def logged_in_as(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


@pytest.fixture
def password_checks(monkeypatch) -> list[int]:
    """The users whose password was compared, one entry per comparison."""
    calls: list[int] = []
    real = User.check_password

    def spy(self, raw):
        calls.append(self.pk)
        return real(self, raw)

    monkeypatch.setattr(User, "check_password", spy)
    return calls


# ------------------------------------------------------------------ one key per account


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's Unicode case-insensitive match"
)
def test_a_dotless_i_shares_the_accounts_count_on_postgresql(client, clock, password_checks):
    user = UserFactory(email="sis@example.com")
    dotless = "s\u0131s@example.com"
    # The hole: PostgreSQL's case-insensitive match logs "s\u0131s@" in to "sis@".
    assert throttle.account_for_login(dotless) == user
    assert log_in(Client(), dotless, PASSWORD, ip="203.0.113.1").status_code == 302
    variants = ["SIS@example.com", dotless, "S\u0131S@EXAMPLE.COM", "sis@example.com"]
    statuses = [log_in(client, variants[n % 4], WRONG).status_code for n in range(10)]
    assert statuses == [200] * 9 + [429]
    # One count, under the account, whichever spelling was typed.
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {f"user:{user.pk}"}
    checks_before = len(password_checks)
    for spelling in ("sis@example.com", dotless, "SIS@example.com"):
        locked = log_in(client, spelling, PASSWORD)
        assert locked.status_code == 429
        assert PAIR_LOCKED in locked.content.decode()
    assert len(password_checks) == checks_before
    assert logged_in_as(client) is None


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's Unicode case-insensitive match"
)
def test_two_accounts_a_dotless_i_apart_each_log_in_to_their_own(clock):
    """Both can exist (the unique constraint lower-cases only); each spelling
    signs in to its own account, not to a 500."""
    plain = UserFactory(email="sis@example.com")
    dotless = UserFactory(email="s\u0131s@example.com")
    assert User._default_manager.get_by_natural_key("SIS@example.com") == plain
    assert User._default_manager.get_by_natural_key("s\u0131s@example.com") == dotless
    for user in (plain, dotless):
        browser = Client()
        assert log_in(browser, user.email, PASSWORD, ip="203.0.113.7").status_code == 302
        assert logged_in_as(browser) == user.pk


def test_an_address_with_no_account_counts_under_its_normalised_form(client, clock):
    # Fullwidth letters fold to ASCII (NFKC), capitals and the German sharp s fold.
    assert throttle.account_key("\uff2e\uff2f\uff22\uff2f\uff24\uff39@Example.com") == (
        "email:nobody@example.com"
    )
    assert throttle.account_key("STRASSE@example.com") == throttle.account_key(
        "stra\u00dfe@example.com"
    )
    for spelling in ("NOBODY@example.com", "\uff4eobody@example.com"):
        for _ in range(5):
            log_in(client, spelling, WRONG)
    assert log_in(client, "nobody@example.com", WRONG).status_code == 429


def test_typing_an_account_key_does_not_reach_the_account(client, clock):
    user = UserFactory(email="pat@example.com")
    for _ in range(10):
        log_in(client, f"user:{user.pk}", WRONG)
    assert log_in(client, "pat@example.com", PASSWORD).status_code == 302


# ------------------------------------------------------------------ the ceiling per account


def addresses(n: int) -> list[str]:
    return [f"203.0.113.{i}" for i in range(1, n + 1)]


def unlock_links(mailoutbox) -> list[str]:
    return [
        m
        for mail in mailoutbox
        for m in re.findall(r"http://testserver(/accounts/unlock/[^/\s]+/)", mail.body)
    ]


def spray(email, ips, per_ip) -> list[int]:
    """``per_ip`` wrong passwords from each address, address after address."""
    return [log_in(Client(), email, WRONG, ip=ip).status_code for ip in ips for _ in range(per_ip)]


def test_fifty_failures_from_twenty_addresses_pause_the_account_and_email_the_owner(
    clock, mailoutbox, django_capture_on_commit_callbacks, password_checks
):
    user = UserFactory(email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = spray("pat@example.com", addresses(20), 9)
    # No address reached its own 10; the 50th failure overall paused the account.
    assert statuses[:49] == [200] * 49
    assert set(statuses[49:]) == {429}
    assert ThrottleHit.objects.filter(scope="password-account").count() == 50
    checks = len(password_checks)
    fresh = log_in(Client(), "pat@example.com", PASSWORD, ip="192.0.2.200")
    assert fresh.status_code == 429
    page = fresh.content.decode()
    assert ACCOUNT_LOCKED in page
    # It ends an hour after the first of the fifty (all at 12:00:05 here).
    assert "Try again after 13:00 UTC" in page
    assert len(password_checks) == checks, "no password is checked while paused"
    # One email, to the owner, with a link.
    assert [mail.to for mail in mailoutbox] == [["pat@example.com"]]
    assert "paused" in mailoutbox[0].subject
    [link] = unlock_links(mailoutbox)

    opened = Client().get(link)
    assert opened.status_code == 200
    assert b"Password sign-in unlocked" in opened.content
    assert not ThrottleHit.objects.filter(scope="password-account").exists()
    owner = Client()
    assert log_in(owner, "pat@example.com", PASSWORD, ip="192.0.2.200").status_code == 302
    assert logged_in_as(owner) == user.pk
    # Single use.
    again = Client().get(link)
    assert again.status_code == 410
    assert b"used already" in again.content


def test_the_pause_ends_by_itself_after_an_hour_and_its_link_then_does_nothing(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        spray("pat@example.com", addresses(10), 5)
    [link] = unlock_links(mailoutbox)
    assert log_in(Client(), "pat@example.com", PASSWORD, ip="192.0.2.9").status_code == 429
    clock.shift(datetime.timedelta(hours=1, seconds=1))
    assert log_in(Client(), "pat@example.com", PASSWORD, ip="192.0.2.9").status_code == 302
    # The failures it was sent for have aged out: the link is no longer needed.
    assert Client().get(link).status_code == 410


def test_unlock_emails_are_rate_limited(clock, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="pat@example.com")
    for n in range(4):
        # Fresh addresses each time: each stays under its own 10.
        ips = [f"203.0.{n}.{i}" for i in range(1, 11)]
        with django_capture_on_commit_callbacks(execute=True):
            spray("pat@example.com", ips, 5)
        assert log_in(Client(), "pat@example.com", PASSWORD, ip="192.0.2.1").status_code == 429
        links = unlock_links(mailoutbox)
        if n < 3:
            assert Client().get(links[-1]).status_code == 200
    # Four pauses within the hour, three emails.
    assert len(mailoutbox) == 3


def test_a_forged_unlock_link_does_nothing(client, clock, django_capture_on_commit_callbacks):
    UserFactory(email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        spray("pat@example.com", addresses(10), 5)
    forged = client.get(reverse("account_unlock", args=["eyJ1IjoxLCJoIjoxfQ:forged:sig"]))
    assert forged.status_code == 410
    assert ThrottleHit.objects.filter(scope="password-account").count() == 50


def test_an_address_with_no_account_pauses_the_same_and_emails_nobody(
    clock, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="pat@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        real = spray("pat@example.com", addresses(10), 6)
        ghost = spray("nobody@example.com", addresses(10), 6)
    assert real == ghost
    a = log_in(Client(), "pat@example.com", WRONG, ip="192.0.2.1").content
    b = log_in(Client(), "nobody@example.com", WRONG, ip="192.0.2.1").content
    assert a == b
    assert ACCOUNT_LOCKED in b.decode()
    assert [mail.to for mail in mailoutbox] == [["pat@example.com"]]


# ------------------------------------------------------------------ re-entered passwords


def _changed(w) -> bool:
    w["user"].refresh_from_db()
    return w["user"].check_password(NEW)


def _deleted(w) -> bool:
    return not User.objects.filter(pk=w["user"].pk).exists()


def _erased(w) -> bool:
    return Candidate.objects.get(pk=w["record"].pk).erased_at is not None


def _two_factor_off(w) -> bool:
    return not TOTPDevice.objects.filter(user=w["user"]).exists()


REAUTH = {
    "password change": ("coach", lambda w: reverse("password_change"), "old_password", _changed),
    "account deletion": ("candidate", lambda w: reverse("account_delete"), "password", _deleted),
    "candidate erasure": (
        "coach",
        lambda w: reverse("coach:candidate_erase", args=[w["record"].pk]),
        "password",
        _erased,
    ),
    "two-factor off": (
        "coach",
        lambda w: reverse("two_factor_disable"),
        "password",
        _two_factor_off,
    ),
}


def _data(case, w, password) -> dict:
    _, _, field, _ = REAUTH[case]
    data = {field: password}
    if case == "password change":
        data.update(new_password1=NEW, new_password2=NEW)
    if case == "two-factor off":
        data["code"] = app_code(w["device"])
    return data


@pytest.fixture
def world(request, clock):
    case = request.param
    role = REAUTH[case][0]
    user = (
        CoachFactory(email="me@example.com")
        if role == "coach"
        else UserFactory(email="me@example.com")
    )
    w = {"case": case, "user": user}
    if case == "candidate erasure":
        w["record"] = CandidateFactory(coach=user, email="client@example.com")
    if case == "account deletion":
        CandidateFactory(user=user, email=user.email)
    if case == "two-factor off":
        w["device"], _ = set_up(user)
    client = Client(REMOTE_ADDR="198.51.100.7")
    client.force_login(user)
    w["client"] = client
    return w


@pytest.mark.parametrize("world", list(REAUTH), indirect=True)
def test_a_re_entered_password_is_throttled_like_a_login(world, clock, password_checks):
    w, case = world, world["case"]
    url = REAUTH[case][1](w)
    done = REAUTH[case][3]
    client = w["client"]
    for n in range(10):
        response = client.post(url, _data(case, w, WRONG), follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        if n < 9:
            assert "not your password" in text or "incorrectly" in text
        else:
            # The tenth locks the account-and-address pair, and says until when.
            assert RECHECK_LOCKED in text
    checks = len(password_checks)
    clock.shift(STEP)
    right = client.post(url, _data(case, w, PASSWORD), follow=True)
    assert right.status_code == 200
    assert RECHECK_LOCKED in right.content.decode()
    assert "Try again after 12:15" in right.content.decode()
    assert len(password_checks) == checks, "the password is not checked while locked"
    assert not done(w)
    # The same count as the log-in page's: it is locked from this address too.
    assert log_in(Client(), "me@example.com", PASSWORD).status_code == 429
    # And after the cool-off the right password works.
    clock.shift(datetime.timedelta(minutes=15, seconds=1))
    assert client.post(url, _data(case, w, PASSWORD)).status_code == 302
    assert done(w)


def test_re_entered_passwords_count_towards_the_accounts_ceiling(clock, password_checks):
    coach = CoachFactory(email="me@example.com")
    for n, ip in enumerate(addresses(6)):
        session = Client(REMOTE_ADDR=ip)
        session.force_login(coach)
        for _ in range(9 if n < 5 else 5):
            session.post(
                reverse("password_change"),
                {"old_password": WRONG, "new_password1": NEW, "new_password2": NEW},
            )
    assert ThrottleHit.objects.filter(scope="password-account").count() == 50
    checks = len(password_checks)
    session = Client(REMOTE_ADDR="192.0.2.77")
    session.force_login(coach)
    refused = session.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert RECHECK_LOCKED in refused.content.decode()
    assert len(password_checks) == checks
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


# ------------------------------------------------------------------ second-factor codes


def wrong_code(device) -> str:
    return f"{(int(app_code(device)) + 1) % 1_000_000:06d}"


def password_step(client, user, ip):
    return client.post(
        reverse("login"), {"username": user.email, "password": PASSWORD}, REMOTE_ADDR=ip
    )


def code_step(client, code, ip):
    return client.post(reverse("login_code"), {"code": code}, REMOTE_ADDR=ip)


ATTACKER = "203.0.113.66"
OWNER = "192.0.2.10"


def test_an_attackers_wrong_codes_do_not_stop_the_owners_right_code(clock):
    coach = CoachFactory(email="owner@example.com")
    device, _ = set_up(coach)
    clock.shift(STEP)
    attacker = Client()
    assert password_step(attacker, coach, ATTACKER).url == reverse("login_code")
    answers = [code_step(attacker, wrong_code(device), ATTACKER).status_code for _ in range(5)]
    # Four form errors, then back to the password.
    assert answers == [200] * 4 + [302]
    assert logged_in_as(attacker) is None
    device.refresh_from_db()
    assert device.verify_is_allowed()[0], "no wait is put on the owner's device"
    # The owner, at once, with no wait: password, right code, in.
    for ip in (OWNER, ATTACKER):  # from elsewhere, and even from the same address
        owner = Client()
        assert password_step(owner, coach, ip).url == reverse("login_code")
        assert code_step(owner, app_code(device), ip).status_code == 302
        assert logged_in_as(owner) == coach.pk
        clock.shift(STEP)  # a code is used once


def test_over_the_accounts_code_allowance_each_login_gets_one_try(clock):
    coach = CoachFactory(email="owner@example.com")
    device, _ = set_up(coach)
    clock.shift(STEP)
    attacker = Client()
    for _ in range(2):  # ten wrong codes: the account's allowance for the hour
        password_step(attacker, coach, ATTACKER)
        for _ in range(5):
            last = code_step(attacker, wrong_code(device), ATTACKER)
        assert last.url == reverse("login")
    # From now on one wrong code ends the half-done login, and counts as a
    # failed login of this account from this address.
    pending_logins = 0
    while password_step(attacker, coach, ATTACKER).status_code == 302:
        pending_logins += 1
        assert code_step(attacker, wrong_code(device), ATTACKER).url == reverse("login")
        assert pending_logins < 20
    # The tenth such failure locked the attacker's address out of the password step.
    assert pending_logins == 9
    assert PAIR_LOCKED in password_step(attacker, coach, ATTACKER).content.decode()
    # Wrong codes do not pause the account's password sign-in everywhere.
    assert not ThrottleHit.objects.filter(scope="password-account").exists()
    # The owner: a fresh password step and the right code always work.
    owner = Client()
    assert password_step(owner, coach, OWNER).url == reverse("login_code")
    assert code_step(owner, app_code(device), OWNER).status_code == 302
    assert logged_in_as(owner) == coach.pk


def test_switching_two_factor_off_stops_checking_codes_over_the_allowance(clock):
    coach = CoachFactory(email="owner@example.com")
    device, _ = set_up(coach)
    client = Client()
    client.force_login(coach)
    for _ in range(10):
        clock.shift(STEP)
        client.post(
            reverse("two_factor_disable"), {"password": PASSWORD, "code": wrong_code(device)}
        )
    clock.shift(STEP)
    refused = client.post(
        reverse("two_factor_disable"), {"password": PASSWORD, "code": app_code(device)}
    )
    assert refused.status_code == 200
    assert b"Too many wrong codes for this account" in refused.content
    assert TOTPDevice.objects.filter(user=coach).exists()
    # Logging in with the right code still works meanwhile.
    owner = Client()
    password_step(owner, coach, OWNER)
    assert code_step(owner, app_code(device), OWNER).status_code == 302
    assert logged_in_as(owner) == coach.pk
