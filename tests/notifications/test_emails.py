"""Emails people trust (issue 20, section 5): every email goes out as text
with the same words as HTML beside it; emails to a candidate carry their
coach's address as Reply-To; the first email to a new candidate says who
invites them and why; the coach's "submitted" email gives the interview
and readiness; "changes requested" lists the flagged items.
"""

import datetime
import re
import zoneinfo
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interviews.lib import mail as mail_lib
from interviews.lib.readiness import Readiness
from interviews.models import (
    AssignmentItem,
    Candidate,
    NotificationKind,
    OutgoingEmail,
    Review,
)
from interviews.selectors import rounds as rounds_selectors
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services
from interviews.services import reminders

from ..checklist_helpers import item, submitted
from ..factories import (
    CandidateFactory,
    CoachFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    MembershipFactory,
    OpportunityFactory,
    PracticeFactory,
    ThankYouNoteFactory,
    make_assignment,
)

K = NotificationKind
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


# ---------------------------------------------------------------- the two parts


class _BodyText(HTMLParser):
    """The text a reader sees in an HTML email's body."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        elif tag in ("p", "li", "br", "hr", "div"):
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag == "body":
            self.in_body = False

    def handle_data(self, data):
        if self.in_body:
            self.text.append(data)


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def html_part(message) -> str:
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return html


def seen_in_html(message) -> str:
    parser = _BodyText()
    parser.feed(html_part(message))
    return "".join(parser.text)


def assert_same_words(message) -> None:
    assert words(message.body), message.subject
    assert words(seen_in_html(message)) == words(message.body), message.subject


# ---------------------------------------------------------------- every template, through the queue


@pytest.fixture
def world(coach, candidate):
    """One of each thing an email speaks of, owned by ``coach`` (Casey Coach)."""
    now = timezone.now()
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Contoso & Co"),
        scheduled_at=now + datetime.timedelta(days=1),
        location="Video call",
    )
    InterviewerFactory(round=round, name="Pat Lee", email="pat@contoso.example")
    assignment = make_assignment(
        candidate,
        round=round,
        title='Prep "<round 2>"',
        due_date=timezone.localdate(),
        instructions="Read https://contoso.example/careers?team=data&x=1 first.",
    )
    done = submitted(make_assignment(candidate, round=round, title="Done one"))
    note = ThankYouNoteFactory(
        round=round, check_requested_at=now, coach_comment="Shorter, please.", checked_at=now
    )
    newcomer = CandidateFactory(coach=coach, full_name="Nia Newcomer", email="nia@example.com")
    invitation, _token = caseload_services.invitation_create(candidate=newcomer, by=coach)
    named_round = rounds_selectors.round_with_readiness(round.pk)
    items = list(assignment.items.all())
    flagged = SimpleNamespace(item=items[0], excerpt="Name the project and the result…")
    practice = PracticeFactory(name="Northstar")
    MembershipFactory(practice=practice, user=coach)
    unfinished = reminders.Unfinished(assignment, items[:2], 3)
    return SimpleNamespace(
        coach=coach,
        candidate=candidate,
        newcomer=newcomer,
        invitation=invitation,
        round=named_round,
        assignment=assignment,
        done=done,
        note=note,
        flagged=flagged,
        practice=practice,
        unfinished=unfinished,
        readiness=Readiness.of_items(items),
        digest=reminders.Digest(
            reviews_waiting=[done],
            interviews=[named_round],
            overdue=[assignment],
            thanks_overdue=[(named_round, ["Pat Lee", "Sam Roe"])],
        ),
        link="http://testserver/me/checklists/1/",
    )


def _due(kind):
    return lambda w: {
        "assignment": w.assignment,
        "kind": kind,
        "days": 0,
        "overdue_days": 0,
        "left": list(w.assignment.items.all()),
        "more_left": 4,
        "readiness": w.readiness,
    }


def _interview(w):
    return {
        "round": w.round,
        "interviewers": list(w.round.interviewers.all()),
        "unfinished": [w.unfinished, w.unfinished],
        "brief_link": "http://testserver/me/rounds/1/brief/",
    }


def _created(**extra):
    return lambda w: {
        "assignment": w.assignment,
        "candidate": w.candidate,
        "coach": w.coach,
        "joined": False,
        "invitation": w.invitation,
        "invitation_link": "",
        "purpose": "prepare for your interview at Contoso",
        **extra,
    }


# Each email template (templates/emails/<name>.txt) with the contexts it is
# rendered with; test_every_email_template_has_a_row keeps the table whole.
EMAILS = {
    "invitation": lambda w: {
        "candidate": w.newcomer,
        "coach": w.coach,
        "purpose": "prepare for your second-round interview at Contoso & Co",
        "expires_at": w.invitation.expires_at,
    },
    "assignment_created (joined)": _created(joined=True),
    "assignment_created (invited now)": _created(
        invitation_link="http://testserver/invite/abc-def/"
    ),
    "assignment_created (invited earlier)": _created(),
    "assignment_updated": lambda w: {
        "assignment": w.assignment,
        "coach": w.coach,
        "previous_due": datetime.date(2031, 1, 2),
        "due_date_changed": True,
        "instructions_changed": True,
    },
    "coach_reminder": lambda w: {
        "assignment": w.assignment,
        "coach": w.coach,
        "readiness": w.readiness,
        "left": list(w.assignment.items.all()),
        "more_left": 2,
        "days": -1,
    },
    "assignment_reviewed (approved)": lambda w: {
        "assignment": w.done,
        "coach": w.coach,
        "approved": True,
        "note": "Well done.",
        "flagged": [],
    },
    "assignment_reviewed (changes)": lambda w: {
        "assignment": w.assignment,
        "coach": w.coach,
        "approved": False,
        "note": "",
        "flagged": [w.flagged, w.flagged],
    },
    "assignment_submitted": lambda w: {
        "assignment": w.done,
        "candidate": w.candidate,
        "round": w.round,
        "days": 1,
        "readiness": w.readiness,
    },
    "assignment_submitted (no round)": lambda w: {
        "assignment": w.done,
        "candidate": w.candidate,
        "round": None,
        "days": None,
        "readiness": w.readiness,
    },
    "candidate_reassigned": lambda w: {
        "candidate": w.candidate,
        "coach": w.coach,
        "previous": w.coach,
        "by": w.coach,
    },
    "candidate_reassigned_coach": lambda w: {
        "candidate": w.candidate,
        "coach": w.coach,
        "previous": w.coach,
        "by": w.coach,
        "to": w.coach,
    },
    "digest": lambda w: {"digest": w.digest, "day": timezone.localdate()},
    "practice_invitation": lambda w: {
        "practice": w.practice,
        "lead": w.coach,
        "expires_at": timezone.now(),
    },
    "reminder_checklist_due (soon)": _due(K.DUE_SOON),
    "reminder_checklist_due (today)": _due(K.DUE_TODAY),
    "reminder_checklist_due (overdue)": _due(K.OVERDUE),
    "reminder_follow_up_waiting": lambda w: {
        "round": w.round,
        "needs_debrief": True,
        "needs_outcome": True,
    },
    "reminder_interview_tomorrow": _interview,
    "reminder_interview_today": _interview,
    "reminder_prep_not_ready": lambda w: {"round": w.round, "candidate": w.candidate},
    "reminder_review_waiting": lambda w: {"assignment": w.done, "candidate": w.candidate},
    "reminder_thank_you_waiting": lambda w: {"round": w.round, "waiting": ["Pat Lee"]},
    "thank_you_check_requested": lambda w: {
        "note": w.note,
        "candidate": w.candidate,
        "round": w.round,
    },
    "thank_you_checked": lambda w: {"note": w.note, "coach": w.coach, "round": w.round},
}


def _template(row: str) -> str:
    return row.split(" (")[0]


def test_every_email_template_has_a_row():
    folder = Path(settings.BASE_DIR) / "templates" / "emails"
    templates = {
        path.stem
        for path in folder.glob("*.txt")
        if not path.stem.startswith("_") and not path.stem.endswith("_subject")
    }
    assert {_template(row) for row in EMAILS} == templates


def _cases():
    """Each row alone; the sweep's templates also as a part of a combined email."""
    for row in EMAILS:
        yield pytest.param(row, False, id=f"{row}-alone")
        if row.startswith(("reminder_", "digest")):
            yield pytest.param(row, True, id=f"{row}-part")


