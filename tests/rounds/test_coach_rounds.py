"""Coach pages for opportunities and interview rounds."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, Interviewer, InterviewRound, Opportunity

from ..checklist_helpers import round_form_data
from ..factories import (
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)


@pytest.fixture
def opportunity(candidate):
    return OpportunityFactory(candidate=candidate, company="Initech", position="Analyst")


@pytest.fixture
def round(opportunity):
    return InterviewRoundFactory(opportunity=opportunity, sequence=1)


_round_data = round_form_data


# ---------------------------------------------------------------- access
# Who gets which status on each page is in test_permissions.py; these check
# that a refused POST stores nothing, and the cases the matrix does not cover.


def test_another_coach_cannot_post_to_any_of_them(other_coach_client, candidate, round):
    opportunity = round.opportunity
    assert (
        other_coach_client.post(
            reverse("coach:opportunity_create", args=[candidate.pk]),
            {"company": "X", "position": "Y", "status": "active"},
        ).status_code
        == 404
    )
    assert (
        other_coach_client.post(
            reverse("coach:opportunity_edit", args=[opportunity.pk]),
            {"company": "X", "position": "Y", "status": "active"},
        ).status_code
        == 404
    )
    assert (
        other_coach_client.post(
            reverse("coach:round_create", args=[opportunity.pk]), _round_data()
        ).status_code
        == 404
    )
    assert (
        other_coach_client.post(
            reverse("coach:round_edit", args=[round.pk]), _round_data(location="Hacked")
        ).status_code
        == 404
    )
    assert Opportunity.objects.count() == 1
    round.refresh_from_db()
    assert round.location == ""


# ---------------------------------------------------------------- opportunities


def test_a_coach_adds_an_opportunity_for_a_candidate(coach_client, candidate):
    response = coach_client.post(
        reverse("coach:opportunity_create", args=[candidate.pk]),
        {
            "company": "Hooli",
            "position": "Product lead",
            "link": "https://hooli.example/jobs/1",
            "status": "active",
        },
    )
    opportunity = Opportunity.objects.get(company="Hooli")
    assert response.status_code == 302
    assert response.url == opportunity.get_absolute_url()
    assert opportunity.candidate == candidate
    assert opportunity.link == "https://hooli.example/jobs/1"


def test_a_coach_edits_an_opportunity(coach_client, opportunity):
    response = coach_client.post(
        reverse("coach:opportunity_edit", args=[opportunity.pk]),
        {"company": "Initech", "position": "Senior Analyst", "link": "", "status": "offer"},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.position == "Senior Analyst"
    assert opportunity.status == Opportunity.Status.OFFER


@pytest.mark.parametrize(
    "data, field",
    [
        ({"company": "", "position": "P", "status": "active"}, "company"),
        ({"company": "C", "position": "P", "status": "bogus"}, "status"),
        ({"company": "C", "position": "P", "link": "not a url", "status": "active"}, "link"),
        ({"company": "C" * 201, "position": "P", "status": "active"}, "company"),
    ],
)
def test_bad_opportunity_input_is_a_form_error(coach_client, candidate, data, field):
    response = coach_client.post(reverse("coach:opportunity_create", args=[candidate.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Opportunity.objects.exists()


def test_the_opportunity_page_lists_its_rounds_with_an_add_link(coach_client, opportunity):
    InterviewRoundFactory(opportunity=opportunity, sequence=1, kind="screening")
    InterviewRoundFactory(opportunity=opportunity, sequence=2, kind="final", outcome="rejected")
    body = coach_client.get(reverse("coach:opportunity_detail", args=[opportunity.pk])).content
    body = body.decode()
    assert "Screening interview at " in body
    assert "Final interview at " in body
    assert "Round 1" not in body
    assert "Rejected" in body
    assert reverse("coach:round_create", args=[opportunity.pk]) in body


def test_the_opportunity_page_lists_each_rounds_interviewers(coach_client, opportunity):
    round = InterviewRoundFactory(opportunity=opportunity, sequence=1, location="On site")
    InterviewerFactory(round=round, name="Dana Scully", role=Interviewer.Role.HIRING_MANAGER)
    InterviewerFactory(round=round, name="Ann Lee", role=Interviewer.Role.RECRUITER)
    body = coach_client.get(reverse("coach:opportunity_detail", args=[opportunity.pk])).content
    assert "With Dana Scully (hiring manager), Ann Lee (recruiter) · On site" in body.decode()


@pytest.mark.parametrize("n", [1, 10])
def test_the_opportunity_page_runs_a_fixed_number_of_queries(
    n, coach_client, opportunity, django_assert_max_num_queries
):
    for sequence in range(1, n + 1):
        round = InterviewRoundFactory(opportunity=opportunity, sequence=sequence)
        InterviewerFactory.create_batch(2, round=round)
    # session, user, the opportunity; its rounds, their interviewers
    # +1: unread notices in the navigation
    with django_assert_max_num_queries(6):
        body = coach_client.get(reverse("coach:opportunity_detail", args=[opportunity.pk]))
    assert body.content.decode().count("(hiring manager)") == 2 * n


# ---------------------------------------------------------------- rounds


def test_round_create_numbers_rounds_in_sequence(coach_client, opportunity):
    url = reverse("coach:round_create", args=[opportunity.pk])
    first = coach_client.post(url, _round_data(kind="screening"))
    second = coach_client.post(url, _round_data())
    rounds = list(opportunity.rounds.order_by("sequence"))
    assert [r.sequence for r in rounds] == [1, 2]
    # Straight to the interviewers, which come next.
    assert first.url == f"{rounds[0].get_absolute_url()}#interviewers"
    assert second.url == f"{rounds[1].get_absolute_url()}#interviewers"
    assert rounds[1].kind == InterviewRound.Kind.SECOND
    assert rounds[1].duration_minutes == 60
    assert rounds[1].location == "Video call"


def test_adding_a_round_prompts_to_add_the_interviewers(coach_client, opportunity):
    response = coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]), _round_data(), follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert "Next, add the interviewers" in message
    body = response.content.decode()
    assert reverse("coach:interviewer_add", args=[opportunity.rounds.get().pk]) in body


def test_a_round_keeps_its_duration(coach_client, opportunity):
    url = reverse("coach:round_create", args=[opportunity.pk])
    coach_client.post(url, _round_data(duration_minutes="90"))
    round = opportunity.rounds.get()
    assert round.duration_minutes == 90
    coach_client.post(
        reverse("coach:round_edit", args=[round.pk]), _round_data(duration_minutes="")
    )
    round.refresh_from_db()
    assert round.duration_minutes == 90  # left empty: unchanged


@pytest.mark.parametrize("value", ["4", "721", "-5", "an hour"])
def test_a_bad_duration_is_a_form_error(coach_client, opportunity, value):
    response = coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]), _round_data(duration_minutes=value)
    )
    assert response.status_code == 200
    assert "duration_minutes" in response.context["form"].errors
    assert not opportunity.rounds.exists()


def test_round_time_is_entered_and_shown_in_the_coachs_time_zone(coach, coach_client, opportunity):
    coach.time_zone = "Europe/Paris"
    coach.save()
    coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]),
        _round_data(scheduled_at="2030-01-15T10:00"),
    )
    round = opportunity.rounds.get()
    # Paris is UTC+1 in winter.
    assert round.scheduled_at == datetime.datetime(2030, 1, 15, 9, 0, tzinfo=datetime.UTC)

    detail = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    assert "15 January 2030, 10:00" in detail
    edit = coach_client.get(reverse("coach:round_edit", args=[round.pk])).content.decode()
    assert 'value="2030-01-15T10:00"' in edit


def test_a_summer_time_is_converted_with_daylight_saving(coach, coach_client, opportunity):
    coach.time_zone = "Europe/Paris"
    coach.save()
    coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]),
        _round_data(scheduled_at="2030-07-15T10:00"),
    )
    assert opportunity.rounds.get().scheduled_at == datetime.datetime(
        2030, 7, 15, 8, 0, tzinfo=datetime.UTC
    )


def test_a_coach_edits_a_round(coach_client, round):
    response = coach_client.post(
        reverse("coach:round_edit", args=[round.pk]),
        _round_data(
            scheduled_at="2026-01-15T10:00",  # took place: an outcome can be recorded
            outcome="advanced",
            outcome_notes="Moving on to the final.",
            location="HQ",
        ),
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.ADVANCED
    assert round.outcome_notes == "Moving on to the final."
    assert round.location == "HQ"
    assert round.sequence == 1


@pytest.mark.parametrize(
    "value",
    ["not a date", "2030-02-30T10:00", "0001-01-01T00:30", "99999-01-01T10:00", "1999-12-31T10:00"],
)
def test_a_bad_date_is_a_form_error_and_keeps_the_input(coach_client, opportunity, value):
    response = coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]),
        _round_data(scheduled_at=value, location="Kept Place"),
    )
    assert response.status_code == 200
    assert "scheduled_at" in response.context["form"].errors
    assert "Kept Place" in response.content.decode()
    assert not opportunity.rounds.exists()


def test_a_time_that_does_not_exist_in_the_zone_is_a_form_error(coach, coach_client, opportunity):
    coach.time_zone = "Europe/Paris"
    coach.save()
    # Clocks jump from 02:00 to 03:00 on 31 March 2030 in Paris.
    response = coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]),
        _round_data(scheduled_at="2030-03-31T02:30"),
    )
    assert response.status_code == 200
    assert "scheduled_at" in response.context["form"].errors
    assert not opportunity.rounds.exists()


def test_the_round_page_shows_its_assignments(coach_client, candidate, round):
    make_assignment(candidate, round=round, title="Initech second-round prep")
    make_assignment(candidate, title="Unrelated checklist")
    body = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    assert "Initech second-round prep" in body
    assert "Unrelated checklist" not in body
    assert "0 of 3 required done" in body
    assert f"?candidate={candidate.pk}&amp;round={round.pk}" in body


def _header_buttons(body: str) -> list[str]:
    """The buttons of the page's title row, in order, as their <a> tags."""
    header = body[body.index("<h1") : body.index("</div>", body.index("<h1"))]
    return re.findall(r'<a class="btn [^"]*"[^>]*>[^<]*</a>', header)


