"""The coach's dashboard world, shared by its content and prepared-read tests."""

import datetime

import pytest

from interviews.services import caseload as caseload_services

from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
)

NOW = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def _round(candidate, company, start, **kwargs):
    opportunity = OpportunityFactory(candidate=candidate, company=company, position="Analyst")
    return InterviewRoundFactory(opportunity=opportunity, scheduled_at=start, **kwargs)


def _complete(assignment, count):
    for item in assignment.items.order_by("position")[:count]:
        item.response_text = "Done"
        item.done = True
        item.email_body = "Thanks"
        item.save()


@pytest.fixture
def world(time_machine, coach, candidate):
    """At NOW, one row in each card of Casey's dashboard."""
    time_machine.move_to(NOW, tick=False)
    submitted = make_assignment(
        candidate,
        round=_round(candidate, "Fabrikam", NOW + 10 * DAY),
        title="Panel prep",
        status="submitted",
        submitted_at=NOW - 2 * HOUR,
    )
    past = _round(candidate, "Contoso", NOW - 2 * DAY, kind="second")
    note = ThankYouNoteFactory(
        round=past,
        interviewer=InterviewerFactory(round=past, name="Ann Lee"),
        check_requested_at=NOW - 30 * datetime.timedelta(minutes=1),
    )
    at_risk = _round(candidate, "Northwind", NOW + 30 * HOUR, kind="second")
    _complete(make_assignment(candidate, round=at_risk, status="in_progress"), 1)
    bare = _round(candidate, "Tailspin", NOW + 3 * DAY, kind="final")
    late = make_assignment(candidate, title="Late one", due_date=NOW.date() - 2 * DAY)
    ivy = CandidateFactory(coach=coach, full_name="Ivy Invited")
    caseload_services.invitation_create(candidate=ivy, by=coach)
    return {
        "submitted": submitted,
        "past": past,
        "note": note,
        "at_risk": at_risk,
        "bare": bare,
        "late": late,
        "ivy": ivy,
    }
