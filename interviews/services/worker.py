"""The worker's own upkeep: what a killed worker left behind is found and
finished, and old task results are pruned.

django-tasks-db marks a task RUNNING as a worker claims it and SUCCESSFUL or
FAILED when it returns; a worker killed in between (SIGKILL, out of memory, a
host gone) leaves the row RUNNING for ever, and no other worker takes it.
``watchdog()`` runs as a worker starts and at every reminder sweep
(interviews/tasks.py) and puts such rows back in the queue once they are
older than the lease (WORKER_LEASE_MINUTES). Every task is safe to run again:
a sweep makes each reminder once per occasion (Notification's unique
constraint) and an email's send is claimed before the mail server is called
(tasks.send_email).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from traceback import format_exception

from django.conf import settings
from django.db import transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ..models import OutgoingEmail, ReminderSweep
from ..models.notifications import worker_lease

logger = logging.getLogger(__name__)

#: A task whose worker died this many times is not run again: it is marked
#: failed (it may be what kills the worker).
MAX_RUNS = 3

PRUNE_EVERY = datetime.timedelta(days=1)


class WorkerLost(Exception):
    """The worker running the task stopped without recording an outcome."""


@dataclass
class Upkeep:
    reclaimed: int = 0
    given_up: int = 0
    emails_requeued: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reclaimed} task(s) of dead workers queued again, {self.given_up} given up, "
            f"{self.emails_requeued} stuck email(s) queued again"
        )


@transaction.atomic
def tasks_reclaim(*, now: datetime.datetime) -> Upkeep:
    """Queue again every task RUNNING for longer than the lease: its worker
    is gone. One that has been started MAX_RUNS times is marked failed."""
    upkeep = Upkeep()
    stale = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=now - worker_lease())
        # Two watchdogs at once: each row is taken by one of them.
        .select_for_update(skip_locked=True)
    )
    for row in stale:
        if len(row.worker_ids) >= MAX_RUNS:
            lost = WorkerLost(f"The worker stopped {len(row.worker_ids)} times running this task.")
            row.status = TaskResultStatus.FAILED
            row.finished_at = now
            row.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
            row.traceback = "".join(format_exception(lost))
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            upkeep.given_up += 1
            logger.error("Task %s (%s) given up: %s", row.pk, row.task_path, lost)
            continue
        row.status = TaskResultStatus.READY
        row.save(update_fields=["status"])
        upkeep.reclaimed += 1
        logger.warning(
            "Task %s (%s), started %s by a worker that is gone, queued again",
            row.pk,
            row.task_path,
            row.started_at.isoformat(),
        )
    return upkeep


def emails_requeue_stuck(*, now: datetime.datetime) -> int:
    """Hand the worker again each stuck email (OutgoingEmail.objects.stuck)
    that no task in the queue is about to send: one whose task was lost (the
    process died between committing the email and queueing its task)."""
    from ..tasks import send_email

    stuck = list(OutgoingEmail.objects.stuck(now).values_list("pk", flat=True)[:500])
    if not stuck:
        return 0
    pending = set(
        DBTaskResult.objects.filter(
            task_path=send_email.module_path,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
            args_kwargs__kwargs__email_id__in=stuck,
        ).values_list("args_kwargs__kwargs__email_id", flat=True)
    )
    requeue = [pk for pk in stuck if pk not in pending]
    for pk in requeue:
        send_email.enqueue(email_id=pk)
        logger.warning("Email %s was stuck with no task; queued again", pk)
    return len(requeue)


def watchdog(*, now: datetime.datetime) -> Upkeep:
    """Finish what dead workers left: their tasks, and emails with no task."""
    upkeep = tasks_reclaim(now=now)
    upkeep.emails_requeued = emails_requeue_stuck(now=now)
    return upkeep


def task_results_prune(*, now: datetime.datetime) -> int | None:
    """Delete finished task results older than TASK_RESULTS_KEEP_DAYS, at most
    once a day (as django-tasks-db's ``prune_db_task_results`` does);
    returns how many, or None when it was done less than a day ago."""
    with transaction.atomic():
        state, _ = ReminderSweep.objects.select_for_update().get_or_create(pk=1)
        if state.last_pruned_at and now - PRUNE_EVERY < state.last_pruned_at <= now:
            return None
        state.last_pruned_at = now
        state.save(update_fields=["last_pruned_at"])
        cutoff = now - datetime.timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
        deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    if deleted:
        logger.info("Pruned %s task result(s) finished before %s", deleted, cutoff.isoformat())
    return deleted
