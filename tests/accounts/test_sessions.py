"""Session limits (idle timeout, absolute lifetime) and ending other sessions:
"log out everywhere else", a password change and a password reset."""

import datetime

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..factories import PASSWORD

START = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.UTC)
IDLE_MESSAGE = "You were signed out after 12 hours without activity."
LIFETIME_MESSAGE = "You were signed out after 14 days; please sign in again."


@pytest.fixture(autouse=True)
def production_limits(settings):
    """The production defaults (tests/settings.py lifts them for other tests)."""
    settings.SESSION_IDLE_TIMEOUT = 12 * 60
    settings.SESSION_ABSOLUTE_LIFETIME = 14


def signed_in(user, password=PASSWORD) -> Client:
    """A browser that signed in through the login form, as a person does."""
    client = Client()
    response = client.post(reverse("login"), {"username": user.email, "password": password})
    assert response.status_code == 302, "the login failed"
    return client


def is_signed_in(client) -> bool:
    # A light page behind login (the profile page takes ten times as long).
    response = client.get(reverse("password_change_done"))
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    return False


def followed_text(response) -> str:
    """The login page a sign-out redirect leads to, with its messages."""
    return response.client.get(response.url).content.decode()


# ---------------------------------------------------------------- idle timeout


@pytest.mark.django_db
def test_a_session_idle_for_just_under_12_hours_stays_signed_in(coach):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        traveller.shift(datetime.timedelta(hours=11, minutes=59))
        assert client.get(reverse("coach:dashboard")).status_code == 200


@pytest.mark.django_db
def test_a_session_idle_for_over_12_hours_is_sent_to_login_with_a_message(coach):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        traveller.shift(datetime.timedelta(hours=12, minutes=1))
        response = client.get(reverse("coach:candidate_list") + "?q=x")
        assert response.status_code == 302
        assert response.url == reverse("login") + "?next=/coach/candidates/%3Fq%3Dx"
        assert IDLE_MESSAGE in followed_text(response)
        # Signed out for good, not just redirected once.
        assert not is_signed_in(client)


@pytest.mark.django_db
def test_the_idle_clock_restarts_with_each_request(coach):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        for _ in range(3):
            traveller.shift(datetime.timedelta(hours=11))
            assert is_signed_in(client)


@pytest.mark.django_db
def test_a_form_posted_after_the_idle_timeout_is_not_replayed_after_login(coach):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        traveller.shift(datetime.timedelta(hours=13))
        response = client.post(reverse("profile"), {"full_name": "Late", "time_zone": "UTC"})
        assert response.status_code == 302
        assert response.url == reverse("login")
    coach.refresh_from_db()
    assert coach.full_name != "Late"


@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_a_minute(coach):
    """A session write is a database write: requests in the same minute skip it."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        first = client.session["_last_seen"]
        traveller.shift(datetime.timedelta(seconds=30))
        client.get(reverse("profile"))
        assert client.session["_last_seen"] == first
        traveller.shift(datetime.timedelta(seconds=31))
        client.get(reverse("profile"))
        assert client.session["_last_seen"] == first + 61


@pytest.mark.django_db
def test_the_idle_timeout_is_a_setting(coach, settings):
    settings.SESSION_IDLE_TIMEOUT = 30
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        traveller.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("profile"))
        assert "You were signed out after 30 minutes without activity." in followed_text(response)


# ---------------------------------------------------------------- absolute lifetime


@pytest.mark.django_db
def test_activity_every_6_hours_keeps_a_session_for_14_days_and_no_longer(coach):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        for _ in range(14 * 4):  # up to exactly 14 days after signing in
            traveller.shift(datetime.timedelta(hours=6))
            assert is_signed_in(client), traveller
        traveller.shift(datetime.timedelta(hours=6))
        response = client.get(reverse("coach:dashboard"))
        assert response.status_code == 302
        assert response.url == reverse("login") + "?next=/coach/"
        assert LIFETIME_MESSAGE in followed_text(response)
        assert not is_signed_in(client)
        # Signing in again starts a new 14 days.
        client = signed_in(coach)
        traveller.shift(datetime.timedelta(hours=6))
        assert is_signed_in(client)


@pytest.mark.django_db
def test_a_session_from_before_the_limits_gets_its_times_on_first_sight(coach):
    """A session signed in before the limits existed has no times stored: the
    middleware starts the clock at its first request."""
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(coach)
        session = client.session
        del session["_signed_in_at"], session["_last_seen"]
        session.save()
        traveller.shift(datetime.timedelta(days=3))
        assert is_signed_in(client)
        assert client.session["_signed_in_at"] == int(START.timestamp()) + 3 * 24 * 3600
        traveller.shift(datetime.timedelta(days=14, hours=1))
        assert not is_signed_in(client)


# ---------------------------------------------------------------- ending other sessions


@pytest.mark.django_db
def test_log_out_everywhere_else_ends_the_others_and_keeps_this_one(coach, other_coach):
    here, elsewhere = signed_in(coach), signed_in(coach)
    someone_else = signed_in(other_coach)
    response = here.post(reverse("sessions_end_others"), follow=True)
    assert response.redirect_chain == [(reverse("profile"), 302)]
    assert "You are signed out everywhere else." in response.content.decode()
    coach.refresh_from_db()
    assert coach.session_epoch == 1
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(someone_else)
    # Again: each time, every other session ends.
    later = signed_in(coach)
    here.post(reverse("sessions_end_others"))
    assert is_signed_in(here) and not is_signed_in(later)


@pytest.mark.django_db
def test_the_profile_shows_the_sign_in_time_and_the_button(coach):
    coach.time_zone = "Europe/Paris"
    coach.save(update_fields=["time_zone"])
    with time_machine.travel(START, tick=False):
        page = signed_in(coach).get(reverse("profile")).content.decode()
    assert "Signed in here since 4 March 2030, 10:00." in page  # Paris time
    assert "Log out everywhere else" in page


@pytest.mark.django_db
def test_log_out_everywhere_else_is_post_only(coach_client):
    assert coach_client.get(reverse("sessions_end_others")).status_code == 405


@pytest.mark.django_db
def test_changing_the_password_ends_every_other_session(coach):
    here, elsewhere = signed_in(coach), signed_in(coach)
    new = "a-brand-new-password-42"
    response = here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert is_signed_in(signed_in(coach, new))


@pytest.mark.django_db
def test_resetting_the_password_ends_every_session(coach):
    elsewhere = signed_in(coach)
    coach.refresh_from_db()  # the token covers the last login, just changed
    browser = Client()
    uid = urlsafe_base64_encode(force_bytes(coach.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(coach)])
    form_page = browser.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new = "a-brand-new-password-42"
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    assert not is_signed_in(elsewhere)
    assert is_signed_in(signed_in(coach, new))