def test_a_round_with_a_live_checklist_leads_with_opening_it(coach_client, candidate, round):
    withdrawn = make_assignment(
        candidate, round=round, status=Assignment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    live = make_assignment(candidate, round=round, title="Initech second-round prep")
    body = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    buttons = _header_buttons(body)
    primary = [b for b in buttons if 'class="btn btn-primary"' in b]
    assert len(primary) == 1
    assert ">Open the checklist</a>" in primary[0]
    assert reverse("coach:assignment_detail", args=[live.pk]) in primary[0]
    assert reverse("coach:assignment_detail", args=[withdrawn.pk]) not in primary[0]
    [another] = [b for b in buttons if ">Assign another checklist</a>" in b]
    assert 'class="btn btn-outline-primary"' in another
    assert f"?candidate={candidate.pk}&amp;round={round.pk}" in another
    assert "Assign a checklist for this round" not in body
    assert buttons.index(another) < buttons.index(primary[0])


def test_a_round_with_only_a_withdrawn_checklist_leads_with_assigning(
    coach_client, candidate, round
):
    make_assignment(
        candidate, round=round, status=Assignment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    body = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    primary = [b for b in _header_buttons(body) if 'class="btn btn-primary"' in b]
    assert len(primary) == 1
    assert ">Assign a checklist for this round</a>" in primary[0]
    assert "Open the checklist" not in body
    assert "Assign another checklist" not in body


def test_the_round_page_says_what_to_do_without_assignments(coach_client, round):
    body = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    assert "No checklist for this round yet" in body
    assert "Next: Assign a prep checklist so Cam Candidate can prepare" in body
    assert "The debrief opens when the interview starts" in body
    assert "No thank-you notes yet" in body
    assert "Nobody listed yet" in body


def test_the_round_page_lists_the_interviewers_with_their_actions(coach_client, round):
    interviewer = InterviewerFactory(
        round=round,
        name="Dana Scully",
        job_title="Head of Analytics",
        role=Interviewer.Role.HIRING_MANAGER,
        email="dana@initech.example",
    )
    body = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    assert "Dana Scully" in body
    assert "Head of Analytics" in body
    assert "Hiring manager" in body
    assert "dana@initech.example" in body
    assert reverse("coach:interviewer_add", args=[round.pk]) in body
    assert reverse("coach:interviewer_edit", args=[interviewer.pk]) in body
    remove = reverse("coach:interviewer_remove", args=[interviewer.pk])
    form = body.split(f'action="{remove}"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in body.split(f'action="{remove}"', 1)[0][-80:]
    assert "data-confirm=" in form


def test_outcome_advanced_before_the_interview_is_a_form_error(coach_client, round):
    # The round is three days away.
    response = coach_client.post(
        reverse("coach:round_edit", args=[round.pk]),
        _round_data(
            scheduled_at=timezone.localtime(round.scheduled_at).strftime("%Y-%m-%dT%H:%M"),
            outcome="advanced",
        ),
    )
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert "once the interview has started" in response.content.decode()
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.PENDING


def test_an_outcome_without_a_date_is_a_form_error_on_create(coach_client, opportunity):
    response = coach_client.post(
        reverse("coach:round_create", args=[opportunity.pk]),
        _round_data(scheduled_at="", outcome="offer"),
    )
    assert response.status_code == 200
    assert "outcome" in response.context["form"].errors
    assert not opportunity.rounds.exists()


def test_the_opportunity_follows_an_offer_the_coach_records_after_the_interview(
    coach, coach_client, opportunity
):
    round = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=1,
        scheduled_at=datetime.datetime(2030, 1, 15, 10, 0, tzinfo=datetime.UTC),
    )
    with time_machine.travel(datetime.datetime(2030, 1, 15, 12, 0, tzinfo=datetime.UTC)):
        coach_client.force_login(coach)  # a session from today would have expired
        response = coach_client.post(
            reverse("coach:round_edit", args=[round.pk]),
            _round_data(scheduled_at="2030-01-15T10:00", outcome="offer"),
        )
    assert response.status_code == 302
    assert response.url == round.get_absolute_url()
    round.refresh_from_db()
    opportunity.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.OFFER
    assert opportunity.status == Opportunity.Status.OFFER
