"""The candidate's home after an interview: every follow-up left (thank-you
notes, the debrief, the outcome) stays in "To do" until it is done, in any
order, and every past interview stays reachable under "Past interviews". The
clock is moved with time-machine."""

import datetime
import itertools
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews.models import InterviewRound, Opportunity
from interviews.services import rounds as rounds_services
from interviews.views.home import PAST_LIMIT

from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
)

HOME = reverse("me:home")
PAST = reverse("me:past_rounds")
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
START = (timezone.now() - 2 * DAY).replace(second=0, microsecond=0)

NOTES = "Send your thank-you notes to"
DEBRIEF = "Write your debrief"
OUTCOME = "Record the outcome when you hear back"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def to_do(client) -> str:
    """The words of the home page's "To do" section."""
    response = client.get(HOME)
    assert response.status_code == 200
    return _text(_section(response.content.decode(), "checklists-heading"))


def past(client) -> str:
    return _text(_section(client.get(HOME).content.decode(), "past-heading"))


def _round(candidate, *, company="Northwind", start=START, **kwargs):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company=company),
        scheduled_at=start,
        **kwargs,
    )


@pytest.fixture
def round(candidate):
    """Two days after an interview at Northwind with two interviewers to thank
    (and one without an address, who gets no note)."""
    round = _round(candidate)
    InterviewerFactory(round=round, name="Tom Becker", email="tom@northwind.example")
    InterviewerFactory(round=round, name="Ann Lee", email="ann@northwind.example")
    InterviewerFactory(round=round, name="Sam Noemail", email="")
    return round


def _send_notes(round):
    user = round.opportunity.candidate.user
    for note in rounds_services.thank_you_notes_prepare(round=round, by=user):
        rounds_services.thank_you_note_mark_sent(note=note, by=user)


def _debrief(round):
    rounds_services.round_record_debrief(
        round=round,
        by=round.opportunity.candidate.user,
        debrief_notes="It went well.",
        debrief_differently="",
        asked=[],
    )


def _outcome(round):
    rounds_services.round_record_outcome(
        round=round, by=round.opportunity.candidate.user, outcome=InterviewRound.Outcome.ADVANCED
    )


ACTIONS = {
    "notes": (_send_notes, NOTES),
    "debrief": (_debrief, DEBRIEF),
    "outcome": (_outcome, OUTCOME),
}


@pytest.mark.parametrize("order", list(itertools.permutations(ACTIONS)), ids="-".join)
def test_each_follow_up_stays_in_to_do_until_done_whatever_the_order(
    round, candidate_client, order
):
    assert all(label in to_do(candidate_client) for _, label in ACTIONS.values())
    done = []
    for name in order:
        action, _ = ACTIONS[name]
        action(round)
        done.append(name)
        text = to_do(candidate_client)
        for other, (_, label) in ACTIONS.items():
            assert (label in text) is (other not in done), (done, other)
    # All three done: the round leaves "To do" and stays under "Past interviews".
    text = to_do(candidate_client)
    assert "Northwind" not in text
    assert "Nothing to do right now" in text
    assert "Second-round interview at Northwind" in past(candidate_client)
    assert "Advanced" in past(candidate_client)


def test_recording_the_outcome_first_keeps_the_notes_and_the_debrief(round, candidate_client):
    """The bug of issue 20: once the outcome was recorded, the round left the
    home page with its notes unsent."""
    _outcome(round)
    text = to_do(candidate_client)
    assert "Nothing to do right now" not in text
    assert f"{NOTES} Tom Becker and Ann Lee" in text
    assert DEBRIEF in text
    assert OUTCOME not in text


def test_each_step_links_to_its_section_of_the_round_page(round, candidate_client):
    html = _section(candidate_client.get(HOME).content.decode(), "checklists-heading")
    url = reverse("me:round", args=[round.pk])
    for anchor in ("notes", "debrief", "outcome"):
        assert f'href="{url}#{anchor}"' in html
    assert f'href="{url}"' in html


def test_notes_say_how_long_is_left_quietly_and_how_late_in_red(round, candidate_client):
    with time_machine.travel(START + 19 * HOUR, tick=False):
        html = _section(candidate_client.get(HOME).content.decode(), "checklists-heading")
    assert '<span class="badge due-badge text-bg-light border">Due in 5 h</span>' in html
    assert "text-bg-danger" not in html and "text-bg-warning" not in html
    with time_machine.travel(START + 27 * HOUR, tick=False):
        html = _section(candidate_client.get(HOME).content.decode(), "checklists-heading")
    assert '<span class="badge due-badge text-bg-danger">Overdue by 3 h</span>' in html


def test_an_unsent_note_to_someone_else_waits_too(candidate, candidate_client):
    round = _round(candidate)
    ThankYouNoteFactory(round=round, to_name="Jo Park", to="jo@example.com")
    ThankYouNoteFactory(round=round, to_name="Sent Already", sent_at=START + HOUR)
    text = to_do(candidate_client)
    assert f"{NOTES} Jo Park" in text
    assert "Sent Already" not in text


def test_a_round_without_anyone_to_thank_asks_only_for_the_debrief_and_outcome(
    candidate, candidate_client
):
    InterviewerFactory(round=_round(candidate), email="")
    text = to_do(candidate_client)
    assert NOTES not in text
    assert DEBRIEF in text and OUTCOME in text


