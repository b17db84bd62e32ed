"""The coach's pages give an interview's time in the coach's zone and, where it
reads differently, in the candidate's: the coach in New York, the candidate in
Berlin, in the weeks of March 2027 when the United States are on summer time
(from 14 March) and Europe is not yet (28 March).
"""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..conftest import client_for
from ..factories import CandidateFactory, OpportunityFactory, UserFactory, make_assignment

UTC = datetime.UTC
#: Thursday 25 March 2027, 14:00 UTC: 10:00 EDT in New York, 15:00 CET in Berlin.
START = datetime.datetime(2027, 3, 25, 14, 0, tzinfo=UTC)
#: The day before, 10:00 in Berlin (05:00 in New York, the coach's quiet hours).
EVE = datetime.datetime(2027, 3, 24, 9, 0, tzinfo=UTC)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def joined_alex(coach, candidate):
    """The coach in New York; their candidate, joined, in Berlin."""
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    candidate.user.time_zone = "Europe/Berlin"
    candidate.user.save(update_fields=["time_zone"])
    return candidate


def test_the_coachs_pages_add_the_candidates_time(coach, joined_alex):
    round_ = OpportunityFactory(candidate=joined_alex, company="Fabrikam").rounds.create(
        sequence=1, scheduled_at=START
    )
    assignment = make_assignment(joined_alex, round=round_)
    both = "10:00 EDT \N{MIDDLE DOT} 15:00 CET for Cam"
    with time_machine.travel(EVE, tick=False):
        client = client_for(coach)
        assert f"Thursday 25 March 2027, {both}</time> (60 min)" in page(
            client, reverse("coach:round_detail", args=[round_.pk])
        )
        assert f">Thu 25 Mar, {both}</time>" in page(client, reverse("coach:dashboard"))
        for url in (
            reverse("coach:candidate_detail", args=[joined_alex.pk]),
            reverse("coach:assignment_detail", args=[assignment.pk]),
        ):
            assert f"Second-round interview at Fabrikam, Thu 25 Mar, {both}</a>" in page(
                client, url
            )


def test_a_candidate_in_the_coachs_zone_gets_no_second_time(coach, joined_alex):
    joined_alex.user.time_zone = "America/Toronto"  # other name, same clock and abbreviation
    joined_alex.user.save(update_fields=["time_zone"])
    round_ = OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:round_detail", args=[round_.pk]))
    assert "Thursday 25 March 2027, 10:00 EDT</time> (60 min)" in html
    assert " for Cam" not in html


def test_a_candidate_not_joined_yet_gets_no_second_time(coach):
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    newcomer = CandidateFactory(coach=coach, full_name="Nia Newcomer")
    round_ = OpportunityFactory(candidate=newcomer).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:round_detail", args=[round_.pk]))
    assert "Thursday 25 March 2027, 10:00 EDT</time> (60 min)" in html
    assert " for Nia" not in html


def test_the_lead_reads_the_practices_coming_interviews_in_both_zones(
    coach, joined_alex, practice, lead
):
    lead.time_zone = "Asia/Tokyo"
    lead.save(update_fields=["time_zone"])
    OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=START)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(lead), reverse("practice:home"))
    # 23:00 in Tokyo, 15:00 in Berlin: the same day in both, so said once.
    assert "Thu 25 Mar, 23:00 JST \N{MIDDLE DOT} 15:00 CET for Cam" in html


def test_another_day_for_the_candidate_is_named(coach, joined_alex):
    # 20:00 in New York is 01:00 the next morning in Berlin.
    late = START + datetime.timedelta(hours=10)
    OpportunityFactory(candidate=joined_alex).rounds.create(sequence=1, scheduled_at=late)
    with time_machine.travel(EVE, tick=False):
        html = page(client_for(coach), reverse("coach:dashboard"))
    assert "Thu 25 Mar, 20:00 EDT \N{MIDDLE DOT} Fri 26 Mar, 01:00 CET for Cam" in html


def _join_from_berlin(coach, numbers: range) -> None:
    """Candidates of ``coach`` who joined from Berlin, each with an interview tomorrow."""
    for i in numbers:
        user = UserFactory(email=f"joined{i}@example.com", time_zone="Europe/Berlin")
        record = CandidateFactory(
            coach=coach, email=user.email, full_name=f"Kim{i} Berger", user=user
        )
        OpportunityFactory(candidate=record).rounds.create(sequence=1, scheduled_at=START)


@pytest.mark.parametrize(
    ("viewer", "url"),
    [("coach", reverse("coach:dashboard")), ("lead", reverse("practice:home"))],
)
def test_the_candidates_zone_costs_no_query_per_row(coach, practice, lead, viewer, url):
    """Pinned at two sizes, with candidates who joined (the page cost tests'
    candidates have no login, so they read no zone)."""
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    counts = []
    with time_machine.travel(EVE, tick=False):
        client = client_for(coach if viewer == "coach" else lead)
        for numbers in (range(1), range(1, 6)):
            _join_from_berlin(coach, numbers)
            with CaptureQueriesContext(connection) as queries:
                html = page(client, url)
            assert all(f"15:00 CET for Kim{i}<" in html for i in range(numbers.stop))
            counts.append(len(queries))
    assert counts[0] == counts[1]
