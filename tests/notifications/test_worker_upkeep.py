"""What a killed worker leaves behind is found and finished: task rows still
RUNNING after the lease are queued again, an email's send is claimed before
the mail server is called, the sweep chain never hangs on a ``finally``, and
old task results are pruned once a day. The rows a killed worker leaves are
written here as it would leave them; tests/notifications/test_worker_crash.py
kills real worker processes on PostgreSQL.
"""

import datetime
import signal
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interviews import tasks
from interviews.models import Notification, OutgoingEmail, ReminderSweep
from interviews.services import reminders
from interviews.services import worker as worker_services
from interviews.services.notifications import queue_email

from ..queue_helpers import FlakyBackend, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = datetime.timedelta(minutes=15)


def sweeps():
    return DBTaskResult.objects.filter(task_path="interviews.tasks.sweep_reminders")


def sends():
    return DBTaskResult.objects.filter(task_path="interviews.tasks.send_email")


def left_running(task, *, started_at, runs=1, **kwargs) -> DBTaskResult:
    """A task row as a worker killed while running it leaves it."""
    result = task.enqueue(**kwargs)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = "RUNNING"
    row.started_at = started_at
    row.worker_ids = [f"dead-{n}" for n in range(runs)]
    row.save()
    return row


# ---------------------------------------------------------------- task rows


def test_a_task_running_past_the_lease_is_queued_again_and_a_fresh_one_is_left(queue):
    now = timezone.now()
    email = OutgoingEmail.objects.create(to="ann@example.com", subject="Hi", body="Hello.")
    dead = left_running(
        tasks.send_email, started_at=now - LEASE - datetime.timedelta(seconds=1), email_id=email.pk
    )
    busy = left_running(
        tasks.send_email, started_at=now - LEASE + datetime.timedelta(seconds=1), email_id=email.pk
    )

    upkeep = worker_services.watchdog(now=now)

    assert (upkeep.reclaimed, upkeep.given_up) == (1, 0)
    dead.refresh_from_db()
    busy.refresh_from_db()
    assert (dead.status, busy.status) == ("READY", "RUNNING")
    run_worker()
    dead.refresh_from_db()
    email.refresh_from_db()
    assert dead.status == "SUCCESSFUL" and email.sent_at is not None
    assert len(mail.outbox) == 1


def test_a_task_that_killed_its_worker_three_times_is_given_up(queue):
    now = timezone.now()
    row = left_running(tasks.sweep_reminders, started_at=now - 2 * LEASE, runs=3)

    upkeep = worker_services.watchdog(now=now)

    assert (upkeep.reclaimed, upkeep.given_up) == (0, 1)
    row.refresh_from_db()
    assert row.status == "FAILED" and row.finished_at == now
    assert row.exception_class_path == "interviews.services.worker.WorkerLost"
    assert "The worker stopped 3 times" in row.traceback


def test_the_lease_is_a_setting(queue, settings):
    settings.WORKER_LEASE_MINUTES = 60
    now = timezone.now()
    row = left_running(tasks.sweep_reminders, started_at=now - 2 * LEASE)
    assert worker_services.watchdog(now=now).reclaimed == 0
    settings.WORKER_LEASE_MINUTES = 29
    assert worker_services.watchdog(now=now).reclaimed == 1
    row.refresh_from_db()
    assert row.status == "READY"


def test_the_worker_command_reclaims_as_it_starts(queue):
    from django.core.management import call_command

    row = left_running(tasks.sweep_reminders, started_at=timezone.now() - 2 * LEASE)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    row.refresh_from_db()
    assert row.status == "SUCCESSFUL"
    assert row.worker_ids[0] == "dead-0" and len(row.worker_ids) == 2


# ---------------------------------------------------------------- the sweep chain


def test_the_next_sweep_is_queued_before_the_work_so_a_failing_sweep_keeps_the_chain(
    queue, monkeypatch
):
    seen = {}

    def sweep_that_dies(now):
        # What another connection sees while the work runs: the successor is committed.
        seen["queued"] = list(sweeps().filter(status="READY").values_list("run_after", flat=True))
        raise RuntimeError("killed mid-sweep")

    monkeypatch.setattr(reminders, "sweep", sweep_that_dies)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        tasks.start_sweeping()
        run_worker()
    assert seen["queued"] == [start + datetime.timedelta(minutes=5)]
    assert sweeps().filter(status="FAILED").count() == 1
    assert sweeps().get(status="READY").run_after == start + datetime.timedelta(minutes=5)


def test_after_a_crash_a_sweep_that_finds_a_recent_start_still_leaves_a_successor(queue):
    # What the old chain left after a SIGKILL: a start recorded moments ago and
    # no sweep queued. The restarted worker's sweep must not end the chain.
    start = timezone.now()
    ReminderSweep.objects.create(pk=1, last_started_at=start - datetime.timedelta(minutes=2))
    with time_machine.travel(start, tick=False):
        tasks.start_sweeping()
        run_worker()
        [done] = sweeps().filter(status="SUCCESSFUL")
        assert done.return_value == "another sweep ran moments ago; the next one is scheduled"
        assert sweeps().get(status="READY").run_after == start + datetime.timedelta(minutes=5)


def midday_zone(now: datetime.datetime) -> str:
    """A time zone where it is about noon at ``now``: no quiet hours there."""
    hours = now.astimezone(datetime.UTC).hour - 12
    return f"Etc/GMT+{hours}" if hours >= 0 else f"Etc/GMT-{-hours}"


