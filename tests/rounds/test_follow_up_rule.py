"""The one rule for what a past interview still waits for
(selectors.rounds: thanks_waiting, is_followed / followed_q, FollowUp), and the
pages and emails that read it: the coach's dashboard, the lead's overview and
the coach's morning digest give the same answer about the same rounds."""

import datetime

import pytest

from interviews.models import InterviewRound, Opportunity
from interviews.selectors import home as home_selectors
from interviews.selectors import overview as overview_selectors
from interviews.selectors import rounds as rounds_selectors
from interviews.services import reminders

from ..factories import (
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
)

NOW = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
WINDOW = InterviewRound.AFTER_INTERVIEW_WINDOW


def _round(candidate, start, company="Fabrikam", **kwargs):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company=company),
        scheduled_at=start,
        **kwargs,
    )


def _loaded(round):
    return rounds_selectors.with_follow_up_parts(InterviewRound.objects.filter(pk=round.pk)).get()


def test_who_waits_for_thanks_unsent_notes_then_interviewers_with_an_email_and_no_note(
    candidate,
):
    round = _round(candidate, NOW - DAY)
    tom = InterviewerFactory(round=round, name="Tom Becker")
    ann = InterviewerFactory(round=round, name="Ann Lee")
    InterviewerFactory(round=round, name="Pat Example")
    InterviewerFactory(round=round, name="Sam Noemail", email="")
    ThankYouNoteFactory(round=round, interviewer=ann)
    ThankYouNoteFactory(round=round, interviewer=tom, sent_at=NOW)
    ThankYouNoteFactory(round=round, to_name="Jo Park")
    ThankYouNoteFactory(round=round, to_name="Sent Already", sent_at=NOW)
    assert rounds_selectors.waiting_for_thanks(_loaded(round)) == [
        "Ann Lee",
        "Jo Park",
        "Pat Example",
    ]


def test_the_reminders_name_the_same_people(candidate):
    round = _round(candidate, NOW - DAY)
    InterviewerFactory(round=round, name="Pat Example")
    ThankYouNoteFactory(round=round, to_name="Jo Park")
    [live] = [r for r in reminders._live_rounds(NOW) if r.pk == round.pk]
    assert reminders.waiting_for_thanks(live) == ["Jo Park", "Pat Example"]


@pytest.mark.parametrize(
    ("start", "followed"),
    [
        (NOW - WINDOW - datetime.timedelta(minutes=1), False),
        (NOW - WINDOW, True),
        (NOW - DAY, True),
        (NOW, True),
        (NOW + datetime.timedelta(minutes=1), False),
        (None, False),
    ],
)
def test_a_round_is_followed_from_its_start_through_the_window(candidate, start, followed):
    round = _round(candidate, start)
    assert rounds_selectors.is_followed(_loaded(round), NOW) is followed
    in_sql = InterviewRound.objects.filter(rounds_selectors.followed_q(NOW), pk=round.pk).exists()
    assert in_sql is followed


@pytest.mark.parametrize(
    "cancel",
    ["withdrawn", "opportunity_rejected", "opportunity_withdrawn", "archived"],
)
def test_cancelled_rounds_and_archived_candidates_are_not_followed(coach, cancel):
    candidate = CandidateFactory(coach=coach, archived=cancel == "archived")
    round = _round(candidate, NOW - DAY)
    if cancel == "withdrawn":
        round.outcome = InterviewRound.Outcome.WITHDRAWN
        round.save()
    elif cancel.startswith("opportunity_"):
        status = cancel.removeprefix("opportunity_")
        Opportunity.objects.filter(pk=round.opportunity_id).update(status=status)
    assert rounds_selectors.is_followed(_loaded(round), NOW) is False
    assert not InterviewRound.objects.filter(rounds_selectors.followed_q(NOW), pk=round.pk).exists()


def test_a_rejection_that_closed_the_opportunity_keeps_its_round_followed(candidate):
    round = _round(candidate, NOW - DAY, outcome=InterviewRound.Outcome.REJECTED)
    Opportunity.objects.filter(pk=round.opportunity_id).update(status="rejected")
    assert rounds_selectors.is_followed(_loaded(round), NOW) is True


