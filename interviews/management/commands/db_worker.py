"""django-tasks-db's worker, which also keeps the reminder sweep running.

Same options as the original (``manage.py db_worker --help``), plus
``--no-sweep``. As it starts, the worker queues again what dead workers left
(tasks still marked running after the lease, stuck emails:
services/worker.py), then makes sure a reminder sweep is queued; each sweep
schedules the next (REMINDER_SWEEP_MINUTES, default 5), and sweeps started
by several workers fold into one chain (interviews/tasks.py), so any number
of workers can run side by side and no cron job is needed.
"""

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from ...services import worker
from ...tasks import start_sweeping


class Command(DatabaseWorkerCommand):
    help = "Run the background worker: emails and the reminder sweep every few minutes."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-sweep",
            action="store_false",
            dest="sweep",
            help="Do not start the reminder sweep (it is not started with --batch either).",
        )

    def handle(self, *args, sweep: bool = True, **options):
        upkeep = worker.watchdog(now=timezone.now())
        self.stdout.write(f"Upkeep: {upkeep}.")
        if sweep and not options.get("batch"):
            start_sweeping()
            self.stdout.write("Reminder sweep queued; it repeats on its own.")
        return super().handle(*args, **options)
