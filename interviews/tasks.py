"""Background work, written against Django's tasks API (the django-tasks
backport today; ``django.tasks`` on Django 6, an import change).

The worker (``manage.py db_worker``) runs these. Three kinds of work:

- ``send_email``: one stored OutgoingEmail, sent as text with the same text
  as HTML beside it (lib/mail.py), retried with backoff when the mail
  server fails; after the last attempt it is marked failed (the admin lists
  those) and the task fails with the error.
- ``build_brief_pdf``: makes the interview brief's PDF a download asked for
  and stores it (services/brief.py); no request renders a PDF itself. A
  failure is stored on the row and the next download asks again.
- ``sweep_reminders``: finds the reminders that are due and makes them
  (services/reminders.py), then schedules itself again a few minutes later,
  so no cron job is needed.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from .lib import mail
from .models import OutgoingEmail, ReminderSweep

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> datetime.timedelta:
    """Wait after the ``attempt``-th failure: 1, 4, 16, 64 minutes."""
    return datetime.timedelta(minutes=4 ** (attempt - 1))


def _enqueue_later(the_task, when: datetime.datetime, **kwargs) -> None:
    """Enqueue to run at ``when``; a backend that cannot defer (the immediate
    one in tests) runs it now."""
    if default_task_backend.supports_defer:
        the_task.using(run_after=when).enqueue(**kwargs)
    else:
        the_task.enqueue(**kwargs)


class EmailFailed(Exception):
    """The mail server refused the email on its last attempt."""


@task()
def send_email(email_id: int) -> str:
    email = OutgoingEmail.objects.filter(
        pk=email_id, sent_at__isnull=True, failed_at__isnull=True
    ).first()
    if email is None:
        return "already sent, failed or deleted"
    message = mail.message(
        subject=email.subject,
        body=email.body,
        to=email.to,
        headers=email.headers,
        reply_to=email.reply_to,
    )
    email.attempts += 1
    try:
        message.send()
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        now = timezone.now()
        if email.attempts >= OutgoingEmail.MAX_ATTEMPTS:
            email.failed_at = now
            email.next_attempt_at = None
            email.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
            logger.error("Email %s to %s failed for good: %s", email.pk, email.to, exc)
            raise EmailFailed(
                f"Gave up after {email.attempts} attempts: {email.last_error}"
            ) from exc
        email.next_attempt_at = now + retry_delay(email.attempts)
        email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        logger.warning(
            "Email %s to %s failed (attempt %s), retrying at %s: %s",
            email.pk,
            email.to,
            email.attempts,
            email.next_attempt_at.isoformat(),
            exc,
        )
        _enqueue_later(send_email, email.next_attempt_at, email_id=email.pk)
        return f"attempt {email.attempts} failed; retry at {email.next_attempt_at.isoformat()}"
    email.sent_at = timezone.now()
    email.next_attempt_at = None
    fields = ["attempts", "sent_at", "next_attempt_at"]
    if email.secret:
        email.body = ""
        fields.append("body")
    email.save(update_fields=fields)
    return f"sent to {email.to} on attempt {email.attempts}"


@task()
def build_brief_pdf(brief_pdf_id: int) -> str:
    from .services import brief

    return brief.brief_pdf_build(brief_pdf_id=brief_pdf_id)


def sweep_interval() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.REMINDER_SWEEP_MINUTES)


@task()
def sweep_reminders() -> str:
    """Run the reminder sweep, then schedule the next one.

    Two chains of sweeps (two workers started at the same moment) fold into
    one: a sweep that finds another ran less than most of an interval ago
    neither runs nor schedules a successor. Reminders cannot go out twice in
    any case: the database's unique constraint on Notification sees to that.
    """
    from .services import reminders

    now = timezone.now()
    with transaction.atomic():
        state, _ = ReminderSweep.objects.select_for_update().get_or_create(pk=1)
        recent = now - sweep_interval() * 0.9
        if state.last_started_at and recent < state.last_started_at <= now:
            return "another sweep ran moments ago; this chain stops"
        state.last_started_at = now
        state.save(update_fields=["last_started_at"])
    try:
        made = reminders.sweep(now=now)
        ReminderSweep.objects.filter(pk=1).update(
            last_finished_at=timezone.now(), last_created=len(made)
        )
    finally:
        if default_task_backend.supports_defer:
            sweep_reminders.using(run_after=now + sweep_interval()).enqueue()
    return f"{len(made)} reminders"


def start_sweeping() -> None:
    """Called as a worker starts: make sure a sweep chain is running."""
    if default_task_backend.supports_defer:
        sweep_reminders.enqueue()
