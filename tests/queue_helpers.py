"""The email queue in tests: a mail server that fails on demand, and the
worker run in the test's process."""

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django_tasks_db.management.commands.db_worker import Worker


class FlakyBackend(LocmemBackend):
    """The locmem backend, after failing ``failures`` times like a mail server
    that is down."""

    failures = 0
    tries = 0

    def send_messages(self, messages):
        FlakyBackend.tries += 1
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server is down")
        return super().send_messages(messages)


def run_worker() -> None:
    """Run every task that is ready now, as ``manage.py db_worker --batch`` does."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
