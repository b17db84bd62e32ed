"""Real worker processes killed with SIGKILL at chosen moments
(tests/notifications/crashing_worker.py): mid-sweep, before the mail server is
called, after it took the message but before the email is recorded, and after
the record but before the task is. The next worker finishes the job: every
reminder made once, every email sent, a send repeated only where SMTP leaves
no way to know (and then once).

The workers are other processes on the test database, so this needs
PostgreSQL (as CI runs it: DATABASE_URL=postgres://…); it is skipped on SQLite.
Time passing (the sweep's interval, the lease) is written into the rows the
dead worker left, since a child process keeps its own clock.
"""

import datetime
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interviews import tasks
from interviews.models import Notification, OutgoingEmail, ReminderSweep
from interviews.services import reminders
from interviews.services.notifications import queue_email

from ..factories import CandidateFactory, UserFactory, make_assignment
from .test_worker_upkeep import midday_zone

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = datetime.timedelta(minutes=settings.WORKER_LEASE_MINUTES)
PEOPLE = 8
SURVIVE = 3
WORKER_COMMAND = ["db_worker", "--batch", "--no-startup-delay", "--verbosity", "0"]


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("kills real worker processes on a shared database: needs PostgreSQL")


@pytest.fixture
def mail_dir(queue, tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


def worker(mail_dir: Path, *, crash: str = "") -> int:
    """Run ``manage.py db_worker --batch`` in a new process until the queue is
    empty (or it kills itself); returns its exit code."""
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{url}:{db['PORT'] or 5432}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_child_settings",
        "WORKER_TEST_MAIL_DIR": str(mail_dir),
        "WORKER_TEST_CRASH": crash,
    }
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.notifications.crashing_worker", *WORKER_COMMAND],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, -9), done.stderr[-3000:]
    return done.returncode


def sent(mail_dir: Path) -> list[tuple[str, str]]:
    """(To, Message-ID) of every message the mail server took."""
    found = []
    for file in sorted(mail_dir.iterdir()):
        to = message_id = None
        for line in file.read_text().splitlines():
            if line.startswith("To: "):
                to = line.removeprefix("To: ")
            elif line.startswith("Message-ID: "):
                message_id = line.removeprefix("Message-ID: ")
            elif line.startswith("-" * 79):
                # The file backend ends each message with a line of dashes.
                found.append((to, message_id))
    return found


def lease_passes(**more) -> None:
    """What the dead worker claimed is now older than the lease."""
    late = LEASE + datetime.timedelta(minutes=1)
    DBTaskResult.objects.running().update(started_at=F("started_at") - late)
    OutgoingEmail.objects.filter(sending_started_at__isnull=False).update(
        sending_started_at=F("sending_started_at") - late
    )


def running() -> int:
    return DBTaskResult.objects.running().count()


def test_a_sweep_killed_midway_is_finished_by_the_next_worker_once(mail_dir):
    now = timezone.now()
    zone = midday_zone(now)
    due = now.astimezone(zoneinfo.ZoneInfo(zone)).date() + datetime.timedelta(days=2)
    for n in range(PEOPLE):
        user = UserFactory(email=f"person{n}@example.com", time_zone=zone)
        make_assignment(CandidateFactory(user=user, email=user.email), due_date=due)
    expected = {r.user.email for r in reminders.due(now)}
    assert len(expected) == PEOPLE
    tasks.start_sweeping()

    assert worker(mail_dir, crash=f"sweep:{SURVIVE}") == -9
    # Killed mid-sweep: some reminders made, the rest not; the next sweep was
    # queued before the work began; the dead sweep's row is left RUNNING.
    assert Notification.objects.count() == SURVIVE
    assert ReminderSweep.objects.get().last_started_at is not None
    sweeps = DBTaskResult.objects.filter(task_path="interviews.tasks.sweep_reminders")
    assert sweeps.filter(status="RUNNING").count() == 1
    [next_sweep] = sweeps.filter(status="READY")
    # A restarted worker, minutes later, leaves that chain as it is.
    tasks.start_sweeping()
    assert sweeps.filter(status="READY").get() == next_sweep

    # The interval passes; the next worker runs the next sweep.
    interval = datetime.timedelta(minutes=settings.REMINDER_SWEEP_MINUTES)
    ReminderSweep.objects.update(last_started_at=F("last_started_at") - interval)
    sweeps.filter(pk=next_sweep.pk).update(run_after=timezone.now())
    assert worker(mail_dir) == 0
    assert Notification.objects.count() == PEOPLE
    assert sorted(to for to, _id in sent(mail_dir)) == sorted(expected)
    assert sweeps.filter(status="READY").count() == 1  # the chain goes on

    # The lease passes: the dead sweep is run again, and makes nothing twice.
    lease_passes()
    assert worker(mail_dir) == 0
    assert running() == 0
    assert sweeps.filter(status="RUNNING").count() == 0
    assert Notification.objects.count() == PEOPLE
    assert sorted(to for to, _id in sent(mail_dir)) == sorted(expected)
    assert OutgoingEmail.objects.filter(sent_at__isnull=False).count() == PEOPLE
    assert sweeps.filter(status="READY").count() == 1


@pytest.mark.parametrize(
    ("crash", "sent_by_the_dead_worker", "attempts"),
    [
        # Nothing went out: the next worker sends it.
        ("before_send", 0, 2),
        # It went out and the record did not: the one duplicate SMTP allows.
        ("after_send", 1, 2),
        # Recorded as sent: the task is run again and sends nothing.
        ("after_record", 1, 1),
    ],
)
def test_an_email_whose_worker_is_killed_is_sent_by_the_next_one(
    mail_dir, crash, sent_by_the_dead_worker, attempts
):
    email = queue_email(to="ann@example.com", subject="Your checklist", body="Hello.")

    assert worker(mail_dir, crash=crash) == -9
    assert len(sent(mail_dir)) == sent_by_the_dead_worker
    email.refresh_from_db()
    assert email.attempts == 1 and running() == 1
    if crash == "after_record":
        assert email.state == OutgoingEmail.State.SENT
    else:
        assert email.state == OutgoingEmail.State.SENDING

    if crash == "before_send":
        # Restarted at once: the claim is fresh (a worker may still be on it):
        # nothing is sent yet.
        assert worker(mail_dir) == 0
        assert len(sent(mail_dir)) == 0 and running() == 1

    lease_passes()
    assert worker(mail_dir) == 0
    email.refresh_from_db()
    assert email.state == OutgoingEmail.State.SENT and email.attempts == attempts
    copies = sent(mail_dir)
    assert len(copies) == max(1, sent_by_the_dead_worker + (crash != "after_record"))
    assert set(copies) == {("ann@example.com", tasks.message_id(email))}
    assert running() == 0
    assert not DBTaskResult.objects.filter(status="READY").exists()
