"""Takes past REHEARSAL_RETENTION_DAYS are deleted by the worker's sweep
(interviews/tasks.py sweep_reminders → services/rehearsal.py takes_expire),
except the one sent to the coach while its checklist is open or its story is
not archived. The clock is moved with time-machine, never slept on."""

import datetime
import io
import logging
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from interviews import tasks
from interviews.models import Assignment, RehearsalTake
from interviews.services import checklists as checklists_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..checklist_helpers import submitted
from .helpers import keep, story_of, written_item

DAY = datetime.timedelta(days=1)


def old_take(**kwargs):
    """Recorded 100 days ago (the retention is 90 days by default)."""
    with time_machine.travel(timezone.now() - 100 * DAY, tick=False):
        return keep(**kwargs)


def test_the_sweep_keeps_only_what_the_coach_may_still_hear(
    candidate, coach, private_files, django_capture_on_commit_callbacks, caplog
):
    open_item = written_item(candidate)
    unsent = old_take(item=open_item)
    heard = old_take(item=open_item, for_coach=True)
    fresh = keep(item=open_item)
    submitted(open_item.assignment)  # submitted counts as open: the review is coming

    approved_item = written_item(candidate)
    approved = old_take(item=approved_item, for_coach=True)
    checklists_services.assignment_review(
        assignment=submitted(approved_item.assignment), by=coach, verdict="approved"
    )
    withdrawn_item = written_item(candidate)
    withdrawn = old_take(item=withdrawn_item, for_coach=True)
    checklists_services.assignment_withdraw(assignment=withdrawn_item.assignment, by=coach)

    live_story, archived_story = story_of(candidate, "Live"), story_of(candidate, "Archived")
    story_heard = old_take(story=live_story, for_coach=True)
    story_unsent = old_take(story=live_story)
    archived = old_take(story=archived_story, for_coach=True)
    stories_services.story_archive(story=archived_story, by=candidate.user)

    gone = [unsent, approved, withdrawn, story_unsent, archived]
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        summary = tasks.sweep_reminders.call()
    assert "5 old rehearsal take(s) deleted" in summary
    assert "Deleted 5 rehearsal take(s) older than 90 days" in caplog.text
    assert set(RehearsalTake.objects.all()) == {heard, fresh, story_heard}
    for take in gone:
        assert not (private_files / take.key).exists()
    for take in (heard, fresh, story_heard):
        assert (private_files / take.key).exists()


def test_the_kept_take_goes_once_its_checklist_is_approved(
    candidate, coach, django_capture_on_commit_callbacks
):
    item = written_item(candidate)
    old_take(item=item, for_coach=True)
    assignment = submitted(item.assignment)
    now = timezone.now()
    assert rehearsal_services.takes_expire(now=now) == 0
    checklists_services.assignment_review(assignment=assignment, by=coach, verdict="approved")
    assert Assignment.objects.get().status == Assignment.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        assert rehearsal_services.takes_expire(now=now) == 1
    assert not RehearsalTake.objects.exists()


def test_the_retention_is_a_setting(candidate, settings):
    take = keep(item=written_item(candidate))
    settings.REHEARSAL_RETENTION_DAYS = 10
    assert rehearsal_services.takes_expire(now=timezone.now() + 9 * DAY) == 0
    with time_machine.travel(timezone.now() + 11 * DAY):
        assert rehearsal_services.takes_expire(now=timezone.now()) == 1
    assert not RehearsalTake.objects.filter(pk=take.pk).exists()


def test_bytes_that_cannot_be_deleted_after_the_rows_are_gone_are_found_as_orphans(
    candidate, private_files, django_capture_on_commit_callbacks, caplog
):
    take = old_take(item=written_item(candidate))
    with (
        mock.patch(
            "django.core.files.storage.FileSystemStorage.delete",
            side_effect=OSError("disk went away"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert rehearsal_services.takes_expire(now=timezone.now()) == 1
    assert not RehearsalTake.objects.exists()
    assert (private_files / take.key).exists()
    assert f"Could not delete private file {take.key}" in caplog.text
    out = io.StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        call_command("private_files_orphans", stdout=out)
    assert f"orphan {take.key}" in out.getvalue()


class Killed(BaseException):
    """The worker dies (SIGKILL) before the sweep's transaction commits."""


def test_a_sweep_killed_before_its_commit_leaves_rows_and_bytes(
    candidate, private_files, django_capture_on_commit_callbacks
):
    take = old_take(item=written_item(candidate))
    with (
        mock.patch("django.db.transaction.on_commit", side_effect=Killed),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Killed),
    ):
        rehearsal_services.takes_expire(now=timezone.now())
    assert RehearsalTake.objects.filter(pk=take.pk).exists()
    assert (private_files / take.key).exists()
    # The next sweep finishes the job.
    with django_capture_on_commit_callbacks(execute=True):
        assert rehearsal_services.takes_expire(now=timezone.now()) == 1
    assert not (private_files / take.key).exists()
