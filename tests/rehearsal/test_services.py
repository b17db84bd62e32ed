"""The rules of rehearsal takes (services/rehearsal.py)."""

import re

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from interviews import services
from interviews.models import Assignment, ItemFile, RehearsalTake
from interviews.services import checklists as checklists_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..checklist_helpers import submitted
from ..files import samples
from .helpers import keep, recording, story_of, written_item


def test_a_take_is_stored_under_a_random_takes_key_with_what_the_browser_measured(
    candidate, private_files
):
    item = written_item(candidate)
    take = keep(item=item, duration_seconds="62.4", timer_seconds="120")
    take.refresh_from_db()
    assert take.key.startswith("takes/") and "take" not in take.key.removeprefix("takes/")
    assert (private_files / take.key).read_bytes() == samples.wav()
    assert take.content_type == "audio/wav"
    assert (take.duration_seconds, take.timer_seconds) == (62, 120)
    assert take.candidate == candidate
    assert (take.duration_words, take.timer_words) == ("1:02", "2-minute timer")


@pytest.mark.parametrize(
    ("duration", "timer", "stored"),
    [
        ("-3", "7", (None, 0)),
        ("nan", "x", (None, 0)),
        ("99999", "180", (None, 180)),
        ("", "", (None, 0)),
    ],
)
def test_an_unbelievable_duration_or_timer_is_not_stored(candidate, duration, timer, stored):
    take = keep(item=written_item(candidate), duration_seconds=duration, timer_seconds=timer)
    assert (take.duration_seconds, take.timer_seconds) == stored


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.PDF, "answer.webm", "Upload an audio recording (WebM, Ogg, MP4/M4A or WAV)"),
        (samples.HTML, "answer.webm", "contains web page code"),
        (samples.TEXT, "answer.ogg", "Upload an audio recording"),
        (b"", "answer.wav", "This file is empty."),
    ],
)
def test_only_audio_is_kept(candidate, private_files, data, name, message):
    item = written_item(candidate)
    with pytest.raises(services.FileRefused, match=re.escape(message)):
        rehearsal_services.take_add(item=item, upload=recording(data, name), by=candidate.user)
    assert not RehearsalTake.objects.exists()
    assert not (private_files / "takes").exists() or not any((private_files / "takes").iterdir())


@override_settings(PRIVATE_FILE_MAX_BYTES=100)
def test_an_oversized_recording_is_refused(candidate):
    with pytest.raises(services.FileRefused, match="larger than the 100"):
        keep(item=written_item(candidate))


def test_takes_and_files_share_one_quota(candidate, settings, private_files):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from interviews.services import files as file_services

    item = written_item(candidate)
    file_services.item_file_add(
        item=item, upload=SimpleUploadedFile("a.pdf", samples.PDF), by=candidate.user
    )
    settings.PRIVATE_FILES_QUOTA_BYTES = len(samples.PDF) + len(samples.wav()) - 1
    with pytest.raises(services.FileRefused, match=r"past the .* allowed"):
        keep(item=item)
    assert not RehearsalTake.objects.exists()
    assert list((private_files / "takes").iterdir()) == []  # the stored bytes went again
    settings.PRIVATE_FILES_QUOTA_BYTES += 1
    keep(item=item)
    # And a file now meets the takes in the sum.
    with pytest.raises(services.FileRefused, match="past the"):
        file_services.item_file_add(
            item=item, upload=SimpleUploadedFile("b.txt", b"x"), by=candidate.user
        )
    assert ItemFile.objects.count() == 1


def test_only_written_answers_are_rehearsed(candidate):
    check = written_item(candidate).assignment.items.get(position=2)
    with pytest.raises(services.NotAllowed, match="written answers"):
        keep(item=check)


def test_nobody_else_keeps_a_take_on_the_candidates_item(candidate, coach):
    item = written_item(candidate)
    with pytest.raises(services.NotAllowed):
        rehearsal_services.take_add(item=item, upload=recording(), by=coach)


def test_recording_and_sending_need_an_editable_checklist_but_deleting_does_not(
    candidate, private_files, django_capture_on_commit_callbacks
):
    item = written_item(candidate)
    take = keep(item=item)
    submitted(item.assignment)
    with pytest.raises(services.WrongState, match="submitted for review"):
        keep(item=item)
    with pytest.raises(services.WrongState):
        rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=True)
    take.refresh_from_db()
    assert not take.for_coach
    with django_capture_on_commit_callbacks(execute=True):
        rehearsal_services.take_delete(take=take, by=candidate.user)
    assert not RehearsalTake.objects.exists()
    assert not (private_files / take.key).exists()


