"""Reminders that respect the interview (issue 20, section 4): the default due
date two days before it, no "due today" or "overdue" on its day or after it,
the one interview message that says what is left, and two reminders for one
person in one sweep as one email.

The candidate and the coach live in Berlin (UTC+1 in winter). The interview
is on Thursday 3 December 2026 at 10:00 there (09:00 UTC); the clock moves
with time-machine.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    Assignment,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
)
from interviews.services import checklists as checklists_services
from interviews.services import reminders

from ..checklist_helpers import fill_all
from ..factories import (
    ChecklistTemplateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    TemplateItemFactory,
    make_assignment,
)

K = NotificationKind
UTC = datetime.UTC


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=UTC)


INTERVIEW = utc(12, 3, 9)  # Thursday 3 December, 10:00 in Berlin
ASSIGNED = utc(11, 26, 14)  # the Thursday before, 15:00 in Berlin


@pytest.fixture
def berlin(coach, candidate):
    for user in (coach, candidate.user):
        user.time_zone = "Europe/Berlin"
        user.save()
    return coach, candidate


@pytest.fixture
def round(berlin):
    _coach, candidate = berlin
    with time_machine.travel(utc(11, 20, 12), tick=False):
        round = InterviewRoundFactory(
            opportunity=OpportunityFactory(candidate=candidate, company="Contoso"),
            scheduled_at=INTERVIEW,
            location="Contoso, Alexanderplatz 1",
        )
        InterviewerFactory(round=round, name="Pat Lee", email="pat@contoso.example")
    return round


@pytest.fixture
def template(coach):
    template = ChecklistTemplateFactory(owner=coach, title="Second-round prep")
    for position, prompt in enumerate(["Questions to ask", "Your strengths", "Notice period"], 1):
        TemplateItemFactory(template=template, position=position, prompt=prompt)
    return template


def assign(coach, candidate, template, round, capture, *, when=ASSIGNED, **kwargs):
    with time_machine.travel(when, tick=False), capture(execute=True):
        return checklists_services.assignment_create(
            coach=coach, candidate=candidate, template=template, round=round, **kwargs
        )


def sweep(moment, capture) -> list[Notification]:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return reminders.sweep(timezone.now())


def emails_between(start, end, capture) -> list[tuple[datetime.datetime, str, list[str]]]:
    """Sweep every hour from ``start`` to ``end``: each email that went out,
    when, to whom, and the notices it carried."""
    sent = []
    moment = start
    while moment <= end:
        before = set(OutgoingEmail.objects.values_list("pk", flat=True))
        made = sweep(moment, capture)
        for email in OutgoingEmail.objects.exclude(pk__in=before).order_by("to", "pk"):
            kinds = sorted(
                n.kind for n in made if n.user.email == email.to and n.emailed_at is not None
            )
            sent.append((moment, email.to, kinds))
        moment += datetime.timedelta(hours=1)
    return sent


def berlin_time(moment: datetime.datetime) -> str:
    return f"{moment.astimezone(datetime.timezone(datetime.timedelta(hours=1))):%a %d %b %H:%M}"


# ---------------------------------------------------------------- the whole schedule


def test_the_reminders_around_a_thursday_interview_with_the_default_due_date(
    berlin, round, template, django_capture_on_commit_callbacks, mailoutbox
):
    """From the assignment to 14 days after the interview: which email, at which
    local hour. The candidate never opens the checklist."""
    coach, candidate = berlin
    assignment = assign(coach, candidate, template, round, django_capture_on_commit_callbacks)
    # Two days before Thursday, in the coach's zone.
    assert assignment.due_date == datetime.date(2026, 12, 1)
    (created,) = mailoutbox
    assert created.subject == "New checklist from Casey Coach: Second-round prep"
    assert "Please finish it by Tuesday 1 December 2026." in created.body

    sent = emails_between(
        utc(11, 26, 15), INTERVIEW + datetime.timedelta(days=14), django_capture_on_commit_callbacks
    )
    cand, coach_email = candidate.user.email, coach.email
    assert [(berlin_time(moment), to, kinds) for moment, to, kinds in sent] == [
        # Sunday 08:00: due in two days.
        ("Sun 29 Nov 08:00", cand, [K.DUE_SOON]),
        # Tuesday 08:00: due today, two days before the interview.
        ("Tue 01 Dec 08:00", cand, [K.DUE_TODAY]),
        # Wednesday 08:00: overdue and the interview tomorrow, in one email.
        ("Wed 02 Dec 08:00", cand, [K.INTERVIEW_TOMORROW, K.OVERDUE]),
        ("Wed 02 Dec 08:00", coach_email, [K.PREP_NOT_READY]),
        # Thursday 08:00, two hours before the start: what is still open.
        ("Thu 03 Dec 08:00", cand, [K.INTERVIEW_TODAY]),
        # 20 h after the start is 06:00 Friday, quiet hours: at 08:00.
        ("Fri 04 Dec 08:00", cand, [K.THANK_YOU_WAITING]),
        # Three days after the start: debrief and outcome.
        ("Sun 06 Dec 10:00", cand, [K.FOLLOW_UP_WAITING]),
    ]
    # Nothing "due" on the interview's day or after its start.
    assert not Notification.objects.filter(
        kind__in=[K.DUE_SOON, K.DUE_TODAY, K.OVERDUE], created_at__gte=utc(12, 2, 23)
    ).exists()


def test_on_the_interview_day_the_one_message_lists_what_is_unfinished(
    berlin, round, template, django_capture_on_commit_callbacks, mailoutbox
):
    coach, candidate = berlin
    # Due on the interview's day: not "due today", the interview's message instead.
    assignment = assign(
        coach,
        candidate,
        template,
        round,
        django_capture_on_commit_callbacks,
        due_date=datetime.date(2026, 12, 3),
    )
    first = assignment.items.get(position=1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (first.version, {"response_text": "What does success look like?"})},
    )
    mailoutbox.clear()
    made = sweep(utc(12, 3, 7), django_capture_on_commit_callbacks)
    assert [n.kind for n in made] == [K.INTERVIEW_TODAY]
    (today,) = mailoutbox
    assert (
        today.subject
        == "Today: Second-round interview at Contoso, Thu 3 Dec, 10:00 CET (prep still open)"
    )
    assert "When:  Thursday 3 December, 10:00 to 11:00 CET" in today.body
    assert "1 of 3 required items done (33 %)" in today.body
    assert "- Your strengths\n- Notice period" in today.body
    assert "Questions to ask" not in today.body
    assert today.reply_to == [coach.email]
    # Later that morning, and after the start: nothing more about the checklist.
    for moment in (utc(12, 3, 8), utc(12, 3, 10), utc(12, 4, 8), utc(12, 6, 8)):
        kinds = {n.kind for n in sweep(moment, django_capture_on_commit_callbacks)}
        assert kinds.isdisjoint({K.DUE_SOON, K.DUE_TODAY, K.OVERDUE, K.INTERVIEW_TODAY})


def test_interview_today_comes_only_before_the_start_and_only_with_prep_open(
    berlin, django_capture_on_commit_callbacks
):
    _coach, candidate = berlin
    # 07:30 in Berlin: the day's quiet hours end at 08:00, after the start.
    early = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Early"),
        scheduled_at=utc(12, 3, 6, 30),
    )
    # 11:00 in Berlin, prep complete.
    ready = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Ready"),
        scheduled_at=utc(12, 3, 10),
    )
    # 12:00 in Berlin, prep open.
    open_ = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Open"),
        scheduled_at=utc(12, 3, 11),
    )
    make_assignment(candidate, round=early)
    fill_all(make_assignment(candidate, round=ready))
    make_assignment(candidate, round=open_)
    made = []
    for hour in range(0, 24):
        made += sweep(utc(12, 3, hour), django_capture_on_commit_callbacks)
    today = [n for n in made if n.kind == K.INTERVIEW_TODAY]
    assert [n.object_key for n in today] == [f"round:{open_.pk}"]
    assert today[0].created_at == utc(12, 3, 7)


def test_interview_tomorrow_lists_the_unfinished_items_of_each_checklist(
    berlin, round, django_capture_on_commit_callbacks, mailoutbox
):
    _coach, candidate = berlin
    make_assignment(candidate, round=round, title="Questions", kinds=("text", "text"))
    make_assignment(candidate, round=round, title="Paperwork", kinds=("check",))
    withdrawn = make_assignment(candidate, round=round, title="Old one", kinds=("text",))
    Assignment.objects.filter(pk=withdrawn.pk).update(
        status=Assignment.Status.WITHDRAWN, withdrawn_at=timezone.now()
    )
    sweep(utc(12, 2, 7), django_capture_on_commit_callbacks)
    (tomorrow,) = [m for m in mailoutbox if m.subject.startswith("Tomorrow")]
    assert "0 of 3 required items done (0 %). Still to do:\nQuestions:\n- " in tomorrow.body
    assert "\nPaperwork:\n- " in tomorrow.body
    assert "Old one" not in tomorrow.body


# ---------------------------------------------------------------- one email for two


def test_two_reminders_for_one_person_in_one_sweep_are_one_email(
    berlin, round, template, django_capture_on_commit_callbacks, mailoutbox, client
):
    coach, candidate = berlin
    # Due Wednesday, the day before the interview: due today and interview tomorrow.
    assign(
        coach,
        candidate,
        template,
        round,
        django_capture_on_commit_callbacks,
        due_date=datetime.date(2026, 12, 2),
    )
    mailoutbox.clear()
    before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    made = sweep(utc(12, 2, 7), django_capture_on_commit_callbacks)
    mine = [n for n in made if n.user == candidate.user]
    # One notice each, both emailed, in one email.
    assert sorted(n.kind for n in mine) == [K.DUE_TODAY, K.INTERVIEW_TOMORROW]
    assert all(n.emailed_at is not None for n in mine)
    (email,) = [m for m in mailoutbox if m.to == [candidate.user.email]]
    assert OutgoingEmail.objects.exclude(pk__in=before).filter(to=email.to[0]).count() == 1
    assert email.subject == (
        "Due today: Second-round prep · "
        "Tomorrow: Second-round interview at Contoso, Thu 3 Dec, 10:00 CET"
    )
    assert email.body.startswith("Hello Cam,\n\nTwo reminders for you today:\n\n- Due today")
    assert email.body.count("Hello") == 1 and email.body.count("— Coachsite") == 1
    assert 'Your checklist "Second-round prep" is due today.' in email.body
    assert "Your second-round interview at Contoso (Senior Analyst) is tomorrow:" in email.body
    assert email.reply_to == [coach.email]
    # Each notice keeps its own text in the app.
    due_today = Notification.objects.get(kind=K.DUE_TODAY)
    assert due_today.body.startswith("Hello Cam Candidate,") and "tomorrow" not in due_today.body
    # Each is still once per occasion: the next sweep sends neither again.
    assert sweep(utc(12, 2, 8), django_capture_on_commit_callbacks) == []

    # The one-click unsubscribe of that email stops both kinds.
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    page = client.get(unsubscribe.removeprefix("http://testserver"))
    assert "A checklist is due today and My interview is tomorrow" in page.content.decode()
    assert client.post(unsubscribe.removeprefix("http://testserver")).status_code == 200
    assert set(
        NotificationPreference.objects.filter(user=candidate.user, enabled=False).values_list(
            "kind", flat=True
        )
    ) == {K.DUE_TODAY, K.INTERVIEW_TOMORROW}


def test_only_the_kinds_a_person_wants_by_email_are_in_the_email(
    berlin, round, template, django_capture_on_commit_callbacks, mailoutbox
):
    coach, candidate = berlin
    assign(
        coach,
        candidate,
        template,
        round,
        django_capture_on_commit_callbacks,
        due_date=datetime.date(2026, 12, 2),
    )
    NotificationPreference.objects.create(
        user=candidate.user, kind=K.INTERVIEW_TOMORROW, enabled=False
    )
    mailoutbox.clear()
    made = sweep(utc(12, 2, 7), django_capture_on_commit_callbacks)
    assert sorted(n.kind for n in made if n.user == candidate.user) == [
        K.DUE_TODAY,
        K.INTERVIEW_TOMORROW,
    ]
    (email,) = [m for m in mailoutbox if m.to == [candidate.user.email]]
    # Just the one reminder, written as on its own.
    assert email.subject == "Due today: Second-round prep"
    assert email.body.startswith("Hello Cam Candidate,")
    assert Notification.objects.get(kind=K.INTERVIEW_TOMORROW).emailed_at is None


# ---------------------------------------------------------------- a moved due date


def test_a_due_date_moved_by_the_coach_sends_due_today_again(
    berlin, round, template, django_capture_on_commit_callbacks, mailoutbox
):
    coach, candidate = berlin
    assignment = assign(coach, candidate, template, round, django_capture_on_commit_callbacks)
    assert [n.kind for n in sweep(utc(12, 1, 7), django_capture_on_commit_callbacks)] == [
        K.DUE_TODAY
    ]
    # Tuesday 09:00: the coach gives one more day (Wednesday).
    with (
        time_machine.travel(utc(12, 1, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        checklists_services.assignment_update(
            assignment=assignment,
            by=coach,
            due_date=datetime.date(2026, 12, 2),
            instructions=assignment.instructions,
        )
    # Due tomorrow now: "due soon" for the new date.
    assert [n.kind for n in sweep(utc(12, 1, 9), django_capture_on_commit_callbacks)] == [
        K.DUE_SOON
    ]
    mailoutbox.clear()
    made = sweep(utc(12, 2, 7), django_capture_on_commit_callbacks)
    assert sorted(n.kind for n in made if n.user == candidate.user) == [
        K.DUE_TODAY,
        K.INTERVIEW_TOMORROW,
    ]
    assert sorted(
        Notification.objects.filter(kind=K.DUE_TODAY).values_list("occasion", flat=True)
    ) == ["2026-12-01", "2026-12-02"]
    # And no "overdue" for the old date.
    assert not Notification.objects.filter(kind=K.OVERDUE).exists()


def test_a_candidate_can_switch_the_interview_today_email_off(candidate, candidate_client):
    html = candidate_client.get(reverse("notification_settings")).content.decode()
    assert "My interview is today and my prep is unfinished" in html
