"""The candidate's round page leads with what is left after the interview: the
line at the top names it, and the thank-you notes, the debrief and the outcome
come before the logistics (on a phone too: first in the page, not only on the
left). Before the interview the logistics come first. The clock is moved with
time-machine."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory

# Near the real time: the test client's session was signed in now.
START = (timezone.now() - datetime.timedelta(days=1)).replace(second=0, microsecond=0)
HOUR = datetime.timedelta(hours=1)
SECTIONS = ('id="notes"', 'id="debrief"', 'id="outcome"')
LOGISTICS = ('id="facts-heading"', 'id="interviewers"')


@pytest.fixture
def round(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind"),
        scheduled_at=START,
    )
    InterviewerFactory(round=round, name="Tom Becker", email="tom@northwind.example")
    return round


def page_at(client, round, moment) -> str:
    with time_machine.travel(moment, tick=False):
        response = client.get(reverse("me:round", args=[round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_after_the_interview_what_is_left_comes_before_the_logistics(round, candidate_client):
    html = page_at(candidate_client, round, START + 5 * HOUR)
    where = [html.index(marker) for marker in SECTIONS + LOGISTICS]
    assert where == sorted(where)
    # Each piece of the logistics once, after the follow-up.
    assert html.count('id="facts-heading"') == 1


def test_before_the_interview_the_logistics_come_first(round, candidate_client):
    html = page_at(candidate_client, round, START - 2 * HOUR)
    assert html.index('id="facts-heading"') < html.index('id="after-heading"')
    assert 'id="notes"' not in html


def test_the_line_at_the_top_links_each_step_to_its_section(round, candidate_client):
    html = page_at(candidate_client, round, START + 5 * HOUR)
    line = html.split('class="round-timeline', 1)[1].split("</p>", 1)[0]
    for anchor in ("notes", "debrief", "outcome"):
        assert f'href="#{anchor}"' in line
        assert f'id="{anchor}"' in html


def test_notes_on_time_are_not_an_alarm_and_late_ones_are(round, candidate_client):
    line = page_at(candidate_client, round, START + 5 * HOUR).split('class="round-timeline', 1)[1]
    line = line.split("</p>", 1)[0]
    assert '<span class="badge due-badge text-bg-light border">Due in 19 h</span>' in line
    assert "text-bg-danger" not in line and "text-bg-warning" not in line
    late = page_at(candidate_client, round, START + 27 * HOUR).split('class="round-timeline', 1)[1]
    late = late.split("</p>", 1)[0]
    assert '<span class="badge due-badge text-bg-danger">Overdue by 3 h</span>' in late
