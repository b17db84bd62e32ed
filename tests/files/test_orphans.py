"""manage.py private_files_orphans: stored keys with no row."""

import datetime
import io

import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from interviews.lib import files as lib_files
from interviews.services import files as file_services

from ..factories import make_assignment
from . import samples


def run(*args) -> str:
    out = io.StringIO()
    call_command("private_files_orphans", *args, stdout=out)
    return out.getvalue()


def test_it_lists_then_deletes_orphans_and_keeps_files_with_rows(candidate, private_files):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    kept = file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("a.pdf", samples.PDF), by=candidate.user
    )
    orphan = lib_files.private_storage().save(lib_files.new_key(), ContentFile(b"left behind"))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        listed = run()
        assert f"orphan {orphan}" in listed
        assert kept.key not in listed
        assert (private_files / orphan).exists()  # listing deletes nothing
        assert f"deleted {orphan}" in run("--delete")
    assert not (private_files / orphan).exists()
    assert (private_files / kept.key).exists()


def test_a_fresh_key_is_left_alone(db, private_files):
    fresh = lib_files.private_storage().save(lib_files.new_key(), ContentFile(b"row on its way"))
    assert "0 orphaned file(s) deleted." in run("--delete")
    assert (private_files / fresh).exists()


def test_it_reports_rows_whose_bytes_are_missing(candidate, private_files):
    item = make_assignment(candidate, kinds=("check",)).items.get()
    file = file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("a.pdf", samples.PDF), by=candidate.user
    )
    (private_files / file.key).unlink()
    assert f"missing {file.key}" in run()
