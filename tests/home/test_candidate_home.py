"""The candidate's home: checklists across coaches, upcoming rounds, approvals.
After an interview: test_candidate_follow_up.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment
from interviews.services import checklists as checklists_services
from interviews.views.home import PAST_LIMIT

from ..checklist_helpers import item, submitted
from ..factories import (
    CandidateFactory,
    CoachFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
)

HOME = "/me/"
S = Assignment.Status


def test_empty_states_explain_what_will_appear(candidate_client):
    response = candidate_client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert "When your coach assigns you a prep checklist" in html
    assert "No interviews scheduled" in html
    assert "Checklists your coach approves are listed here" in html


def test_checklists_from_every_coach_are_listed_due_soonest_first(candidate, candidate_client):
    second_coach = CoachFactory(full_name="Second Coach")
    second_record = CandidateFactory(coach=second_coach, email=candidate.email, user=candidate.user)
    make_assignment(candidate, title="Due later", due_date=datetime.date(2031, 3, 1))
    make_assignment(second_record, title="Due first", due_date=datetime.date(2031, 1, 1))
    make_assignment(candidate, title="No date")
    html = candidate_client.get(HOME).content.decode()
    assert html.index("Due first") < html.index("Due later") < html.index("No date")
    assert "Second Coach" in html


def test_status_is_shown_in_words_and_feedback_waiting_is_highlighted(
    candidate, coach, candidate_client
):
    assignment = make_assignment(candidate, title="Needs another pass")
    submitted(assignment)
    checklists_services.assignment_review(
        assignment=assignment, by=coach, verdict="changes_requested", note="Redo"
    )
    make_assignment(candidate, title="Fresh one")
    html = candidate_client.get(HOME).content.decode()
    assert "Feedback waiting" in html
    assert "feedback-waiting" in html
    assert "Changes requested" in html
    assert "Not started" in html


def test_overdue_checklists_say_so(candidate, candidate_client):
    make_assignment(candidate, title="Late", due_date=timezone.localdate() - datetime.timedelta(1))
    assert "Overdue" in candidate_client.get(HOME).content.decode()


def test_approved_checklists_move_to_recently_approved(candidate, coach, candidate_client):
    assignment = make_assignment(candidate, title="All good")
    submitted(assignment)
    checklists_services.assignment_review(assignment=assignment, by=coach, verdict="approved")
    html = candidate_client.get(HOME).content.decode()
    recent = html.index("Recently approved")
    assert html.index("All good") > recent
    assert "Nothing to do right now" in html


def test_withdrawn_checklists_are_not_listed(candidate, coach, candidate_client):
    assignment = make_assignment(candidate, title="Withdrawn one")
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    assert "Withdrawn one" not in candidate_client.get(HOME).content.decode()


def test_other_candidates_data_and_private_notes_never_show(
    candidate, other_candidate, candidate_client
):
    candidate.notes = "PRIVATE-NOTE-ABOUT-CAM"
    candidate.save()
    make_assignment(other_candidate, title="Someone else's checklist")
    InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=other_candidate, company="Secret Corp")
    )
    html = candidate_client.get(HOME).content.decode()
    assert "PRIVATE-NOTE-ABOUT-CAM" not in html
    assert "Someone else&#x27;s checklist" not in html
    assert "Secret Corp" not in html


def test_upcoming_rounds_show_readiness_and_link_to_the_round(candidate, candidate_client):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind")
    )
    assignment = make_assignment(candidate, round=round)
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (1, {"response_text": "Done this one"})},
    )
    html = candidate_client.get(HOME).content.decode()
    assert "Northwind" in html
    assert reverse("me:round", args=[round.pk]) in html
    assert "1 of 3 required done" in html


def test_readiness_of_a_round_ignores_withdrawn_checklists(candidate, coach, candidate_client):
    round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
    make_assignment(candidate, round=round)
    withdrawn = make_assignment(candidate, round=round)
    checklists_services.assignment_withdraw(assignment=withdrawn, by=coach)
    html = candidate_client.get(HOME).content.decode()
    assert "0 of 3 required done" in html


@pytest.mark.parametrize("size", [1, 30])
def test_home_runs_a_fixed_number_of_queries(
    candidate, coach, candidate_client, django_assert_max_num_queries, size
):
    for n in range(size):
        round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
        make_assignment(candidate, round=round, title=f"Checklist {n}")
        past = InterviewRoundFactory(
            opportunity=OpportunityFactory(candidate=candidate),
            scheduled_at=timezone.now() - datetime.timedelta(days=1),
        )
        InterviewerFactory(round=past)
        ThankYouNoteFactory(round=past, interviewer=InterviewerFactory(round=past))
        approved = make_assignment(candidate, title=f"Approved {n}")
        submitted(approved)
        checklists_services.assignment_review(assignment=approved, by=coach, verdict="approved")
    # Session, user, open checklists (count and page) with their readiness,
    # recent approvals, the coming and followed rounds, the coming ones'
    # readiness (one query over their checklists, not three subqueries per
    # round: issue 25), the followed ones' interviewers and notes as plain
    # values (two), the past rounds: ten here at both sizes.
    with django_assert_max_num_queries(10):
        response = candidate_client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Checklist ") >= min(size, 25)
    assert html.count('class="list-group-item follow-up"') == size
    assert html.count("Send your thank-you notes to") == size
    past = html.split('id="past-heading"', 1)[1].split("</section>", 1)[0]
    assert past.count("Second-round interview") == min(size, PAST_LIMIT)
