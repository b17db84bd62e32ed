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
- ``sweep_reminders``: schedules itself again a few minutes later (so no
  cron job is needed), then finds the reminders that are due and makes them
  (services/reminders.py), and deletes rehearsal takes past their
  retention (services/rehearsal.py).

All are safe to run again after a worker is killed mid-task: the worker's
upkeep (services/worker.py) queues such tasks again once the lease passes.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .lib import mail
from .models import OutgoingEmail, ReminderSweep
from .models.notifications import worker_lease

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
    """Send one stored email. The send is claimed (``sending_started_at``,
    committed) before the mail server is called and recorded (``sent_at``)
    after: a worker killed before the call leaves a claim that, once older than
    the lease, is sent again; one killed between the mail server's "accepted"
    and the record is the one case that sends twice, since SMTP gives no way
    to ask whether a message went out. Each try carries the same Message-ID,
    so most mail clients show such a pair once."""
    now = timezone.now()
    with transaction.atomic():
        # Two tasks for one email (a retry from the admin beside the
        # original): the row lock lets one of them claim it.
        email = (
            OutgoingEmail.objects.select_for_update()
            .filter(pk=email_id, sent_at__isnull=True, failed_at__isnull=True)
            .first()
        )
        if email is None:
            return "already sent, failed or deleted"
        if email.sending_started_at:
            lease_ends = email.sending_started_at + worker_lease()
            if lease_ends > now:
                if default_task_backend.supports_defer:
                    _enqueue_later(send_email, lease_ends, email_id=email.pk)
                return f"being sent by another worker; looked at again at {lease_ends.isoformat()}"
            logger.warning(
                "Email %s to %s: the worker sending it at %s stopped; sending it again",
                email.pk,
                email.to,
                email.sending_started_at.isoformat(),
            )
            email.last_error = "The worker stopped during the send: it may have gone out."
            if email.attempts >= OutgoingEmail.MAX_ATTEMPTS:
                email.failed_at = now
                email.sending_started_at = None
                email.save(update_fields=["last_error", "failed_at", "sending_started_at"])
        if not email.failed_at:
            email.attempts += 1
            email.sending_started_at = now
            email.save(update_fields=["attempts", "sending_started_at", "last_error"])
    if email.failed_at:
        raise EmailFailed(f"Gave up after {email.attempts} attempts: {email.last_error}")
    message = mail.message(
        subject=email.subject,
        body=email.body,
        to=email.to,
        headers={"Message-ID": message_id(email), **email.headers},
        reply_to=email.reply_to,
    )
    try:
        message.send()
    except Exception as exc:
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.sending_started_at = None
        now = timezone.now()
        if email.attempts >= OutgoingEmail.MAX_ATTEMPTS:
            email.failed_at = now
            email.next_attempt_at = None
            email.save(
                update_fields=[
                    "last_error",
                    "failed_at",
                    "next_attempt_at",
                    "sending_started_at",
                ]
            )
            logger.error("Email %s to %s failed for good: %s", email.pk, email.to, exc)
            raise EmailFailed(
                f"Gave up after {email.attempts} attempts: {email.last_error}"
            ) from exc
        email.next_attempt_at = now + retry_delay(email.attempts)
        email.save(update_fields=["last_error", "next_attempt_at", "sending_started_at"])
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
    fields = ["sent_at", "next_attempt_at"]
    if email.secret:
        email.body = ""
        fields.append("body")
    email.save(update_fields=fields)
    return f"sent to {email.to} on attempt {email.attempts}"


def message_id(email: OutgoingEmail) -> str:
    """The same on every try of one email, so a copy sent twice (see
    send_email) is one message to the mail clients that look."""
    stamp = int(email.created_at.timestamp())
    return f"<outgoing.{email.pk}.{stamp}@{DNS_NAME}>"


@task()
def build_brief_pdf(brief_pdf_id: int) -> str:
    from .services import brief

    return brief.brief_pdf_build(brief_pdf_id=brief_pdf_id)


def sweep_interval() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.REMINDER_SWEEP_MINUTES)


@task()
def sweep_reminders() -> str:
    """Schedule the next sweep, then run this one.

    The next sweep is queued in the same transaction that records this one's
    start, before any reminder is made: a worker killed mid-sweep leaves the
    chain going, and the next sweep makes what this one did not (each reminder
    once per occasion: Notification's unique constraint). A chain is one
    queued sweep: a sweep queues a successor only when none is queued, so two
    chains (two workers started at once) fold into one, and a sweep that finds
    another ran less than most of an interval ago does nothing more.
    Each sweep also runs the worker's upkeep (services/worker.py): tasks of
    dead workers queued again, stuck emails handed over again, old task
    results pruned once a day; and rehearsal takes past their retention
    deleted (services/rehearsal.py ``takes_expire``).
    """
    from .services import rehearsal, reminders, worker

    now = timezone.now()
    with transaction.atomic():
        state, _ = ReminderSweep.objects.select_for_update().get_or_create(pk=1)
        _schedule_sweep(now + sweep_interval())
        recent = now - sweep_interval() * 0.9
        if state.last_started_at and recent < state.last_started_at <= now:
            return "another sweep ran moments ago; the next one is scheduled"
        state.last_started_at = now
        state.save(update_fields=["last_started_at"])
    if _uses_database_queue():
        upkeep = worker.watchdog(now=now)
        worker.task_results_prune(now=now)
    made = reminders.sweep(now=now)
    expired = rehearsal.takes_expire(now=now)
    ReminderSweep.objects.filter(pk=1).update(
        last_finished_at=timezone.now(), last_created=len(made)
    )
    summary = f"{len(made)} reminders"
    if expired:
        summary += f"; {expired} old rehearsal take(s) deleted"
    if _uses_database_queue() and (upkeep.reclaimed or upkeep.given_up or upkeep.emails_requeued):
        summary += f"; {upkeep}"
    return summary


def _uses_database_queue() -> bool:
    return isinstance(sweep_reminders.get_backend(), DatabaseBackend)


def _schedule_sweep(when: datetime.datetime) -> None:
    """Queue a sweep for ``when`` unless one is queued already. Called with
    the ReminderSweep row locked, so two callers cannot both queue one."""
    if not _uses_database_queue():
        return
    queued = DBTaskResult.objects.filter(
        task_path=sweep_reminders.module_path, status=TaskResultStatus.READY
    )
    if not queued.exists():
        sweep_reminders.using(run_after=when).enqueue()


@transaction.atomic
def start_sweeping() -> None:
    """Called as a worker starts: make sure a sweep chain is running (a sweep
    now, unless one is queued already)."""
    ReminderSweep.objects.select_for_update().get_or_create(pk=1)
    _schedule_sweep(timezone.now())
