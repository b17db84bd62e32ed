"""Notices to users: kept in the app, emailed through the queue as each user
chose (Profile -> Notifications), each with a signed one-click unsubscribe link.

``notify()`` is the one way a notice is made: events (a submission, a review)
and the reminder sweep (services/reminders.py) both go through it, so the
unique constraint on Notification keeps every notice to one per occasion.
"""

from __future__ import annotations

import zoneinfo

from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..lib.links import absolute
from ..models import (
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
    User,
)
from ..selectors.notifications import Kind, kinds_for, preference, zone_of

# ---------------------------------------------------------------- notices


@transaction.atomic
def notification_preferences_save(*, user: User, choices: dict[str, tuple[bool, str]]) -> None:
    """Store the user's choice for each of their kinds: ``{kind: (enabled,
    delivery)}``; candidates get everything straight away."""
    for kind in kinds_for(user):
        if kind not in choices:
            continue
        enabled, delivery = choices[kind]
        if not user.is_coach:
            delivery = NotificationDelivery.INSTANT
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"enabled": enabled, "delivery": delivery}
        )
    if user.is_coach:
        # Choosing the digest again for a kind brings the digest back.
        NotificationPreference.objects.filter(user=user, kind=NotificationKind.DIGEST).delete()


def notification_unsubscribe(*, user: User, kind: str) -> None:
    """No more emails of ``kind`` (the in-app list keeps the notices)."""
    NotificationPreference.objects.update_or_create(
        user=user, kind=kind, defaults={"enabled": False}
    )


def notification_mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


_UNSUBSCRIBE_SALT = "interviews.notifications.unsubscribe"


def unsubscribe_token(user: User, kind: str) -> str:
    return signing.dumps({"u": user.pk, "k": kind}, salt=_UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The user and kind a link was made for, or None when it was tampered
    with or its user is gone."""
    try:
        data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        return None
    return user, data["k"]


# ---------------------------------------------------------------- sending


def render(template: str, context: dict, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """``emails/<template>_subject.txt`` and ``emails/<template>.txt`` rendered
    with times in ``zone``. The subject's whitespace is collapsed, so a value
    with a line break can neither split the subject nor push text into the body."""
    with timezone.override(zone):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}.txt", context)
    return " ".join(subject.split())[:300], body


def queue_email(
    *,
    to: str,
    subject: str,
    body: str,
    headers: dict | None = None,
    secret: bool = False,
    notification: Notification | None = None,
) -> OutgoingEmail:
    """Store the email and hand it to the worker once the transaction commits:
    no request waits for the mail server, and a change that rolls back sends
    nothing."""
    from ..tasks import send_email  # the tasks module imports this one

    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject,
        body=body,
        headers=headers or {},
        secret=secret,
        notification=notification,
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk), robust=True)
    return email


def notify(
    *,
    user: User,
    kind: str,
    object_key: str,
    occasion: str,
    template: str,
    context: dict,
    url: str,
    email: bool = True,
) -> Notification | None:
    """Keep a notice for ``user`` and email it if they want it now.

    Returns None, and does nothing, when the same notice (user, kind, object,
    occasion) already exists: the database's unique constraint decides, so
    two sweeps racing each other still send one email.
    """
    unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe_token(user, kind)]))
    context = {
        **context,
        "recipient": user,
        "link": absolute(url) if url.startswith("/") else url,
    }
    subject, body = render(template, context, zone_of(user))
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                kind=kind,
                object_key=object_key,
                occasion=occasion,
                subject=subject[:200],
                body=body,
                url=url,
            )
    except IntegrityError:
        return None
    if email and (kind == Kind.DIGEST or preference(user, kind).instant):
        footer = (
            "\n-- \n"
            f"Stop emails like this one: {unsubscribe_url}\n"
            f"All your email settings: {absolute(reverse('notification_settings'))}\n"
        )
        queue_email(
            to=user.email,
            subject=subject,
            body=body.rstrip() + "\n" + footer,
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            notification=notification,
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return notification
