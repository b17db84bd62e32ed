"""The admin's view of the email queue and the notices: outgoing emails can be
filtered by state and failed ones tried again; nothing here is added by hand."""

import datetime

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from interviews.models import Notification, NotificationPreference, OutgoingEmail, ReminderSweep

from ..factories import UserFactory


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def email(**fields) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        **{"to": "ann@example.com", "subject": "Hello", "body": "Hi Ann.", **fields}
    )


@pytest.fixture
def emails(db):
    now = timezone.now()
    return {
        "queued": email(subject="Queued one"),
        "retrying": email(subject="Retrying one", attempts=2, last_error="SMTPError: busy"),
        "sent": email(subject="Sent one", attempts=1, sent_at=now),
        "failed": email(
            subject="Failed one", attempts=5, failed_at=now, last_error="SMTPError: refused"
        ),
    }


@pytest.fixture
def rows(emails):
    user = UserFactory()
    notification = Notification.objects.create(
        user=user,
        kind=Notification.Kind.DUE_SOON,
        object_key="assignment:1",
        occasion="2026-12-01",
        subject="Prep is due in two days",
    )
    return {
        OutgoingEmail: emails["failed"],
        Notification: notification,
        NotificationPreference: NotificationPreference.objects.create(
            user=user, kind=Notification.Kind.OVERDUE, enabled=False
        ),
        ReminderSweep: ReminderSweep.objects.create(
            pk=1, last_started_at=timezone.now(), last_finished_at=timezone.now(), last_created=3
        ),
    }


@pytest.mark.parametrize(
    "model",
    [OutgoingEmail, Notification, NotificationPreference, ReminderSweep],
    ids=lambda m: m.__name__,
)
def test_a_superuser_can_open_the_queue_and_notice_pages(admin_client, rows, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "change", rows[model].pk)).status_code == 200


@pytest.mark.parametrize("state", ["queued", "retrying", "sent", "failed"])
def test_the_state_filter_shows_only_emails_in_that_state(admin_client, emails, state):
    page = admin_client.get(admin_url(OutgoingEmail, "changelist"), {"state": state})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [emails[state]]
    assert emails[state].state == state


def test_emails_notices_and_sweeps_cannot_be_added_by_hand(admin_client, rows):
    page = admin_client.get(admin_url(OutgoingEmail, "changelist"))
    assert not page.context["has_add_permission"]
    assert admin_url(OutgoingEmail, "add") not in page.content.decode()
    for model in (OutgoingEmail, Notification, ReminderSweep):
        assert admin_client.get(admin_url(model, "add")).status_code == 403, model
    delete = admin_client.post(admin_url(ReminderSweep, "delete", 1), {"post": "yes"})
    assert delete.status_code == 403
    assert ReminderSweep.objects.filter(pk=1).exists()


def test_an_emails_fields_cannot_be_changed_in_the_admin(admin_client, emails):
    row = emails["queued"]
    response = admin_client.post(
        admin_url(OutgoingEmail, "change", row.pk), {"to": "eve@example.com", "subject": "Hacked"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.to, row.subject) == ("ann@example.com", "Queued one")


def test_a_secret_link_is_not_shown_in_the_admin(admin_client, db):
    row = email(subject="Your invitation", body="Accept: https://x/i/SECRET-TOKEN", secret=True)
    page = admin_client.get(admin_url(OutgoingEmail, "change", row.pk))
    assert "SECRET-TOKEN" not in page.content.decode()


def try_again(admin_client, *rows):
    return admin_client.post(
        admin_url(OutgoingEmail, "changelist"),
        {"action": "try_again", helpers.ACTION_CHECKBOX_NAME: [row.pk for row in rows]},
    )


def test_try_again_now_sends_a_failed_email(
    admin_client, emails, mailoutbox, django_capture_on_commit_callbacks
):
    failed = emails["failed"]
    with django_capture_on_commit_callbacks(execute=True):
        response = try_again(admin_client, failed)
    assert response.status_code == 302
    [message] = mailoutbox
    assert (message.to, message.subject) == (["ann@example.com"], "Failed one")
    failed.refresh_from_db()
    assert failed.state == "sent"
    assert failed.sent_at is not None and failed.failed_at is None
    assert failed.attempts == 1


def test_try_again_now_leaves_emails_that_did_not_fail_alone(
    admin_client, emails, mailoutbox, django_capture_on_commit_callbacks
):
    others = [emails["queued"], emails["retrying"], emails["sent"]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = try_again(admin_client, *others)
    assert response.status_code == 302
    assert callbacks == [] and mailoutbox == []
    for row in others:
        before = row.state, row.attempts
        row.refresh_from_db()
        assert (row.state, row.attempts) == before


def test_the_stuck_filter_shows_emails_nothing_happened_to_for_longer_than_the_lease(
    admin_client, emails
):
    long_ago = timezone.now() - datetime.timedelta(minutes=16)
    claimed = email(subject="Killed mid-send", attempts=1, sending_started_at=long_ago)
    lost = email(subject="Task lost", created_at=long_ago)
    email(subject="Being sent", attempts=1, sending_started_at=timezone.now())
    email(subject="Old but sent", created_at=long_ago, sent_at=timezone.now())
    page = admin_client.get(admin_url(OutgoingEmail, "changelist"), {"state": "stuck"})
    assert set(page.context["cl"].result_list) == {claimed, lost}
    sending = admin_client.get(admin_url(OutgoingEmail, "changelist"), {"state": "sending"})
    assert {row.subject for row in sending.context["cl"].result_list} == {
        "Killed mid-send",
        "Being sent",
    }


def test_try_again_now_sends_a_stuck_email_and_leaves_one_being_sent(
    admin_client, emails, mailoutbox, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - datetime.timedelta(minutes=16)
    stuck = email(subject="Killed mid-send", attempts=1, sending_started_at=long_ago)
    busy = email(subject="Being sent", attempts=1, sending_started_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        response = try_again(admin_client, stuck, busy)
    assert response.status_code == 302
    assert [m.subject for m in mailoutbox] == ["Killed mid-send"]
    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert stuck.state == OutgoingEmail.State.SENT and stuck.attempts == 1
    assert busy.state == OutgoingEmail.State.SENDING