@pytest.mark.parametrize(("row", "part"), list(_cases()))
def test_every_email_template_is_sent_as_text_and_html_with_the_same_words(
    row, part, world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    context = {**EMAILS[row](world), "recipient": world.coach, "link": world.link, "part": part}
    subject, body = notifications_services.render(_template(row), context, BERLIN)
    with django_capture_on_commit_callbacks(execute=True):
        notifications_services.queue_email(
            to="someone@example.com", subject=subject, body=body + "\n-- \nFooter: " + world.link
        )
    (message,) = mailoutbox
    assert_same_words(message)
    html = html_part(message)
    # Every address is a link, none is broken across lines.
    assert f'<a href="{world.link}" style="{mail_lib.LINK_STYLE}">{world.link}</a>' in html
    assert "white-space:nowrap" in mail_lib.LINK_STYLE
    # Nothing typed reaches the HTML as markup.
    assert "<round 2>" not in html
    if part:
        assert not body.startswith(("Hello", "Good morning")), "a part has no greeting"
        assert "— Coachsite" not in body, "a part has no sign-off"


def test_the_password_reset_email_has_both_parts_too(
    coach, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": coach.email})
    (message,) = mailoutbox
    assert_same_words(message)
    assert "/accounts/reset/" in html_part(message)


def test_the_html_is_a_readable_page_at_phone_width():
    html = mail_lib.html_from_text(
        "Hi",
        "Hello Ann & Bo,\n\nStill to do:\n- One <b>\n- Two\n\nWrite to ann.lee@example.com or "
        "open https://example.com/a?b=1&c=2.\n\n————————————————\n\nPart two\n\nText\n-- \nStop: "
        "https://example.com/stop/",
    )
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "max-width:600px" in html
    assert '<p style="margin:0 0 16px;">Hello Ann &amp; Bo,</p>' in html
    assert '<li style="margin:0 0 4px;">One &lt;b&gt;</li>' in html
    # The full stop ends the sentence, not the link.
    assert 'href="https://example.com/a?b=1&amp;c=2"' in html
    assert (
        f'<a href="mailto:ann.lee@example.com" style="{mail_lib.ADDRESS_STYLE}">'
        "ann.lee@example.com</a>" in html
    )
    assert "word-break:keep-all" in mail_lib.ADDRESS_STYLE
    assert html.count("<hr") == 1
    assert '<p style="margin:0 0 16px;font-size:18px;font-weight:600;">Part two</p>' in html
    # The footer after the signature line is set apart, smaller.
    footer = html.split("font-size:13px")[1]
    assert "Stop:" in footer and "Part two" not in footer


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
        "Interview: Second-round interview at Contoso, Thu 3 Dec, 10:00 CET (in 2 days).\n"
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
    assert_same_words(message)


def test_a_reminder_email_is_stored_once_and_sent_as_html(
    coach, candidate, django_capture_on_commit_callbacks
):
    """The queue keeps the text only; the HTML is drawn from it when sending,
    so a secret link blanked after sending leaves nothing behind."""
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = Candidate.objects.create(coach=coach, full_name="N", email="n@example.com")
        caseload_services.invitation_create(candidate=newcomer, by=coach)
    email = OutgoingEmail.objects.get(to="n@example.com")
    assert email.sent_at is not None and email.body == ""
    assert "/invite/" in html_part(mail.outbox[-1])
