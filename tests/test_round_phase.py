"""After-the-interview records wait for the interview: before the round's scheduled
start the debrief, outcome and thank-you are not offered, and a forged post is
refused with a message, saving nothing. Tested by moving the clock."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import dateformat, timezone

from interviews.models import InterviewRound

from .checklist_helpers import fill_all, item
from .factories import InterviewRoundFactory, OpportunityFactory, make_assignment

# Near enough that the test client's session (two weeks) is still valid.
START = (timezone.now() + datetime.timedelta(days=8)).replace(
    hour=14, minute=30, second=0, microsecond=0
)
WEEK_BEFORE = START - datetime.timedelta(days=7)
HOUR_AFTER = START + datetime.timedelta(hours=1)


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        scheduled_at=START,
        interviewer_email="pat@fabrikam.example",
    )


def round_url(round):
    return reverse("me:round", args=[round.pk])


FOLLOW_UP = {
    "debrief_notes": "They asked about the audit.",
    "outcome": "advanced",
    "thank_you_to": "pat@fabrikam.example",
    "thank_you_subject": "Thank you",
    "thank_you_body": "Thank you for your time.",
}


def _stored(round) -> tuple:
    round.refresh_from_db()
    return (round.debrief_notes, round.outcome, round.thank_you_body, round.thank_you_sent_at)


NOTHING = ("", InterviewRound.Outcome.PENDING, "", None)


def test_before_the_start_the_page_says_when_the_follow_up_opens(round, candidate_client):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        html = candidate_client.get(round_url(round)).content.decode()
    when = dateformat.format(START, r"D j M Y \a\t H:i")  # the candidate's zone is UTC
    assert f"open when the interview starts, on {when}." in html
    assert 'name="debrief_notes"' not in html
    assert 'name="outcome"' not in html
    assert 'name="thank_you_body"' not in html


def test_a_forged_follow_up_before_the_start_is_refused_and_saves_nothing(round, candidate_client):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = candidate_client.post(round_url(round), FOLLOW_UP)
    assert response.status_code == 200
    assert "The debrief opens when the interview starts" in response.content.decode()
    assert _stored(round) == NOTHING


def test_a_forged_thank_you_sent_before_the_start_is_refused(round, candidate_client):
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = candidate_client.post(
            reverse("me:round_thank_you_sent", args=[round.pk]), follow=True
        )
    assert "Marking the thank-you email as sent opens when the interview starts" in (
        response.content.decode()
    )
    assert _stored(round) == NOTHING


def test_a_round_without_a_date_keeps_the_follow_up_closed(round, candidate_client):
    round.scheduled_at = None
    round.save()
    html = candidate_client.get(round_url(round)).content.decode()
    assert "its date is not set yet" in html
    assert 'name="debrief_notes"' not in html
    response = candidate_client.post(round_url(round), FOLLOW_UP)
    assert "its date is not set yet" in response.content.decode()
    assert _stored(round) == NOTHING


def test_from_the_start_the_follow_up_opens_and_saves(round, candidate_client):
    with time_machine.travel(START, tick=False):
        assert 'name="debrief_notes"' in candidate_client.get(round_url(round)).content.decode()
    with time_machine.travel(HOUR_AFTER, tick=False):
        response = candidate_client.post(round_url(round), FOLLOW_UP)
        assert response.status_code == 302
        sent = candidate_client.post(reverse("me:round_thank_you_sent", args=[round.pk]))
        assert sent.status_code == 302
    debrief, outcome, body, sent_at = _stored(round)
    assert (debrief, outcome, body) == (
        "They asked about the audit.",
        InterviewRound.Outcome.ADVANCED,
        "Thank you for your time.",
    )
    assert sent_at == HOUR_AFTER


def test_a_checklist_thank_you_cannot_be_marked_sent_before_the_interview(
    round, candidate, candidate_client
):
    assignment = make_assignment(candidate, round=round)
    fill_all(assignment)
    email = item(assignment, 3)
    checklist = reverse("me:checklist", args=[assignment.pk])
    with time_machine.travel(WEEK_BEFORE, tick=False):
        html = candidate_client.get(checklist).content.decode()
        assert f'value="email_sent:{email.pk}"' not in html
        when = dateformat.format(START, r"D j M \a\t H:i")
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
    data = {
        "kind": "second",
        "scheduled_at": f"{START:%Y-%m-%dT%H:%M}",
        "location": "",
        "interviewer_names": "",
        "interviewer_email": "",
        "outcome": outcome,
        "outcome_notes": "",
    }
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


def test_the_coach_can_record_a_withdrawal_before_the_interview(round, coach_client):
    data = {"kind": "second", "scheduled_at": f"{START:%Y-%m-%dT%H:%M}", "outcome": "withdrawn"}
    with time_machine.travel(WEEK_BEFORE, tick=False):
        response = coach_client.post(reverse("coach:round_edit", args=[round.pk]), data)
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.WITHDRAWN