def test_the_for_coach_mark_cannot_be_taken_back_while_the_checklist_is_submitted(candidate):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    submitted(item.assignment)
    with pytest.raises(services.WrongState):
        rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=False)
    take.refresh_from_db()
    assert take.for_coach


def test_one_take_per_item_is_for_the_coach(candidate):
    item = written_item(candidate)
    first = keep(item=item, for_coach=True)
    second = keep(item=item, for_coach=True)
    first.refresh_from_db()
    assert (first.for_coach, second.for_coach) == (False, True)
    rehearsal_services.take_mark_for_coach(take=second, by=candidate.user, for_coach=False)
    assert not RehearsalTake.objects.filter(for_coach=True).exists()


def test_the_database_refuses_two_takes_for_the_coach_on_one_item(candidate):
    item = written_item(candidate)
    keep(item=item, for_coach=True)
    other = keep(item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        RehearsalTake.objects.filter(pk=other.pk).update(for_coach=True)


def test_the_database_refuses_a_take_of_both_or_neither(candidate):
    item = written_item(candidate)
    take = keep(item=item)
    story = story_of(candidate)
    with pytest.raises(IntegrityError), transaction.atomic():
        RehearsalTake.objects.filter(pk=take.pk).update(story=story)
    with pytest.raises(IntegrityError), transaction.atomic():
        RehearsalTake.objects.filter(pk=take.pk).update(item=None)


def test_a_story_is_rehearsed_unless_archived(candidate):
    story = story_of(candidate)
    take = keep(story=story, for_coach=True)
    stories_services.story_archive(story=story, by=candidate.user)
    story.refresh_from_db()
    with pytest.raises(services.WrongState, match="archived"):
        keep(story=story)
    with pytest.raises(services.WrongState, match="archived"):
        rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=False)
    rehearsal_services.take_delete(take=take, by=candidate.user)
    assert not RehearsalTake.objects.exists()


def test_the_coachs_comment_is_saved_with_the_verdict(candidate, coach):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    assignment = submitted(item.assignment)
    checklists_services.assignment_review(
        assignment=assignment,
        by=coach,
        verdict="changes_requested",
        note="Slow down.",
        take_comments={take.pk: "  Good pace until the result.  "},
    )
    take.refresh_from_db()
    assert take.coach_comment == "Good pace until the result."
    assert take.comment_by == coach and take.commented_at is not None
    assert Assignment.objects.get().status == Assignment.Status.CHANGES_REQUESTED


def test_a_comment_on_a_take_of_another_checklist_is_ignored(candidate, coach):
    other = keep(item=written_item(candidate), for_coach=True)
    assignment = submitted(written_item(candidate).assignment)
    checklists_services.assignment_review(
        assignment=assignment, by=coach, verdict="approved", take_comments={other.pk: "Sneaky"}
    )
    other.refresh_from_db()
    assert other.coach_comment == ""


def test_only_the_candidates_coach_comments_on_a_story_take(candidate, coach, other_coach):
    take = keep(story=story_of(candidate), for_coach=True)
    with pytest.raises(services.NotAllowed):
        rehearsal_services.take_comment(take=take, by=other_coach, body="Mine now")
    assert rehearsal_services.take_comment(take=take, by=coach, body="Clear result.")
    take.refresh_from_db()
    assert take.coach_comment == "Clear result."
    rehearsal_services.take_mark_for_coach(take=take, by=candidate.user, for_coach=False)
    with pytest.raises(services.WrongState, match="took it back"):
        rehearsal_services.take_comment(take=take, by=coach, body="Again")


@pytest.mark.parametrize(
    "change",
    [{"size": 0}, {"timer_seconds": 90}, {"duration_seconds": 60 * 60 + 1}],
    ids=["empty", "timer", "duration"],
)
def test_the_database_refuses_an_impossible_take(candidate, change):
    take = keep(item=written_item(candidate))
    with pytest.raises(IntegrityError), transaction.atomic():
        RehearsalTake.objects.filter(pk=take.pk).update(**change)


def test_the_database_refuses_two_takes_for_the_coach_on_one_story(candidate):
    story = story_of(candidate)
    keep(story=story, for_coach=True)
    other = keep(story=story)
    with pytest.raises(IntegrityError), transaction.atomic():
        RehearsalTake.objects.filter(pk=other.pk).update(for_coach=True)


def test_clean_says_a_take_needs_exactly_one_subject(candidate):
    from django.core.exceptions import ValidationError

    take = keep(item=written_item(candidate))
    take.story = story_of(candidate)
    with pytest.raises(ValidationError, match="not both"):
        take.clean()
