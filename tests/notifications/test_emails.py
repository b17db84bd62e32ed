"""Emails people trust (issue 20, section 5): emails to a candidate carry
their coach's address as Reply-To; the first email to a new candidate says
who invites them and why; the coach's "submitted" email gives the interview
and readiness; "changes requested" lists the flagged items.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone

from interviews.models import (
    AssignmentItem,
    OutgoingEmail,
    Review,
)
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import practices as practices_services
from interviews.services import reminders

from ..checklist_helpers import item, submitted
from ..factories import (
    CandidateFactory,
    CoachFactory,
    InterviewRoundFactory,
    MembershipFactory,
    OpportunityFactory,
    PracticeFactory,
    make_assignment,
)

# ---------------------------------------------------------------- Reply-To: the coach


def test_emails_to_a_candidate_carry_the_coachs_address_as_reply_to(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate),
        scheduled_at=timezone.now() + datetime.timedelta(days=1, hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = CandidateFactory(coach=coach, email="nia@example.com")
        caseload_services.invitation_create(candidate=newcomer, by=coach)
        assignment = make_assignment(candidate, round=round, due_date=timezone.localdate())
        checklists_services.assignment_update(
            assignment=assignment, by=coach, due_date=None, instructions="Go"
        )
        checklists_services.assignment_remind(assignment=assignment, by=coach)
        submitted(assignment)
        checklists_services.assignment_review(
            assignment=assignment, by=coach, verdict=Review.Verdict.APPROVED
        )
    to_candidates = [m for m in mailoutbox if m.to != [coach.email]]
    assert [m.reply_to for m in to_candidates] == [[coach.email]] * 4
    # The coach's own emails ("submitted") keep the sender's address.
    assert [m.reply_to for m in mailoutbox if m.to == [coach.email]] == [[]]
    stored = OutgoingEmail.objects.filter(to__in=["nia@example.com", candidate.user.email])
    assert set(stored.values_list("reply_to", flat=True)) == {coach.email}


def test_a_reassigned_candidate_replies_to_their_new_coach(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(name="Northstar")
    MembershipFactory(practice=practice, user=coach)
    lead = MembershipFactory(practice=practice, role="lead", user=CoachFactory()).user
    colleague = MembershipFactory(practice=practice, user=CoachFactory()).user
    with django_capture_on_commit_callbacks(execute=True):
        practices_services.candidate_reassign(candidate=candidate, by=lead, to=colleague)
    (to_candidate,) = [m for m in mailoutbox if m.to == [candidate.user.email]]
    assert to_candidate.reply_to == [colleague.email]
    assert f"To write to {colleague}, reply to this email." in to_candidate.body
    assert all(m.reply_to == [] for m in mailoutbox if m is not to_candidate)


def test_reminders_about_a_checklist_reply_to_the_coach(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    make_assignment(candidate, due_date=timezone.localdate())
    with (
        time_machine.travel(timezone.now().replace(hour=12), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reminders.sweep(timezone.now())
    (due_today,) = mailoutbox
    assert due_today.subject.startswith("Due today")
    assert due_today.reply_to == [coach.email]


# ---------------------------------------------------------------- the first email: who and why


@pytest.mark.parametrize(
    ("setup", "why"),
    [
        ("round", "prepare for your final interview at Contoso"),
        ("opportunity", "prepare for your interviews at Contoso"),
        ("nothing", "prepare for your job interviews"),
    ],
)
def test_the_invitation_leads_with_who_invites_and_why(
    setup, why, coach, mailoutbox, django_capture_on_commit_callbacks
):
    coach.full_name = "Riley Morgan"
    coach.save()
    newcomer = CandidateFactory(coach=coach, full_name="Nia Newcomer", email="nia@example.com")
    if setup != "nothing":
        opportunity = OpportunityFactory(candidate=newcomer, company="Contoso")
    if setup == "round":
        InterviewRoundFactory(
            opportunity=opportunity,
            kind="final",
            scheduled_at=timezone.now() + datetime.timedelta(days=5),
        )
        # A past round and a cancelled one are not why.
        InterviewRoundFactory(
            opportunity=OpportunityFactory(candidate=newcomer, company="Fabrikam"),
            scheduled_at=timezone.now() - datetime.timedelta(days=5),
        )
    with django_capture_on_commit_callbacks(execute=True):
        caseload_services.invitation_create(candidate=newcomer, by=coach)
    (message,) = mailoutbox
    assert message.subject == f"Riley Morgan invited you to {why}"
    paragraphs = message.body.split("\n\n")
    assert paragraphs[:2] == ["Hello Nia Newcomer,", f"Riley Morgan invited you to {why}."]
    # Then the link.
    assert paragraphs[3].startswith("http://testserver/invite/")
    assert message.reply_to == [coach.email]


def test_the_checklist_with_an_invitation_names_the_checklists_round(
    coach, mailoutbox, django_capture_on_commit_callbacks, own_template
):
    coach.full_name = "Riley Morgan"
    coach.save()
    newcomer = CandidateFactory(coach=coach, full_name="Nia Newcomer", email="nia@example.com")
    later = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=newcomer, company="Contoso"),
        scheduled_at=timezone.now() + datetime.timedelta(days=9),
    )
    InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=newcomer, company="Fabrikam"),
        scheduled_at=timezone.now() + datetime.timedelta(days=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        checklists_services.assignment_create(
            coach=coach,
            candidate=newcomer,
            template=own_template,
            round=later,
            send_invitation=True,
        )
    (message,) = mailoutbox
    assert message.subject == (
        "Riley Morgan invited you to prepare for your second-round interview at Contoso"
    )
    assert message.body.split("\n\n")[1] == (
        "Riley Morgan invited you to prepare for your second-round interview at Contoso, "
        "with a checklist to work through: My second round."
    )


# ---------------------------------------------------------------- what the coach and candidate read


def test_the_submitted_email_gives_the_interview_and_readiness(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    coach.time_zone = "Europe/Berlin"
    coach.save()
    now = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(now, tick=False):
        round = InterviewRoundFactory(
            opportunity=OpportunityFactory(candidate=candidate, company="Contoso"),
            scheduled_at=datetime.datetime(2026, 12, 3, 9, 0, tzinfo=datetime.UTC),
        )
        make_assignment(candidate, round=round, title="Paperwork", kinds=("check", "check"))
        prep = make_assignment(candidate, round=round, title="Questions")
        with django_capture_on_commit_callbacks(execute=True):
            submitted(prep)
    (message,) = mailoutbox
    assert message.to == [coach.email]
    assert message.body.split("\n\n")[1] == (
        "Interview: Second-round interview at Contoso, Thu 3 Dec 10:00 (in 2 days).\n"
        "Readiness for it: 3 of 5 required items done (60 %) across 2 checklists."
    )


def test_changes_requested_lists_the_flagged_items_with_the_coachs_first_words(
    coach, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    assignment = submitted(make_assignment(candidate, title="Prep"))
    first, second, third = (item(assignment, n) for n in (1, 2, 3))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        checklists_services.comment_add(item=third, by=coach, body="An old remark")
        checklists_services.assignment_review(
            assignment=assignment,
            by=coach,
            verdict=Review.Verdict.CHANGES_REQUESTED,
            marks={
                first.pk: AssignmentItem.Mark.NEEDS_WORK,
                second.pk: AssignmentItem.Mark.OK,
                third.pk: AssignmentItem.Mark.NEEDS_WORK,
            },
            comments={
                first.pk: "Name the project, the team size and the result you measured, "
                "in one sentence each, before anything else.",
            },
        )
    (message,) = mailoutbox
    assert message.subject == "Changes requested: Prep"
    assert message.reply_to == [coach.email]
    assert (
        "asked for some changes. These items need work:\n"
        f'- 1. {first.prompt}: "Name the project, the team size and the result you '
        'measured, in…"\n'
        f'- 3. {third.prompt}: "An old remark"\n' in message.body
    )
    assert second.prompt not in message.body
