"""``python -m tests.notifications.crashing_worker db_worker …``: the real
worker command, in a process that kills itself with SIGKILL at the moment
WORKER_TEST_CRASH names (nothing runs after it: no ``finally``, no rollback
handler, no signal handler):

- ``sweep:N``: as the reminder sweep starts its (N+1)-th person, N people's
  reminders committed;
- ``before_send``: as the mail server is about to be called;
- ``after_send``: once the mail server has taken the message, before the
  email is recorded as sent;
- ``after_record``: once the task has returned (the email recorded as sent),
  before the worker marks the task successful.

Without WORKER_TEST_CRASH it is the plain worker.
"""

import os
import signal
import sys


def die() -> None:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def arm(crash: str) -> None:
    from django.core.mail.backends.filebased import EmailBackend
    from django_tasks_db.models import DBTaskResult

    from interviews.services import notifications

    if crash.startswith("sweep:"):
        survive = int(crash.removeprefix("sweep:"))
        real_notify = notifications.notify_together
        calls = []

        def notify_then_die(**kwargs):
            if len(calls) == survive:
                die()
            calls.append(1)
            return real_notify(**kwargs)

        notifications.notify_together = notify_then_die
    elif crash in ("before_send", "after_send"):
        real_send = EmailBackend.send_messages

        def send_and_die(self, messages):
            if crash == "before_send":
                die()
            sent = real_send(self, messages)
            die()
            return sent

        EmailBackend.send_messages = send_and_die
    elif crash == "after_record":
        DBTaskResult.set_successful = lambda self, return_value: die()
    else:
        raise SystemExit(f"unknown WORKER_TEST_CRASH {crash!r}")


if __name__ == "__main__":
    import django

    django.setup()
    if crash := os.environ.get("WORKER_TEST_CRASH"):
        arm(crash)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
