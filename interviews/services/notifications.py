"""Notices to users: kept in the app, emailed through the queue as each user
chose (Profile -> Notifications), each with an opaque one-click unsubscribe link.

``notify()`` is the one way a notice is made: events (a submission, a review)
and the reminder sweep (services/reminders.py) both go through it, so the
unique constraint on Notification keeps every notice to one per occasion.

Each user's unread count (``User.unread_notices``, the badge in the
navigation) is kept here too, in the same transaction as the change it
counts: a notice made adds one, marking read and deleting (``notifications_delete``,
used by erasure) take off exactly the rows that changed. Every step is an
``F()`` update of the user row, so concurrent writers add up instead of
overwriting each other; ``unread_notices_recount`` repairs a count that drifted
anyway (``manage.py recount_unread_notices``).
"""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..lib.links import absolute, token_hash
from ..models import (
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
    UnsubscribeLink,
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


def _unread_add(user_id: int, change: int) -> None:
    """Move a user's unread count by ``change`` in the database (``F()``: two
    writers at once both count). Never below zero: a count that drifted (a row
    changed by hand) must not turn a read into an error; the recount repairs it."""
    if change:
        User.objects.filter(pk=user_id).update(
            unread_notices=Greatest(F("unread_notices") + change, Value(0))
        )


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notice read; the count drops only when this call read it (the
    condition is in the UPDATE, so two tabs opening it at once count it once)."""
    if notification.read_at is not None:
        return
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        _unread_add(notification.user_id, -1)
    notification.read_at = now


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of the user read; returns how many were."""
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    _unread_add(user.pk, -count)
    return count


@transaction.atomic
def notifications_delete(*, notices: QuerySet[Notification]) -> int:
    """Delete these notices and take the unread ones off their users' counts.
    The rows are locked and deleted by id, so none is marked read, or made,
    between the counting and the deleting. Returns how many went."""
    rows = list(notices.select_for_update().values_list("pk", "user_id", "read_at"))
    if not rows:
        return 0
    Notification.objects.filter(pk__in=[pk for pk, _user, _read in rows]).delete()
    unread = Counter(user_id for _pk, user_id, read_at in rows if read_at is None)
    for user_id, count in sorted(unread.items()):  # in id order: no deadlock between two
        _unread_add(user_id, -count)
    return len(rows)


def unread_notices_recount(*, users: Iterable[User] | None = None) -> int:
    """Set each user's unread count (every user's, when ``users`` is None) to
    the real count of their unread notices. Returns how many were wrong."""
    unread = (
        Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    real = Coalesce(Subquery(unread), Value(0))
    rows = User.objects.all()
    if users is not None:
        rows = rows.filter(pk__in=[user.pk for user in users])
    with transaction.atomic():
        wrong = list(
            rows.select_for_update()
            .annotate(real=real)
            .exclude(unread_notices=F("real"))
            .values_list("pk", flat=True)
        )
        User.objects.filter(pk__in=wrong).update(unread_notices=real)
    return len(wrong)


def unsubscribe_token(user: User, *kinds: str) -> str:
    """A new credential for one email's unsubscribe link, for one kind or for
    the several kinds a combined email carried (a reminder sweep's). Random
    and opaque; only its hash is stored (``UnsubscribeLink``), and it stops
    working when it expires or the user's links are revoked
    (``services.accounts.user_secrets_rotate``)."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    # One row per email: the user's expired ones go as new ones are made.
    UnsubscribeLink.objects.filter(user=user, expires_at__lte=now).delete()
    UnsubscribeLink.objects.create(
        user=user,
        token_hash=token_hash(token),
        kinds=list(kinds),
        created_at=now,
        expires_at=now + datetime.timedelta(days=UnsubscribeLink.TTL_DAYS),
    )
    return token


def read_unsubscribe_token(token: str) -> tuple[User, tuple[str, ...]] | None:
    """The user and kinds a link was made for, or None when it is unknown,
    expired, revoked, or its user is gone."""
    link = (
        UnsubscribeLink.objects.select_related("user")
        .filter(
            token_hash=token_hash(token),
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if link is None:
        return None
    kinds = link.kinds
    if not isinstance(kinds, list) or not kinds or not all(k in Kind.values for k in kinds):
        return None
    return link.user, tuple(kinds)


# ---------------------------------------------------------------- sending


def render(template: str, context: dict, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """``emails/<template>_subject.txt`` and ``emails/<template>.txt`` rendered
    with times in ``zone``. The subject's whitespace is collapsed, so a value
    with a line break can neither split the subject nor push text into the body."""
    # Templates compare a notice's kind with the choices, not with bare strings.
    context = {"Kind": NotificationKind, **context}
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
    reply_to: str = "",
    secret: bool = False,
    notification: Notification | None = None,
) -> OutgoingEmail:
    """Store the email and hand it to the worker once the transaction commits:
    no request waits for the mail server, and a change that rolls back sends
    nothing. ``reply_to``: the coach an email to a candidate is written for,
    so that a reply reaches a person. The worker sends the text as it is and
    as HTML (lib/mail.py)."""
    from ..tasks import send_email  # the tasks module imports this one

    email = OutgoingEmail.objects.create(
        to=to,
        subject=subject,
        body=body,
        headers=headers or {},
        reply_to=reply_to,
        secret=secret,
        notification=notification,
    )
    transaction.on_commit(lambda: send_email.enqueue(email_id=email.pk), robust=True)
    return email


@dataclass
class Notice:
    """One notice to make: what it is about, and the email template it is
    written with (``emails/<template>.txt`` and its subject)."""

    kind: str
    object_key: str
    occasion: str
    template: str
    context: dict
    url: str


def notify(
    *,
    user: User,
    kind: str,
    object_key: str,
    occasion: str,
    template: str,
    context: dict,
    url: str,
    reply_to: str = "",
    email: bool = True,
) -> Notification | None:
    """Keep a notice for ``user`` and email it if they want it now.

    Returns None, and does nothing, when the same notice (user, kind, object,
    occasion) already exists: the database's unique constraint decides, so
    two sweeps racing each other still send one email.
    """
    notice = Notice(kind, object_key, occasion, template, context, url)
    made = notify_together(user=user, notices=[notice], reply_to=reply_to, email=email)
    return made[0] if made else None


def notify_together(
    *, user: User, notices: list[Notice], reply_to: str = "", email: bool = True
) -> list[Notification]:
    """Keep each notice for ``user`` (one Notification each, so each stays once
    per occasion) and email those they want now as one email: two reminders
    for one person in one sweep are one message listing both.

    Notices that already exist are skipped (the unique constraint decides);
    returns those made.
    """
    zone = zone_of(user)
    made: list[tuple[Notification, Notice]] = []
    for notice in notices:
        context = _notice_context(user, notice)
        subject, body = render(notice.template, context, zone)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    user=user,
                    kind=notice.kind,
                    object_key=notice.object_key,
                    occasion=notice.occasion,
                    subject=subject[:200],
                    body=body,
                    url=notice.url,
                )
                # In the notice's savepoint: counted exactly when it is kept.
                _unread_add(user.pk, 1)
        except IntegrityError:
            continue
        made.append((notification, notice))
    wanted = [
        (notification, notice)
        for notification, notice in made
        if email and (notice.kind == Kind.DIGEST or preference(user, notice.kind).instant)
    ]
    if wanted:
        kinds = list(dict.fromkeys(notice.kind for _n, notice in wanted))
        if len(wanted) == 1:
            ((notification, _notice),) = wanted
            subject, body = notification.subject, notification.body
        else:
            subject, body = _combined(user, [notice for _n, notice in wanted], zone)
        unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe_token(user, *kinds)]))
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
            reply_to=reply_to,
            notification=wanted[0][0],
        )
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n, _notice in wanted]).update(emailed_at=now)
        for notification, _notice in wanted:
            notification.emailed_at = now
    return [notification for notification, _notice in made]


def _notice_context(user: User, notice: Notice, **extra) -> dict:
    url = notice.url
    return {
        **notice.context,
        "recipient": user,
        "link": absolute(url) if url.startswith("/") else url,
        **extra,
    }


#: How a combined email counts its reminders.
_COUNTS = {2: "Two", 3: "Three", 4: "Four", 5: "Five"}


def _combined(user: User, notices: list[Notice], zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """One email for several notices: the subjects joined, then each notice's
    text as a part (``part`` leaves out its greeting and sign-off)."""
    parts = [
        render(notice.template, _notice_context(user, notice, part=True), zone)
        for notice in notices
    ]
    subject = " · ".join(part_subject for part_subject, _body in parts)[:300]
    count = _COUNTS.get(len(parts), str(len(parts)))
    lines = [f"Hello {user.get_short_name()},", "", f"{count} reminders for you today:", ""]
    lines += [f"- {part_subject}" for part_subject, _body in parts]
    for part_subject, part_body in parts:
        lines += ["", PART_RULE, "", part_subject, "", part_body.strip()]
    lines += ["", "— Coachsite"]
    return subject, "\n".join(lines) + "\n"


#: The line between the parts of a combined email (lib/mail.py draws it as a rule).
PART_RULE = "————————————————"
