"""After-the-interview records wait for the interview: before the round's scheduled
start the debrief, thank-you notes and outcome are not offered, and a forged post
is refused with a message, saving nothing. Tested by moving the clock."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import dateformat, timezone

from interviews.models import InterviewRound, ThankYouNote

from ..checklist_helpers import fill_all, item, messages_of, round_form_data
from ..factories import (
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
)

# Near enough that the test client's session (two weeks) is still valid.
START = (timezone.now() + datetime.timedelta(days=8)).replace(
    hour=14, minute=30, second=0, microsecond=0
)
WEEK_BEFORE = START - datetime.timedelta(days=7)
HOUR_AFTER = START + datetime.timedelta(hours=1)


@pytest.fixture
def round(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        scheduled_at=START,
    )
    InterviewerFactory(round=round, name="Pat Boss", email="pat@fabrikam.example")
    return round


def round_url(round):
    return reverse("me:round", args=[round.pk])


DEBRIEF = {
    "debrief_notes": "They asked about the audit.",
    "debrief_differently": "",
    "asked": "Tell us about the audit.",
}


def _stored(round) -> tuple:
    round.refresh_from_db()
    return (
        round.debrief_notes,
        round.debriefed_at,
        round.outcome,
        round.asked_questions.count(),
        round.thank_you_notes.count(),
    )


NOTHING = ("", None, InterviewRound.Outcome.PENDING, 0, 0)


def test_before_the_start_the_page_says_when_the_follow_up_opens(round, candidate_client):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        html = candidate_client.get(round_url(round)).content.decode()
    when = dateformat.format(START, r"D j M Y \a\t H:i") + " UTC"  # the candidate's zone
    assert f"open when the interview starts, on {when}." in html
    assert "Interview in 7 days" in html
    for name in ("debrief_notes", "outcome", "asked", "body"):
        assert f'name="{name}"' not in html


@pytest.mark.parametrize(
    ("url_name", "data", "message"),
    [
        ("me:round_debrief", DEBRIEF, "The debrief opens when the interview starts"),
        ("me:round_outcome", {"outcome": "advanced"}, "Recording the outcome opens when"),
        ("me:notes_prepare", {}, "Writing thank-you notes opens when the interview starts"),
        ("me:note_add_other", {}, "Writing thank-you notes opens when the interview starts"),
    ],
    ids=["debrief", "outcome", "draft-notes", "note-to-someone-else"],
)
def test_a_forged_post_before_the_start_is_refused_and_saves_nothing(
    round, candidate_client, url_name, data, message
):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = candidate_client.post(reverse(url_name, args=[round.pk]), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _stored(round) == NOTHING


def test_a_note_cannot_be_marked_sent_before_the_start(round, candidate_client):
    note = ThankYouNoteFactory(round=round, to="pat@fabrikam.example")
    data = {f"note-{note.pk}-{k}": v for k, v in {"to": note.to, "subject": "Hi"}.items()}
    data |= {f"note-{note.pk}-body": "Thanks", f"note-{note.pk}-to_name": ""}
    data |= {f"note-{note.pk}-seen": note.text_fingerprint, "action": f"sent:{note.pk}"}
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = candidate_client.post(reverse("me:notes_save", args=[round.pk]), data)
    assert (
        "error",
        "Marking a thank-you note as sent opens when the interview starts, on "
        + dateformat.format(START, r"D j M Y \a\t H:i")
        + " UTC.",
    ) in messages_of(response)
    note.refresh_from_db()
    assert note.sent_at is None
    assert note.body == "Thanks"  # what was typed is saved all the same


def test_withdrawing_is_possible_before_the_interview(round, candidate_client):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        candidate_client.post(
            reverse("me:round_outcome", args=[round.pk]), {"outcome": "withdrawn"}
        )
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.WITHDRAWN
    assert round.opportunity.status == "withdrawn"


def test_a_round_without_a_date_keeps_the_follow_up_closed(round, candidate_client):
    round.scheduled_at = None
    round.save()
    html = candidate_client.get(round_url(round)).content.decode()
    assert "its date is not set yet" in html
    assert 'name="debrief_notes"' not in html
    response = candidate_client.post(reverse("me:round_debrief", args=[round.pk]), DEBRIEF)
    assert "its date is not set yet" in response.content.decode()
    assert _stored(round) == NOTHING


def test_from_the_start_the_follow_up_opens_and_saves(round, candidate_client):
    with time_machine.travel(START, tick=False):
        html = candidate_client.get(round_url(round)).content.decode()
        assert 'name="debrief_notes"' in html
        assert "Interview under way" in html
    with time_machine.travel(HOUR_AFTER, tick=False):
        assert (
            candidate_client.post(reverse("me:round_debrief", args=[round.pk]), DEBRIEF).status_code
            == 302
        )
        candidate_client.post(reverse("me:round_outcome", args=[round.pk]), {"outcome": "advanced"})
        candidate_client.post(reverse("me:notes_prepare", args=[round.pk]))
    debrief, debriefed_at, outcome, asked, notes = _stored(round)
    assert (debrief, debriefed_at, outcome, asked, notes) == (
        "They asked about the audit.",
        HOUR_AFTER,
        InterviewRound.Outcome.ADVANCED,
        1,
        1,
    )
    assert ThankYouNote.objects.get(round=round).to == "pat@fabrikam.example"


def test_a_checklist_thank_you_cannot_be_marked_sent_before_the_interview(
    round, candidate, candidate_client
):
    """Checklists assigned before thank-you notes moved to the round keep an email item."""
    assignment = make_assignment(candidate, round=round)
    fill_all(assignment)
    email = item(assignment, 3)
    checklist = reverse("me:checklist", args=[assignment.pk])
    with time_machine.travel(WEEK_BEFORE, tick=False):
        html = candidate_client.get(checklist).content.decode()
        assert f'value="email_sent:{email.pk}"' not in html
        when = dateformat.format(START, r"D j M \a\t H:i") + " UTC"
        assert f"You can mark it as sent once the interview has started ({when})." in html
        response = candidate_client.post(
            reverse("me:item_email_sent", args=[email.pk]), follow=True
        )
        assert "Marking this email as sent opens when the interview starts" in (
            response.content.decode()
        )
    email.refresh_from_db()
    assert email.email_sent_at is None
    with time_machine.travel(HOUR_AFTER, tick=False):
        candidate_client.post(reverse("me:item_email_sent", args=[email.pk]))
    email.refresh_from_db()
    assert email.email_sent_at == HOUR_AFTER


@pytest.mark.parametrize("outcome", ["advanced", "offer"])
def test_the_coach_cannot_record_a_result_before_the_interview(round, coach_client, outcome):
    data = round_form_data(scheduled_at=f"{START:%Y-%m-%dT%H:%M}", outcome=outcome)
    edit = reverse("coach:round_edit", args=[round.pk])
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = coach_client.post(edit, data)
    assert response.status_code == 200
    assert "can only be recorded once the interview has started" in response.content.decode()
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.PENDING
    with time_machine.travel(HOUR_AFTER, tick=False):
        assert coach_client.post(edit, data).status_code == 302
    round.refresh_from_db()
    assert round.outcome == outcome
