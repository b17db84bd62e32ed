"""Reminders through a whole round, with the clock moved (time-machine).

The candidate lives in Berlin (UTC+1 in December), the coach in New York
(UTC-5): every "tomorrow", "today" and quiet hour is the recipient's own.
"""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from interviews.models import (
    Assignment,
    InterviewRound,
    Notification,
    NotificationDelivery,
    NotificationKind,
    NotificationPreference,
)
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import reminders
from interviews.services import rounds as rounds_services

from ..checklist_helpers import fill_all
from ..factories import (
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)

UTC = datetime.UTC
K = NotificationKind


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026, UTC."""
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def people(coach, candidate):
    coach.time_zone = "America/New_York"
    coach.save()
    candidate.user.time_zone = "Europe/Berlin"
    candidate.user.save()
    return coach, candidate


@pytest.fixture
def story(people):
    """Set on Monday 30 November: an interview on Friday 4 December at 14:00
    Berlin time (13:00 UTC) with two interviewers, and a checklist for it due
    that Friday."""
    _coach, candidate = people
    with time_machine.travel(at(1, 0) - datetime.timedelta(days=1, hours=15), tick=False):
        opportunity = OpportunityFactory(candidate=candidate, company="Fabrikam")
        round = InterviewRoundFactory(
            opportunity=opportunity,
            scheduled_at=at(4, 13),
            duration_minutes=45,
            location="Fabrikam HQ, 2nd floor",
        )
        InterviewerFactory(round=round, name="Pat Lee", email="pat@fabrikam.example")
        InterviewerFactory(round=round, name="Sam Roe", email="sam@fabrikam.example")
        assignment = make_assignment(
            candidate, round=round, title="Second-round prep", due_date=datetime.date(2026, 12, 4)
        )
    return round, assignment


def sweep(moment, capture):
    """One sweep at ``moment``; the reminders it emailed, as (to, kind). Two
    for one person share one email (test_reminders_interview.py counts them)."""
    with time_machine.travel(moment, tick=False), capture(execute=True):
        made = reminders.sweep(timezone.now())
    return sorted((n.user.email, n.kind) for n in made if n.emailed_at)


def hourly(start, end, capture, *, every=1):
    """Sweep every hour (or ``every`` hours) from ``start`` to ``end``; what
    went out, and when."""
    sent = []
    moment = start
    while moment <= end:
        sent += [(moment, to, kind) for to, kind in sweep(moment, capture)]
        moment += datetime.timedelta(hours=every)
    return sent


def test_a_whole_round_sends_each_reminder_once_at_the_right_hour(
    story, people, django_capture_on_commit_callbacks, mailoutbox
):
    _round, assignment = story
    coach, candidate = people
    cand = candidate.user.email
    first_half = hourly(at(1, 0), at(6, 10), django_capture_on_commit_callbacks)
    # Sunday 10:30 UTC: the candidate finishes and submits (late).
    with (
        time_machine.travel(at(6, 10, 30), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        fill_all(assignment)
        checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    second_half = hourly(at(6, 11), at(10, 23), django_capture_on_commit_callbacks)

    assert first_half + second_half == [
        # Wednesday 08:00 in Berlin: due in two days.
        (at(2, 7), cand, K.DUE_SOON),
        # Thursday 08:00 in Berlin (not 00:00: quiet hours): interview tomorrow.
        (at(3, 7), cand, K.INTERVIEW_TOMORROW),
        # Thursday 08:00 in New York: the interview is tomorrow there too, prep at 0 %.
        (at(3, 13), coach.email, K.PREP_NOT_READY),
        # Friday 08:00 in Berlin: the checklist is due on the interview's day, so
        # not "due today" but the one interview-today message, with what is left.
        (at(4, 7), cand, K.INTERVIEW_TODAY),
        # Saturday: no "overdue" after the interview; 09:00 UTC = 20 h after the start.
        (at(5, 9), cand, K.THANK_YOU_WAITING),
        # Three days after the start, no debrief and no outcome.
        (at(7, 13), cand, K.FOLLOW_UP_WAITING),
        # Submitted Sunday 10:30 UTC; 48 h later it is 05:30 in New York, so 08:00 there.
        (at(8, 13), coach.email, K.REVIEW_WAITING),
    ]
    for moment, to, _kind in first_half + second_half:
        user = coach if to == coach.email else candidate.user
        local = moment.astimezone(zoneinfo.ZoneInfo(user.time_zone))
        assert 8 <= local.hour < 21
    # Every reminder is in the app too, once.
    assert sorted(
        Notification.objects.filter(user=candidate.user).values_list("kind", flat=True)
    ) == sorted(
        [
            K.DUE_SOON,
            K.INTERVIEW_TOMORROW,
            K.INTERVIEW_TODAY,
            K.THANK_YOU_WAITING,
            K.FOLLOW_UP_WAITING,
        ]
    )


def test_reminder_emails_say_what_is_left_and_where_to_go(
    story, people, django_capture_on_commit_callbacks, mailoutbox
):
    round, assignment = story
    coach, candidate = people
    sweep(at(2, 9), django_capture_on_commit_callbacks)
    (due_soon,) = mailoutbox
    assert due_soon.to == [candidate.user.email]
    assert due_soon.subject == "Due Friday 4 December: Second-round prep"
    assert "0 of 3 required items are done (0 %)" in due_soon.body
    for item in assignment.items.all():
        assert f"- {item.prompt}" in due_soon.body
    assert f"http://testserver/me/checklists/{assignment.pk}/" in due_soon.body
    assert due_soon.extra_headers["List-Unsubscribe"].startswith(
        "<http://testserver/notifications/unsubscribe/"
    )

    mailoutbox.clear()
    sweep(at(3, 9), django_capture_on_commit_callbacks)
    (tomorrow,) = mailoutbox
    # In Berlin time, the candidate's: 14:00 to 14:45.
    assert "Friday 4 December, 14:00 to 14:45" in tomorrow.body
    assert "Fabrikam HQ, 2nd floor" in tomorrow.body
    assert "Pat Lee (Hiring manager), Sam Roe (Hiring manager)" in tomorrow.body
    assert "0 of 3 required items done (0 %)" in tomorrow.body
    assert f"http://testserver/me/rounds/{round.pk}/brief/" in tomorrow.body

    mailoutbox.clear()
    sweep(at(3, 14), django_capture_on_commit_callbacks)
    (prep,) = mailoutbox
    assert prep.to == [coach.email]
    assert prep.subject == f"Interview tomorrow, prep at 0 %: {candidate.full_name}"
    # The coach reads the time in New York's zone: 08:00.
    assert "Fri 4 Dec, 08:00 EST" in prep.body

    mailoutbox.clear()
    with time_machine.travel(at(5, 8), tick=False):
        rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
        pat_note = round.thank_you_notes.get(interviewer__name="Pat Lee")
        rounds_services.thank_you_note_mark_sent(note=pat_note, by=candidate.user)
    sweep(at(5, 10), django_capture_on_commit_callbacks)
    thanks = [m for m in mailoutbox if m.subject.startswith("Thank-you notes")]
    assert len(thanks) == 1
    assert "- Sam Roe" in thanks[0].body
    assert "Pat Lee" not in thanks[0].body


def test_nothing_goes_out_in_quiet_hours_it_waits_for_eight(
    story, people, django_capture_on_commit_callbacks
):
    # 06:59 UTC is 07:59 in Berlin: the due-soon reminder waits.
    assert sweep(at(2, 6, 59), django_capture_on_commit_callbacks) == []
    assert sweep(at(2, 7, 0), django_capture_on_commit_callbacks) == [
        ("cand@example.com", K.DUE_SOON)
    ]
    # Thursday 20:00 UTC is 21:00 in Berlin: the interview-tomorrow reminder
    # is due, but it is night there; nothing is made.
    # (15:00 in New York: the coach's prep reminder does go.)
    assert sweep(at(3, 20), django_capture_on_commit_callbacks) == [
        ("coach@example.com", K.PREP_NOT_READY)
    ]
    assert sweep(at(3, 23), django_capture_on_commit_callbacks) == []
    assert not Notification.objects.filter(kind=K.INTERVIEW_TOMORROW).exists()


def test_moving_the_interview_rearms_its_reminders(
    story, people, django_capture_on_commit_callbacks
):
    round, _assignment = story
    coach, _candidate = people
    assert sweep(at(3, 9), django_capture_on_commit_callbacks) == [
        ("cand@example.com", K.DUE_SOON),
        ("cand@example.com", K.INTERVIEW_TOMORROW),
    ]
    with time_machine.travel(at(3, 10), tick=False):
        rounds_services.round_update(
            round=round,
            by=coach,
            kind=round.kind,
            scheduled_at=at(8, 13),
            duration_minutes=45,
            location=round.location,
            outcome=round.outcome,
            outcome_notes="",
        )
    # Still Thursday: nothing; Monday 7th (the day before the new date): again.
    assert sweep(at(3, 15), django_capture_on_commit_callbacks) == []
    sent = sweep(at(7, 9), django_capture_on_commit_callbacks)
    assert ("cand@example.com", K.INTERVIEW_TOMORROW) in sent
    occasions = Notification.objects.filter(kind=K.INTERVIEW_TOMORROW).values_list(
        "occasion", flat=True
    )
    assert sorted(occasions) == [at(4, 13).isoformat(), at(8, 13).isoformat()]


def test_moving_the_due_date_rearms_and_withdrawing_stops(
    story, people, django_capture_on_commit_callbacks
):
    _round, assignment = story
    coach, _candidate = people
    assert sweep(at(2, 9), django_capture_on_commit_callbacks) == [("cand@example.com", K.DUE_SOON)]
    assert sweep(at(2, 10), django_capture_on_commit_callbacks) == []
    # Due a day earlier (Thursday, the day before the interview): due soon again.
    Assignment.objects.filter(pk=assignment.pk).update(due_date=datetime.date(2026, 12, 3))
    assert sweep(at(2, 11), django_capture_on_commit_callbacks) == [
        ("cand@example.com", K.DUE_SOON)
    ]
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    for day in (3, 4, 5, 6):
        assert [
            s
            for s in sweep(at(day, 9), django_capture_on_commit_callbacks)
            if s[1] in (K.DUE_SOON, K.DUE_TODAY, K.OVERDUE)
        ] == []
    assert not Notification.objects.filter(kind__in=[K.DUE_TODAY, K.OVERDUE]).exists()


@pytest.mark.parametrize(
    "stop", ["approved", "archived", "round_withdrawn", "opportunity_withdrawn"]
)
def test_approved_archived_or_cancelled_gets_no_reminder(
    story, people, django_capture_on_commit_callbacks, stop
):
    round, assignment = story
    coach, candidate = people
    if stop == "approved":
        Assignment.objects.filter(pk=assignment.pk).update(status=Assignment.Status.APPROVED)
    elif stop == "archived":
        caseload_services.candidate_archive(candidate=candidate, by=coach)
    elif stop == "round_withdrawn":
        InterviewRound.objects.filter(pk=round.pk).update(outcome=InterviewRound.Outcome.WITHDRAWN)
    else:
        round.opportunity.status = round.opportunity.Status.WITHDRAWN
        round.opportunity.save()
    sent = hourly(at(1, 0), at(9, 0), django_capture_on_commit_callbacks, every=3)
    kinds = {kind for _moment, _to, kind in sent}
    if stop == "approved":
        # The checklist is done; the interview's own reminders still come.
        assert kinds.isdisjoint({K.DUE_SOON, K.DUE_TODAY, K.OVERDUE})
        assert K.INTERVIEW_TOMORROW in kinds
    else:
        assert kinds == set()


def test_a_joined_candidate_without_debrief_gets_the_follow_up_only_once_per_round(
    story, people, django_capture_on_commit_callbacks
):
    round, _ = story
    _coach, _candidate = people
    # Debrief written; outcome still pending: the follow-up still comes (for the outcome).
    InterviewRound.objects.filter(pk=round.pk).update(debriefed_at=at(4, 16))
    assert ("cand@example.com", K.FOLLOW_UP_WAITING) in sweep(
        at(7, 14), django_capture_on_commit_callbacks
    )
    assert sweep(at(8, 14), django_capture_on_commit_callbacks) == []


def test_one_notice_per_occasion_is_enforced_by_the_database(coach):
    Notification.objects.create(
        user=coach, kind=K.REVIEW_WAITING, object_key="assignment:1", occasion="x", subject="s"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            user=coach, kind=K.REVIEW_WAITING, object_key="assignment:1", occasion="x", subject="t"
        )


def test_a_coach_on_the_digest_gets_one_morning_email_instead(
    story, people, django_capture_on_commit_callbacks, mailoutbox
):
    _round, _assignment = story
    coach, candidate = people
    for kind in (K.PREP_NOT_READY, K.REVIEW_WAITING, K.ASSIGNMENT_SUBMITTED):
        NotificationPreference.objects.create(
            user=coach, kind=kind, delivery=NotificationDelivery.DIGEST
        )
    sent = hourly(at(3, 0), at(4, 23), django_capture_on_commit_callbacks)
    coach_sent = [(m, kind) for m, to, kind in sent if to == coach.email]
    # 08:00 in New York, and no separate prep email. On Friday at 08:00 in New
    # York the interview is starting and nothing else waits: no digest then.
    assert coach_sent == [(at(3, 13), K.DIGEST)]
    # The prep reminder is still in the app.
    assert Notification.objects.filter(user=coach, kind=K.PREP_NOT_READY).exists()
    digest = next(m for m in mailoutbox if m.to == [coach.email])
    assert digest.subject == "Your day, Thursday 3 December: 0 to review, 1 interview soon"
    assert f"{candidate.full_name}: Second-round interview at Fabrikam" in digest.body
    assert "prep 0 %" in digest.body


def test_send_reminders_command_lists_and_dry_runs(story, people):
    out = io.StringIO()
    call_command("send_reminders", "--at", "2026-12-03T09:00:00+00:00", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("cand@example.com\tdue_soon\tchecklist #")
    assert lines[1].startswith("cand@example.com\tinterview_tomorrow\tround #")
    assert lines[-1] == "2 due at 2026-12-03T09:00:00+00:00 (dry run: none made)."
    assert not Notification.objects.exists()

    out = io.StringIO()
    call_command("send_reminders", "--at", "2026-12-03T09:00:00+00:00", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("2 reminder(s) made")
    assert Notification.objects.count() == 2
    out = io.StringIO()
    call_command("send_reminders", "--at", "2026-12-03T09:30:00+00:00", stdout=out)
    assert out.getvalue().splitlines() == [
        "0 reminder(s) made at 2026-12-03T09:30:00+00:00; emails queued."
    ]


def test_send_reminders_refuses_a_malformed_time(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--at must be an ISO date and time"):
        call_command("send_reminders", "--at", "next tuesday")


def test_a_reminder_says_when_the_coach_asked_for_changes(
    story, people, django_capture_on_commit_callbacks, mailoutbox
):
    _round, assignment = story
    sweep(at(2, 9), django_capture_on_commit_callbacks)
    (assigned,) = mailoutbox
    assert "Your coach asked for changes" not in assigned.body

    Assignment.objects.filter(pk=assignment.pk).update(
        status=Assignment.Status.CHANGES_REQUESTED, due_date=datetime.date(2026, 12, 3)
    )
    mailoutbox.clear()
    # Thursday: due today, and the interview is tomorrow (one email for both).
    sweep(at(3, 9), django_capture_on_commit_callbacks)
    due_today = next(m for m in mailoutbox if m.subject.startswith("Due today"))
    assert "Your coach asked for changes: the items that need work are marked" in due_today.body


def test_a_checklist_without_a_round_is_reminded_too(people, django_capture_on_commit_callbacks):
    _coach, candidate = people
    with time_machine.travel(at(1, 9), tick=False):
        make_assignment(candidate, title="General prep", due_date=datetime.date(2026, 12, 3))
    assert sweep(at(1, 9), django_capture_on_commit_callbacks) == [("cand@example.com", K.DUE_SOON)]


def test_a_round_rejected_earlier_cancels_the_next_one(story, django_capture_on_commit_callbacks):
    round, _assignment = story
    round.opportunity.status = round.opportunity.Status.REJECTED
    round.opportunity.save()
    assert sweep(at(3, 9), django_capture_on_commit_callbacks) == []
