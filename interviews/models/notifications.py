"""Notifications: notices, per-kind preferences, the outgoing email queue and
the reminder sweep's bookkeeping.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .accounts import User

# ---------------------------------------------------------------- notifications


class NotificationKind(models.TextChoices):
    """What a notice is about. The first group are events (something just
    happened), the second reminders (the sweep found something due), and the
    coach's daily digest."""

    # Events
    ASSIGNMENT_CREATED = "assignment_created", "A new checklist from my coach"
    ASSIGNMENT_REVIEWED = "assignment_reviewed", "My coach reviewed a checklist"
    ASSIGNMENT_UPDATED = (
        "assignment_updated",
        "My coach changed the due date or instructions of a checklist",
    )
    COACH_REMINDER = "coach_reminder", "My coach reminds me of a checklist"
    THANK_YOU_CHECKED = "thank_you_checked", "My coach looked at a thank-you note"
    ASSIGNMENT_SUBMITTED = "assignment_submitted", "A candidate submitted a checklist"
    THANK_YOU_CHECK_REQUESTED = "thank_you_check_requested", "A candidate asks me to check a note"
    # Reminders to candidates
    DUE_SOON = "due_soon", "A checklist is due in two days"
    DUE_TODAY = "due_today", "A checklist is due today"
    OVERDUE = "overdue", "A checklist is overdue"
    INTERVIEW_TOMORROW = "interview_tomorrow", "My interview is tomorrow"
    INTERVIEW_TODAY = "interview_today", "My interview is today and my prep is unfinished"
    THANK_YOU_WAITING = "thank_you_waiting", "Thank-you notes still to send after an interview"
    FOLLOW_UP_WAITING = "follow_up_waiting", "Debrief or outcome still to record"
    # Reminders to coaches
    REVIEW_WAITING = "review_waiting", "A submission has waited two days for my review"
    PREP_NOT_READY = "prep_not_ready", "An interview tomorrow with prep not complete"
    DIGEST = "digest", "Daily digest"


class NotificationDelivery(models.TextChoices):
    INSTANT = "instant", "Straight away"
    DIGEST = "digest", "In one daily digest at 08:00"


class Notification(models.Model):
    """One notice to one user: an event email or a reminder, kept in the app.

    ``object_key`` names what it is about (``assignment:12``, ``round:7``) and
    ``occasion`` which time it is for (the due date, the interview's start), so
    the unique constraint lets each reminder go out once per occasion: moving
    a due date or an interview gives a new occasion, which re-arms it.
    """

    Kind = NotificationKind

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    object_key = models.CharField(max_length=80)
    occasion = models.CharField(max_length=80)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: When the email for it was handed to the queue; empty when it was not
    #: emailed (switched off, or left to the daily digest).
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key", "occasion"],
                name="interviews_notification_once_per_occasion",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="interviews_notification_kind_valid",
            ),
        ]
        indexes = [
            # /notifications/ and the unread count in the navigation.
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="notification_user_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind of email; no row means on and instant."""

    Delivery = NotificationDelivery

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    enabled = models.BooleanField("email me", default=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.INSTANT)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="interviews_notificationpreference_unique"
            ),
        ]

    def __str__(self) -> str:
        state = self.get_delivery_display() if self.enabled else "off"
        return f"{self.user}: {self.kind} ({state})"


class OutgoingEmailState(models.TextChoices):
    QUEUED = "queued", "queued"
    SENDING = "sending", "sending"
    RETRYING = "retrying", "retrying"
    SENT = "sent", "sent"
    FAILED = "failed", "failed"


def worker_lease() -> datetime.timedelta:
    """How long a task or a send may take before it is taken for dead."""
    return datetime.timedelta(minutes=settings.WORKER_LEASE_MINUTES)


class OutgoingEmailQuerySet(models.QuerySet):
    def failed(self) -> OutgoingEmailQuerySet:
        return self.filter(failed_at__isnull=False)

    def waiting(self) -> OutgoingEmailQuerySet:
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def stuck(self, now: datetime.datetime) -> OutgoingEmailQuerySet:
        """Not sent, not failed, and nothing has happened to it for longer than
        the lease: its send started and was never recorded (the worker was
        killed), or its turn (queued, or a retry's time) passed that long ago
        without a worker taking it."""
        stale = now - worker_lease()
        return (
            self.waiting()
            .alias(turn=Coalesce("next_attempt_at", "created_at"))
            .filter(
                Q(sending_started_at__lt=stale) | Q(sending_started_at__isnull=True, turn__lt=stale)
            )
        )


class OutgoingEmail(models.Model):
    """An email handed to the worker: what it says, how many tries it took and
    how the last one failed. The admin lists those that finally failed.

    Emails that carry a secret link (invitations, password resets) have their
    body blanked once sent, so the table holds no usable token.
    """

    MAX_ATTEMPTS = 5
    State = OutgoingEmailState

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    #: Where a reply goes: the candidate's coach, for an email written on the
    #: coach's behalf; empty for the sender (DEFAULT_FROM_EMAIL).
    reply_to = models.EmailField(blank=True)
    secret = models.BooleanField(
        default=False, help_text="Carries a secret link: the body is blanked once sent."
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: Committed before the mail server is called, ``sent_at`` after it: a
    #: claim with no ``sent_at`` older than the lease means the worker died
    #: mid-send, and nobody knows whether it went out (README, "Worker").
    sending_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The admin's "finally failed" filter.
            models.Index(
                fields=["-created_at"],
                condition=Q(failed_at__isnull=False),
                name="outgoingemail_failed_idx",
            ),
            # The admin's "stuck" filter and the worker's watchdog (tasks.py).
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
                name="outgoingemail_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.to}: {self.subject}"

    @property
    def state(self) -> OutgoingEmailState:
        if self.sent_at:
            return self.State.SENT
        if self.failed_at:
            return self.State.FAILED
        if self.sending_started_at:
            return self.State.SENDING
        return self.State.RETRYING if self.attempts else self.State.QUEUED


class ReminderSweep(models.Model):
    """One row: when the reminder sweep last ran. The worker's sweep chain
    reads it so that two chains (two workers started at once) fold into one."""

    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_created = models.PositiveIntegerField(default=0)
    #: When the sweep last pruned old task results (once a day).
    last_pruned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "reminder sweep"

    def __str__(self) -> str:
        return f"Reminder sweep, last started {self.last_started_at or 'never'}"


# ---------------------------------------------------------------- unsubscribe links


class UnsubscribeLink(models.Model):
    """The credential of one email's unsubscribe link: a random token, of
    which only the hash is stored, for one user and the kinds that email
    carried. Opaque (the link says nothing about who or what), it expires
    after ``TTL_DAYS`` and is revoked, with every other link of the user, by
    "Log out everywhere" and a password reset or change (README, "Security")."""

    TTL_DAYS = 90

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    kinds = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Revoking and pruning a user's links (services.accounts.user_secrets_rotate).
            models.Index(fields=["user", "expires_at"], name="interviews_unsub_user_exp"),
        ]

    def __str__(self) -> str:
        return f"Unsubscribe link of user {self.user_id}"