def test_a_sweep_run_again_makes_nothing_twice(joined):
    from ..factories import make_assignment

    candidate = joined
    now = timezone.now()
    zone = midday_zone(now)
    candidate.user.time_zone = zone
    candidate.user.save(update_fields=["time_zone"])
    today = now.astimezone(zoneinfo.ZoneInfo(zone)).date()
    make_assignment(candidate, due_date=today + datetime.timedelta(days=2))

    first = reminders.sweep(now=now)
    emails = OutgoingEmail.objects.count()
    again = reminders.sweep(now=now)

    assert [n.kind for n in first] == [Notification.Kind.DUE_SOON]
    assert again == []
    assert OutgoingEmail.objects.count() == emails == 1


# ---------------------------------------------------------------- sends


def test_a_send_claimed_by_a_live_worker_is_looked_at_again_when_its_lease_ends(queue):
    start = timezone.now()
    email = OutgoingEmail.objects.create(
        to="ann@example.com", subject="Hi", body="Hello.", attempts=1, sending_started_at=start
    )
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        result = tasks.send_email.call(email_id=email.pk)
    assert result.startswith("being sent by another worker")
    assert sends().get().run_after == start + LEASE
    email.refresh_from_db()
    assert (email.attempts, email.sent_at) == (1, None) and mail.outbox == []


def test_a_send_whose_worker_died_is_sent_again_once_the_lease_has_passed(queue):
    start = timezone.now()
    email = OutgoingEmail.objects.create(
        to="ann@example.com", subject="Hi", body="Hello.", attempts=1, sending_started_at=start
    )
    with time_machine.travel(start + LEASE, tick=False):
        result = tasks.send_email.call(email_id=email.pk)
    assert result == "sent to ann@example.com on attempt 2"
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT and email.attempts == 2
    assert email.last_error == "The worker stopped during the send: it may have gone out."
    [message] = mail.outbox
    assert message.extra_headers["Message-ID"] == tasks.message_id(email)


def test_a_worker_dying_on_the_last_attempt_fails_the_email(queue):
    start = timezone.now()
    email = OutgoingEmail.objects.create(
        to="ann@example.com",
        subject="Hi",
        body="Hello.",
        attempts=OutgoingEmail.MAX_ATTEMPTS,
        sending_started_at=start,
    )
    with time_machine.travel(start + LEASE, tick=False), pytest.raises(tasks.EmailFailed):
        tasks.send_email.call(email_id=email.pk)
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.FAILED and mail.outbox == []


def test_every_try_of_one_email_carries_the_same_message_id(queue, monkeypatch):
    FlakyBackend.failures = 1
    seen = []
    real_send = FlakyBackend.send_messages

    def recording(self, messages):
        seen.extend(m.extra_headers["Message-ID"] for m in messages)
        return real_send(self, messages)

    monkeypatch.setattr(FlakyBackend, "send_messages", recording)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        email = queue_email(to="ann@example.com", subject="Hi", body="Hello.")
        run_worker()
        clock.move_to(start + datetime.timedelta(minutes=1))
        run_worker()
    email.refresh_from_db()
    assert email.sent_at is not None and email.sending_started_at is not None
    assert seen == [tasks.message_id(email)] * 2


def test_an_email_whose_task_was_lost_is_queued_again_once(queue):
    old = timezone.now() - LEASE - datetime.timedelta(minutes=1)
    lost = OutgoingEmail.objects.create(
        to="ann@example.com", subject="Lost", body=".", created_at=old
    )
    waiting = queue_email(to="bob@example.com", subject="Waiting", body=".")
    OutgoingEmail.objects.filter(pk=waiting.pk).update(created_at=old)
    fresh = OutgoingEmail.objects.create(to="cy@example.com", subject="Fresh", body=".")

    assert set(OutgoingEmail.objects.stuck(timezone.now())) == {lost, waiting}
    upkeep = worker_services.watchdog(now=timezone.now())
    # ``waiting`` has its task in the queue and ``fresh`` is within the lease.
    assert upkeep.emails_requeued == 1
    assert worker_services.watchdog(now=timezone.now()).emails_requeued == 0
    run_worker()
    assert sorted(m.subject for m in mail.outbox) == ["Lost", "Waiting"]
    fresh.refresh_from_db()
    assert fresh.state == OutgoingEmail.State.QUEUED


# ---------------------------------------------------------------- pruning


def test_old_task_results_are_pruned_once_a_day(queue, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 7
    now = timezone.now()

    def row(status, finished_days_ago):
        result = tasks.sweep_reminders.enqueue()
        finished = now - datetime.timedelta(days=finished_days_ago) if finished_days_ago else None
        DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished)
        return result.id

    old_ok, old_failed = row("SUCCESSFUL", 8), row("FAILED", 8)
    recent, waiting = row("SUCCESSFUL", 6), row("READY", None)

    assert worker_services.task_results_prune(now=now) == 2
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == {
        recent,
        waiting,
    }
    assert not DBTaskResult.objects.filter(pk__in=[old_ok, old_failed]).exists()
    # Not again the same day; the next day, what has aged.
    assert worker_services.task_results_prune(now=now + datetime.timedelta(hours=23)) is None
    assert worker_services.task_results_prune(now=now + datetime.timedelta(days=2)) == 1
    assert ReminderSweep.objects.get().last_pruned_at == now + datetime.timedelta(days=2)


def test_the_sweep_prunes(queue, settings):
    settings.TASK_RESULTS_KEEP_DAYS = 1
    result = tasks.send_email.enqueue(email_id=0)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - datetime.timedelta(days=2)
    )
    tasks.start_sweeping()
    run_worker()
    assert not DBTaskResult.objects.filter(pk=result.id).exists()
    assert ReminderSweep.objects.get().last_pruned_at is not None
