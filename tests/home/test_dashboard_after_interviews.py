"""The coach dashboard's "After interviews" card: each interview that is over and
still waits for thank-you notes, a debrief or an outcome, with how long, by the
rule the lead's overview and the morning digest follow (test_follow_up_rule.py
shows the three agree). The query count is pinned in test_dashboard.py."""

import datetime
import re

import pytest
from django.urls import reverse

from interviews.models import InterviewRound, Opportunity

from ..conftest import client_for
from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
)

URL = reverse("coach:dashboard")
NOW = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def client(time_machine, coach):
    """The coach's browser, signed in at NOW."""
    time_machine.move_to(NOW, tick=False)
    return client_for(coach)


def _round(candidate, company, start, **kwargs):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company=company),
        scheduled_at=start,
        **kwargs,
    )


def _card(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode().split('id="after-heading"', 1)[1].split("</section>", 1)[0]
    return response.context["board"], html


def _rows(html):
    """The words of each row of the card."""
    items = re.findall(
        r'<li class="list-group-item after-interview">(.*?)</ul>\s*</li>', html, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_without_follow_ups_the_card_says_what_will_appear(client):
    board, html = _card(client)
    assert board.after_interviews == []
    assert "Nothing is left to follow up" in html


def test_each_interview_over_says_what_is_missing_and_for_how_long(client, candidate):
    late = _round(candidate, "Fabrikam", NOW - 2 * DAY)
    ThankYouNoteFactory(round=late, to_name="Ann Lee")
    InterviewerFactory(round=late, name="Pat Example")
    recent = _round(candidate, "Northwind", NOW - 5 * HOUR, outcome="advanced", debriefed_at=NOW)
    InterviewerFactory(round=recent, name="Dana Scully")
    waiting = _round(candidate, "Contoso", NOW - 4 * DAY, debriefed_at=NOW - 3 * DAY)
    board, html = _card(client)
    # Oldest interview first.
    assert [f.round for f in board.after_interviews] == [waiting, late, recent]
    assert _rows(html) == [
        f"Cam Candidate {waiting.when_display} Second-round interview · Contoso"
        " No outcome 4 days after",
        f"Cam Candidate {late.when_display} Second-round interview · Fabrikam"
        " Notes overdue by 1 day No debrief 2 days after No outcome 2 days after",
        f"Cam Candidate {recent.when_display} Second-round interview · Northwind Notes due in 19 h",
    ]
    for round in (waiting, late, recent):
        assert f'href="{reverse("coach:round_detail", args=[round.pk])}"' in html
    # Late notes in red; notes still on time, debrief and outcome not as an alarm.
    assert html.count("text-danger") == 1
    assert (
        '<li class="list-inline-item text-danger fw-semibold">Notes overdue by 1 day</li>' in html
    )


def test_interviews_with_nothing_left_or_not_followed_are_not_listed(
    client, coach, candidate, other_candidate
):
    done = _round(candidate, "Done Ltd", NOW - 2 * DAY, outcome="offer", debriefed_at=NOW)
    ThankYouNoteFactory(round=done, sent_at=NOW - DAY)
    InterviewerFactory(round=done, email="")  # no address: nobody to thank
    _round(candidate, "Withdrawn Co", NOW - 2 * DAY, outcome=InterviewRound.Outcome.WITHDRAWN)
    closed = _round(candidate, "Closed Co", NOW - 2 * DAY)
    Opportunity.objects.filter(pk=closed.opportunity_id).update(status=Opportunity.Status.WITHDRAWN)
    _round(CandidateFactory(coach=coach, archived=True), "Archived Inc", NOW - 2 * DAY)
    _round(other_candidate, "Not Mine", NOW - 2 * DAY)
    _round(candidate, "Too Old", NOW - InterviewRound.AFTER_INTERVIEW_WINDOW - HOUR)
    _round(candidate, "Under Way", NOW - 10 * datetime.timedelta(minutes=1))
    _round(candidate, "Coming Up", NOW + DAY)
    board, html = _card(client)
    assert board.after_interviews == []
    assert "Nothing is left to follow up" in html


def test_the_last_day_of_the_window_is_still_followed(client, candidate):
    edge = _round(candidate, "Edge", NOW - InterviewRound.AFTER_INTERVIEW_WINDOW)
    board, _ = _card(client)
    assert [f.round for f in board.after_interviews] == [edge]


def test_recording_the_outcome_first_keeps_the_missing_notes_and_debrief(client, candidate):
    round = _round(candidate, "Fabrikam", NOW - 2 * DAY, outcome="rejected")
    InterviewerFactory(round=round, name="Pat Example")
    _, html = _card(client)
    [row] = _rows(html)
    assert row.endswith("Notes overdue by 1 day No debrief 2 days after")