@pytest.mark.parametrize(
    ("after_start", "due", "overdue"),
    [
        (23 * HOUR, "due in 1 h", False),
        (24 * HOUR - datetime.timedelta(minutes=1), "due in 1 min", False),
        (24 * HOUR, "overdue by 1 min", True),
        (27 * HOUR, "overdue by 3 h", True),
        (24 * HOUR + 2 * DAY, "overdue by 2 days", True),
    ],
)
def test_notes_are_due_a_day_after_the_start(candidate, after_start, due, overdue):
    round = _round(candidate, NOW - after_start)
    InterviewerFactory(round=round)
    follow_up = rounds_selectors.follow_up(_loaded(round), now=NOW)
    assert (follow_up.notes_due, follow_up.notes_overdue) == (due, overdue)


def test_nobody_to_thank_is_never_overdue(candidate):
    round = _round(candidate, NOW - 3 * DAY)
    ThankYouNoteFactory(round=round, sent_at=NOW - 2 * DAY)
    follow_up = rounds_selectors.follow_up(_loaded(round), now=NOW)
    assert (follow_up.waiting, follow_up.notes_due, follow_up.notes_overdue) == ([], "", False)
    assert [step.anchor for step in follow_up.steps] == ["debrief", "outcome"]


def test_each_part_is_left_until_done_and_the_round_is_done_with_all_three(candidate):
    round = _round(candidate, NOW - 2 * DAY)
    InterviewerFactory(round=round, name="Pat Example")
    follow_up = rounds_selectors.follow_up(_loaded(round), now=NOW)
    assert [step.anchor for step in follow_up.steps] == ["notes", "debrief", "outcome"]
    assert follow_up.steps[0].label == "Send your thank-you notes to Pat Example"
    assert not follow_up.is_done
    round.outcome = InterviewRound.Outcome.ADVANCED
    round.debriefed_at = NOW
    round.save()
    follow_up = rounds_selectors.follow_up(_loaded(round), now=NOW)
    assert [step.anchor for step in follow_up.steps] == ["notes"]
    ThankYouNoteFactory(round=round, interviewer=round.interviewers.get(), sent_at=NOW)
    assert rounds_selectors.follow_up(_loaded(round), now=NOW).is_done


def test_the_dashboard_the_overview_and_the_digest_agree(time_machine, practice, coach, lead):
    """One world, read three ways at NOW: the rounds whose notes are overdue, and
    who waits for them."""
    time_machine.move_to(NOW, tick=False)
    mine = CandidateFactory(coach=coach)
    overdue = _round(mine, NOW - 2 * DAY, company="Overdue")
    ThankYouNoteFactory(round=overdue, to_name="Ann Lee")
    InterviewerFactory(round=overdue, name="Pat Example")
    sent_late = _round(mine, NOW - 3 * DAY, company="Sent", outcome="advanced")
    ThankYouNoteFactory(round=sent_late, to_name="Jo Park", sent_at=NOW - DAY)
    InterviewerFactory(round=_round(mine, NOW - 10 * HOUR, company="On time"))
    InterviewerFactory(round=_round(mine, NOW - WINDOW - HOUR, company="Too old"))
    InterviewerFactory(round=_round(mine, NOW - 2 * DAY, company="Cancelled", outcome="withdrawn"))
    outcome_first = _round(mine, NOW - 5 * DAY, company="Outcome first", outcome="rejected")
    InterviewerFactory(round=outcome_first, name="Dana Scully")
    leads = CandidateFactory(coach=lead)
    InterviewerFactory(round=_round(leads, NOW - 2 * DAY, company="The lead's"), name="Lou")

    dashboard = {
        f.round.pk: f.waiting
        for f in home_selectors.after_interviews(coach, now=NOW)
        if f.notes_overdue
    }
    digest = reminders.digest_for(coach, NOW, list(reminders._live_rounds(NOW)))
    overview = {
        row.coach.pk: row.thanks_overdue
        for row in overview_selectors.practice_caseloads(practice, now=NOW)
    }

    assert dashboard == {
        outcome_first.pk: ["Dana Scully"],
        overdue.pk: ["Ann Lee", "Pat Example"],
    }
    assert {r.pk: waiting for r, waiting in digest.thanks_overdue} == dashboard
    assert overview[coach.pk] == 3 == sum(len(waiting) for waiting in dashboard.values())
    assert overview[lead.pk] == 1
