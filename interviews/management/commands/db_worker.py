"""django-tasks-db's worker, which also keeps the reminder sweep running.

Same options as the original (``manage.py db_worker --help``), plus
``--no-sweep`` and ``--no-pdf-preload``. As it starts, the worker queues
again what dead workers left (tasks still marked running after the lease,
stuck emails: services/worker.py), then makes sure a reminder sweep is
queued; each sweep schedules the next (REMINDER_SWEEP_MINUTES, default 5),
and sweeps started by several workers fold into one chain
(interviews/tasks.py), so any number of workers can run side by side and no
cron job is needed. It also loads WeasyPrint (services/brief.py
``brief_pdf_preload``): the brief's PDF is made here, and without the
preload the first PDF after each start would wait for the import.
"""

import time

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from ...services import brief, worker
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
        parser.add_argument(
            "--no-pdf-preload",
            action="store_false",
            dest="pdf_preload",
            help="Do not load WeasyPrint at start (nor with --batch): the first PDF loads it.",
        )

    def handle(self, *args, sweep: bool = True, pdf_preload: bool = True, **options):
        upkeep = worker.watchdog(now=timezone.now())
        self.stdout.write(f"Upkeep: {upkeep}.")
        if pdf_preload and not options.get("batch"):
            started = time.monotonic()
            loaded = brief.brief_pdf_preload()
            took = time.monotonic() - started
            self.stdout.write(
                f"PDF: WeasyPrint loaded in {took:.1f} s."
                if loaded
                else "PDF: WeasyPrint cannot run here; brief PDFs will be marked unavailable."
            )
        if sweep and not options.get("batch"):
            start_sweeping()
            self.stdout.write("Reminder sweep queued; it repeats on its own.")
        return super().handle(*args, **options)
