"""Run the reminder sweep by hand: ``manage.py send_reminders [--at ISO] [--dry-run]``.

The worker runs the same sweep every few minutes on its own; this is for
operators (what would go out at 08:00 tomorrow?) and for tests.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ...services import reminders


def _moment(value: str) -> datetime.datetime:
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--at must be an ISO date and time such as 2026-12-01T08:00:00+01:00; got {value!r}."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # in TIME_ZONE
    return moment


class Command(BaseCommand):
    help = "Make the reminders that are due now (or --at a given time); --dry-run only lists them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--at",
            type=_moment,
            help="Evaluate as if it were this time (ISO 8601; without an offset, TIME_ZONE).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due; make and send nothing."
        )

    def handle(self, *args, at=None, dry_run=False, **options):
        now = at or timezone.now()
        due = reminders.due(now)
        for reminder in due:
            self.stdout.write(f"{reminder.user.email}\t{reminder.kind}\t{reminder.about}")
        if dry_run:
            self.stdout.write(f"{len(due)} due at {now.isoformat()} (dry run: none made).")
            return
        made = reminders.make(due)
        self.stdout.write(f"{len(made)} reminder(s) made at {now.isoformat()}; emails queued.")