def test_an_interview_under_way_opens_its_follow_up(candidate, candidate_client):
    _round(candidate, start=timezone.now() - 10 * datetime.timedelta(minutes=1))
    assert DEBRIEF in to_do(candidate_client)


def test_the_follow_up_stops_after_the_window_but_the_round_stays_reachable(
    round, candidate_client
):
    after = START + InterviewRound.AFTER_INTERVIEW_WINDOW + HOUR
    with time_machine.travel(after, tick=False):
        assert "Northwind" not in to_do(candidate_client)
        listed = past(candidate_client)
    assert "Second-round interview at Northwind" in listed
    assert "Pending" in listed


def test_cancelled_rounds_ask_for_nothing(candidate, candidate_client):
    _round(candidate, company="Withdrawn Co", outcome=InterviewRound.Outcome.WITHDRAWN)
    closed = _round(candidate, company="Closed Co")
    Opportunity.objects.filter(pk=closed.opportunity_id).update(status=Opportunity.Status.REJECTED)
    text = to_do(candidate_client)
    assert "Withdrawn Co" not in text and "Closed Co" not in text
    assert "Nothing to do right now" in text
    listed = past(candidate_client)
    assert "Withdrawn Co" in listed and "Withdrawn" in listed
    assert "Closed Co" in listed and "Cancelled" in listed


def test_follow_ups_are_the_latest_interview_first(candidate, candidate_client):
    _round(candidate, company="Older Ltd", start=START - DAY)
    _round(candidate, company="Newer Ltd", start=START)
    text = to_do(candidate_client)
    assert text.index("Newer Ltd") < text.index("Older Ltd")


def test_another_candidates_follow_ups_never_show(other_candidate, candidate_client):
    _round(other_candidate, company="Secret Corp")
    html = candidate_client.get(HOME).content.decode()
    assert "Secret Corp" not in html


def test_the_same_person_sees_follow_ups_from_each_coach(candidate, candidate_client):
    other_record = CandidateFactory(email=candidate.email, user=candidate.user)
    _round(other_record, company="Elsewhere Inc")
    assert "Elsewhere Inc" in to_do(candidate_client)


# ---------------------------------------------------------------- past interviews


def test_without_past_interviews_the_home_page_says_what_will_appear(candidate_client):
    text = past(candidate_client)
    assert "No past interviews yet" in text
    assert "Show all" not in text


def test_past_interviews_are_newest_first_with_their_outcome_and_debrief(
    candidate, candidate_client
):
    old = _round(candidate, company="Old Corp", start=START - 30 * DAY)
    old.outcome = InterviewRound.Outcome.REJECTED
    old.debriefed_at = START - 29 * DAY
    old.save()
    _round(candidate, company="New Corp", start=START)
    _round(candidate, company="Future Corp", start=timezone.now() + 3 * DAY)
    html = _section(candidate_client.get(HOME).content.decode(), "past-heading")
    text = _text(html)
    assert text.index("New Corp") < text.index("Old Corp")
    assert "Future Corp" not in text
    assert "Rejected" in text and "debrief written" in text and "no debrief" in text
    assert reverse("me:round", args=[old.pk]) in html


def test_many_past_interviews_show_the_latest_and_link_to_them_all(candidate, candidate_client):
    for n in range(PAST_LIMIT + 1):
        _round(candidate, company=f"Firm {n:02}", start=START - n * DAY)
    text = past(candidate_client)
    assert text.count("Second-round interview at Firm") == PAST_LIMIT
    assert f"Firm {PAST_LIMIT:02}" not in text  # the oldest
    assert "Show all past interviews" in text
    html = candidate_client.get(PAST).content.decode()
    assert f"Firm {PAST_LIMIT:02}" in html
    assert html.count("Second-round interview at Firm") == PAST_LIMIT + 1


def test_exactly_the_limit_needs_no_link(candidate, candidate_client):
    for n in range(PAST_LIMIT):
        _round(candidate, company=f"Firm {n}", start=START - n * DAY)
    assert "Show all past interviews" not in past(candidate_client)


def test_the_past_interviews_page_is_paged_and_own_only(
    candidate, other_candidate, candidate_client
):
    for n in range(30):
        _round(candidate, company=f"Firm {n:02}", start=START - n * DAY)
    _round(other_candidate, company="Secret Corp")
    first = candidate_client.get(PAST)
    assert first.status_code == 200
    body = first.content.decode()
    assert body.count("Second-round interview at Firm") == 25
    assert "Firm 00" in body and "Secret Corp" not in body
    assert "Page 1 of 2" in body
    second = candidate_client.get(PAST, {"page": 2}).content.decode()
    assert second.count("Second-round interview at Firm") == 5
    assert "Firm 29" in second


def test_the_past_interviews_page_says_when_there_are_none(candidate_client):
    body = candidate_client.get(PAST).content.decode()
    assert "No past interviews yet" in body
    assert HOME in body


@pytest.mark.parametrize("size", [2, 12])
def test_the_past_interviews_page_runs_a_fixed_number_of_queries(
    candidate, candidate_client, django_assert_max_num_queries, size
):
    for n in range(size):
        _round(candidate, start=START - n * DAY)
    # Session, user, unread notices, the count and the page of rounds.
    with django_assert_max_num_queries(5):
        response = candidate_client.get(PAST)
    assert response.content.decode().count("Second-round interview") == size
