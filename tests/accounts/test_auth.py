"""Email login, logout, password change and reset, and the role redirect."""

import re

import pytest
from django.urls import reverse

from interviews.forms.accounts import EmailAuthenticationForm
from interviews.models import OutgoingEmail

from ..factories import PASSWORD, CoachFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_is_ours_with_the_email_form(client):
    """Django's own login view is not routed; ours answers."""
    response = client.get(reverse("login"))
    assert isinstance(response.context["form"], EmailAuthenticationForm)
    assert b"Log in" in response.content


def test_coach_logs_in_with_email_and_lands_on_the_dashboard(client):
    CoachFactory(email="coach@example.com")
    response = client.post(
        reverse("login"), {"username": "Coach@Example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("coach:dashboard")
    assert response.status_code == 200


def test_candidate_lands_on_their_own_page(client):
    UserFactory(email="cand@example.com")
    response = client.post(
        reverse("login"), {"username": "cand@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("me:home")


def test_wrong_password_shows_a_form_error_and_keeps_the_email(client):
    UserFactory(email="cand@example.com")
    response = client.post(reverse("login"), {"username": "cand@example.com", "password": "nope"})
    assert response.status_code == 200
    assert b"correct email" in response.content.lower() or b"enter a correct" in response.content
    assert b'value="cand@example.com"' in response.content
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(coach_client):
    assert coach_client.get(reverse("logout")).status_code == 405
    response = coach_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert coach_client.get(reverse("coach:dashboard")).status_code == 302


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get(reverse("coach:dashboard"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('coach:dashboard')}"


def test_password_reset_sends_a_working_link(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="cand@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "cand@example.com"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    # Through the queue, and the stored copy no longer holds the link.
    stored = OutgoingEmail.objects.get(to="cand@example.com")
    assert stored.sent_at is not None and stored.body == ""
    message = mailoutbox[0]
    assert message.to == ["cand@example.com"]
    assert message.subject == "Reset your Coachsite password"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new_password = "a-brand-new-password-42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    # The link works only once.
    again = client.get(link, follow=True)
    assert b"This link no longer works" in again.content


def test_password_reset_for_unknown_email_sends_nothing_and_reveals_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_change_applies_the_validators(coach, coach_client):
    response = coach_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert b"too common" in response.content or b"entirely numeric" in response.content
    coach.refresh_from_db()
    assert coach.check_password(PASSWORD)


def test_profile_changes_the_time_zone(coach, coach_client):
    response = coach_client.post(
        reverse("profile"), {"full_name": "Casey C.", "time_zone": "Europe/Paris"}
    )
    assert response.status_code == 302
    coach.refresh_from_db()
    assert (coach.full_name, coach.time_zone) == ("Casey C.", "Europe/Paris")


def test_profile_rejects_an_unknown_time_zone(coach, coach_client):
    response = coach_client.post(
        reverse("profile"), {"full_name": "Casey", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert b"<script>" not in response.content and b"style=" not in response.content
