"""The links that work without a login (the calendar feed, unsubscribe links)
are replaced by "Log out everywhere", a password reset and a password change;
unsubscribe links are opaque, stored hashed, expire and can be revoked; an old
link answers a clear "no longer valid" page (README, "Security")."""

import datetime

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from interviews.lib.links import token_hash
from interviews.models import NotificationKind, NotificationPreference, UnsubscribeLink, User
from interviews.services import notifications as notifications_services

from ..factories import PASSWORD

NEW_PASSWORD = "a-brand-new-password-42"
KIND = NotificationKind.REVIEW_WAITING


def _links(user: User) -> tuple[str, str]:
    """The user's calendar-feed address and a fresh unsubscribe address."""
    user.refresh_from_db()
    token = notifications_services.unsubscribe_token(user, KIND)
    return (
        reverse("calendar_feed", args=[user.calendar_token]),
        reverse("unsubscribe", args=[token]),
    )


def _end_others(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert client.post(reverse("sessions_end_others")).status_code == 302


def _change_password(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _reset_password(user: User) -> None:
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    step = client.get(reverse("password_reset_confirm", args=[uid, token]))
    assert step.status_code == 302  # Django moves the token out of the address
    done = client.post(step.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302, done.content.decode()[:2000]
    assert done.url == reverse("password_reset_complete")


@pytest.mark.django_db
@pytest.mark.parametrize("event", [_end_others, _change_password, _reset_password])
def test_each_event_replaces_the_calendar_address_and_every_unsubscribe_link(event, coach, client):
    feed, unsubscribe = _links(coach)
    assert client.get(feed).status_code == 200
    assert client.get(unsubscribe).status_code == 200

    event(coach)

    old_feed = client.get(feed)
    assert old_feed.status_code == 404
    assert "This calendar link is no longer valid" in old_feed.content.decode()
    old_unsubscribe = client.post(unsubscribe)
    assert old_unsubscribe.status_code == 404
    assert "This unsubscribe link is no longer valid" in old_unsubscribe.content.decode()
    assert not NotificationPreference.objects.filter(user=coach).exists()
    assert not UnsubscribeLink.objects.filter(user=coach).exists()
    # The new ones work.
    new_feed, new_unsubscribe = _links(coach)
    assert new_feed != feed
    assert client.get(new_feed).status_code == 200
    assert client.post(new_unsubscribe).status_code == 200
    assert NotificationPreference.objects.get(user=coach, kind=KIND).enabled is False


@pytest.mark.django_db
def test_another_users_events_leave_a_users_links_alone(coach, other_coach, client):
    feed, unsubscribe = _links(coach)
    _end_others(other_coach)
    _change_password(other_coach)
    assert client.get(feed).status_code == 200
    assert client.get(unsubscribe).status_code == 200


@pytest.mark.django_db
def test_an_unsubscribe_token_is_random_and_stored_only_as_its_hash(coach):
    one = notifications_services.unsubscribe_token(coach, KIND)
    two = notifications_services.unsubscribe_token(coach, KIND)
    assert one != two
    assert len(one) >= 40
    # Nothing readable in it: the same length for one kind or three, and
    # not a signed payload (the old links were: {"u": <user id>, "k": <kinds>}).
    three = notifications_services.unsubscribe_token(coach, *NotificationKind.values[:3])
    assert len(three) == len(one)
    assert ":" not in one
    for readable in (coach.email, KIND.value):
        assert readable not in one
    stored = UnsubscribeLink.objects.get(token_hash=token_hash(one))
    assert stored.user == coach and stored.kinds == [KIND.value]
    assert not UnsubscribeLink.objects.filter(token_hash=one).exists()


@pytest.mark.django_db
def test_an_unsubscribe_link_expires(coach, client):
    _, unsubscribe = _links(coach)
    UnsubscribeLink.objects.filter(user=coach).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.post(unsubscribe)
    assert response.status_code == 404
    assert "no longer valid" in response.content.decode()
    assert not NotificationPreference.objects.filter(user=coach).exists()
    # The expired row goes when the user's next link is made.
    notifications_services.unsubscribe_token(coach, KIND)
    assert UnsubscribeLink.objects.filter(user=coach).count() == 1
    assert UnsubscribeLink.objects.get(user=coach).expires_at > timezone.now()


@pytest.mark.django_db
def test_a_link_signed_the_old_way_is_no_longer_valid_not_an_error(coach, client):
    from django.core import signing

    old = signing.dumps(
        {"u": coach.pk, "k": KIND.value},
        salt="interviews.notifications.unsubscribe",
        compress=True,
    )
    response = client.get(reverse("unsubscribe", args=[old]))
    assert response.status_code == 404
    assert "This unsubscribe link is no longer valid" in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_calendar_address_says_so_in_words(client):
    response = client.get(reverse("calendar_feed", args=["not-a-token"]))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    assert "no longer valid" in response.content.decode()
