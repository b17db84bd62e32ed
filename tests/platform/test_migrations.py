"""Data migrations carry what people typed over to the new models: run them on the
test database between the states before and after."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("interviews", "0003_review_marks_and_single_line")]
AFTER = [("interviews", "0004_interview_centre")]

# Inside the test's transaction: PostgreSQL runs schema changes transactionally,
# so the rollback at the end restores the latest schema and the built-in library.
pytestmark = pytest.mark.django_db


def _migrate(targets):
    # Rows written by the test are checked now, as a commit would: PostgreSQL
    # will not alter a table while deferred foreign-key checks are pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    if connection.vendor != "postgresql":
        pytest.skip("needs transactional DDL (run with DATABASE_URL=postgres://…)")
    return _migrate(BEFORE)


def _round(apps, **fields):
    User = apps.get_model("interviews", "User")
    Candidate = apps.get_model("interviews", "Candidate")
    Opportunity = apps.get_model("interviews", "Opportunity")
    InterviewRound = apps.get_model("interviews", "InterviewRound")
    coach = User.objects.create(email=f"c{User.objects.count()}@example.com", role="coach")
    candidate = Candidate.objects.create(coach=coach, full_name="Cam", email="cam@example.com")
    opportunity = Opportunity.objects.create(candidate=candidate, company="Acme", position="PM")
    return InterviewRound.objects.create(opportunity=opportunity, sequence=1, **fields)


def test_free_text_interviewers_become_interviewer_rows(old_apps):
    first = _round(
        old_apps,
        interviewer_names="Tom Becker (Head of Analytics), Ann Lee and Sam Ito",
        interviewer_email="tom@acme.example",
    )
    only_email = _round(old_apps, interviewer_email="jo.park@acme.example")
    nobody = _round(old_apps)
    new_apps = _migrate(AFTER)
    Interviewer = new_apps.get_model("interviews", "Interviewer")
    rows = list(
        Interviewer.objects.filter(round_id=first.pk)
        .order_by("id")
        .values_list("name", "job_title", "email")
    )
    assert rows == [
        ("Tom Becker", "Head of Analytics", "tom@acme.example"),
        ("Ann Lee", "", ""),
        ("Sam Ito", "", ""),
    ]
    assert list(
        Interviewer.objects.filter(round_id=only_email.pk).values_list("name", "email")
    ) == [("jo.park", "jo.park@acme.example")]
    assert not Interviewer.objects.filter(round_id=nobody.pk).exists()


def test_a_thank_you_draft_becomes_a_note_and_a_debrief_is_dated(old_apps):
    sent = timezone.now() - datetime.timedelta(days=1)
    round = _round(
        old_apps,
        interviewer_names="Tom Becker",
        interviewer_email="tom@acme.example",
        thank_you_to="TOM@acme.example",
        thank_you_subject="Thank you",
        thank_you_body="Dear Tom, thanks.",
        thank_you_sent_at=sent,
        debrief_notes="Went well.",
    )
    new_apps = _migrate(AFTER)
    ThankYouNote = new_apps.get_model("interviews", "ThankYouNote")
    InterviewRound = new_apps.get_model("interviews", "InterviewRound")
    note = ThankYouNote.objects.get(round_id=round.pk)
    assert note.interviewer.name == "Tom Becker"
    assert (note.to, note.subject, note.body, note.sent_at) == (
        "TOM@acme.example",
        "Thank you",
        "Dear Tom, thanks.",
        sent,
    )
    assert InterviewRound.objects.get(pk=round.pk).debriefed_at is not None
