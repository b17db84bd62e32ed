"""Find stored private files with no row: ``manage.py private_files_orphans [--delete]``.

A file's bytes can outlive its row: the process died between storing the
bytes and writing the row, a delete on commit failed, an outer transaction
rolled back after the upload was stored, the retention sweep of rehearsal
takes could not delete the bytes. This lists every such key, under every
prefix of ``lib.files.KEY_PREFIXES`` (and rows
whose bytes are missing); with ``--delete`` it removes the orphaned bytes.
Keys younger than ``--min-age-minutes`` (default 60) are left alone: their
row may still be on its way.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...lib import files as lib_files
from ...models import ItemFile, RehearsalTake


class Command(BaseCommand):
    help = "List (and with --delete remove) stored private files that no row refers to."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Remove the orphaned files.")
        parser.add_argument("--min-age-minutes", type=int, default=60)

    def handle(self, *args, delete: bool, min_age_minutes: int, **options):
        storage = lib_files.private_storage()
        stored = lib_files.list_keys(storage)
        # Item files ("files/…") and rehearsal takes ("takes/…").
        known = set(ItemFile.objects.values_list("key", flat=True)) | set(
            RehearsalTake.objects.values_list("key", flat=True)
        )
        cutoff = timezone.now() - datetime.timedelta(minutes=min_age_minutes)
        orphans = [
            key for key in stored if key not in known and storage.get_modified_time(key) <= cutoff
        ]
        for key in orphans:
            if delete:
                storage.delete(key)
                self.stdout.write(f"deleted {key}")
            else:
                self.stdout.write(f"orphan {key}")
        for key in sorted(known - set(stored)):
            self.stdout.write(f"missing {key} (a row whose bytes are not in the storage)")
        verb = "deleted" if delete else "found"
        self.stdout.write(f"{len(orphans)} orphaned file(s) {verb}.")
