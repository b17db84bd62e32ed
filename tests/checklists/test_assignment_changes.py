"""After assigning (issue 20, section 4): the coach moves the due date or
rewrites the instructions of a checklist, and reminds the candidate of it
with "Remind now", at most once a day. Both are on the coach's page of the
checklist, POST-only, and tell the candidate by email and notice."""

import datetime
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    Assignment,
    Candidate,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutgoingEmail,
)
from interviews.selectors import review as review_selectors
from interviews.services import WrongState
from interviews.services import checklists as checklists_services

from ..checklist_helpers import fill_all, item, messages_of, submitted
from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment

K = NotificationKind
UTC = datetime.UTC


def update_url(assignment):
    return reverse("coach:assignment_update", args=[assignment.pk])


def remind_url(assignment):
    return reverse("coach:assignment_remind", args=[assignment.pk])


def page(client, assignment) -> str:
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def assignment(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Contoso"),
        scheduled_at=timezone.now() + datetime.timedelta(days=10),
    )
    return make_assignment(
        candidate,
        round=round,
        title="Second-round prep",
        due_date=timezone.localdate() + datetime.timedelta(days=8),
        instructions="Start with the questions.",
    )


def post_update(client, assignment, *, due_date, instructions, capture):
    with capture(execute=True):
        return client.post(
            update_url(assignment),
            {"update-due_date": due_date, "update-instructions": instructions},
        )


# ---------------------------------------------------------------- the date and instructions


def test_the_coach_moves_the_due_date_and_the_candidate_is_told(
    assignment, coach, coach_client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    old = assignment.due_date
    new = old + datetime.timedelta(days=3)
    response = post_update(
        coach_client,
        assignment,
        due_date=new.isoformat(),
        instructions="Start with the questions.\r\nThen the portfolio.",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert response.url == assignment.get_absolute_url()
    assignment.refresh_from_db()
    assert assignment.due_date == new
    assert assignment.instructions == "Start with the questions.\nThen the portfolio."
    ((level, text),) = messages_of(response)
    assert level == "success"
    assert text == (
        f"The due date is now {new:%a} {new.day} {new:%b %Y}; the reminders follow it. "
        f"The instructions are updated. {candidate} has been told."
    )
    (email,) = mailoutbox
    assert email.to == [candidate.user.email]
    assert email.reply_to == [coach.email]
    assert email.subject == f"Now due {new:%A} {new.day} {new:%B}: Second-round prep"
    assert (
        f"It is now due on {new:%A} {new.day} {new:%B %Y} (it was {old:%A} {old.day} {old:%B})."
        in email.body
    )
    assert "New instructions from your coach:\nStart with the questions.\nThen the portfolio." in (
        email.body
    )
    notice = Notification.objects.get(user=candidate.user, kind=K.ASSIGNMENT_UPDATED)
    assert notice.url == assignment.get_candidate_url()


def test_unchanged_values_change_nothing_and_tell_nobody(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = post_update(
        coach_client,
        assignment,
        due_date=assignment.due_date.isoformat(),
        instructions="Start with the questions.",
        capture=django_capture_on_commit_callbacks,
    )
    assert messages_of(response) == [
        ("info", "Nothing had changed: the due date and instructions are as they were.")
    ]
    assert mailoutbox == []
    assert not Notification.objects.filter(kind=K.ASSIGNMENT_UPDATED).exists()


def test_a_new_due_date_in_the_past_is_refused_with_the_page_again(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = post_update(
        coach_client,
        assignment,
        due_date=yesterday.isoformat(),
        instructions="Changed",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The due date is in the past. Choose today or later." in html
    assert '<details class="border rounded px-3 py-2 mb-3 assignment-update" open>' in html
    assignment.refresh_from_db()
    assert assignment.instructions == "Start with the questions."
    assert mailoutbox == []


def test_a_due_date_already_past_may_stay_while_the_instructions_change(
    assignment, coach_client, django_capture_on_commit_callbacks
):
    past = timezone.localdate() - datetime.timedelta(days=2)
    Assignment.objects.filter(pk=assignment.pk).update(due_date=past)
    response = post_update(
        coach_client,
        assignment,
        due_date=past.isoformat(),
        instructions="Just finish what you can.",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.due_date, assignment.instructions) == (past, "Just finish what you can.")


def test_the_due_date_can_be_cleared(
    assignment, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = post_update(
        coach_client,
        assignment,
        due_date="",
        instructions="Start with the questions.",
        capture=django_capture_on_commit_callbacks,
    )
    assignment.refresh_from_db()
    assert assignment.due_date is None
    assert messages_of(response)[0][1].startswith(
        "The checklist no longer has a due date, so no due-date reminders."
    )
    assert "It no longer has a due date." in mailoutbox[0].body


@pytest.mark.parametrize("state", ["approved", "withdrawn"])
def test_an_approved_or_withdrawn_checklist_cannot_be_changed(
    state, assignment, coach, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    if state == "approved":
        submitted(assignment)
        checklists_services.assignment_review(assignment=assignment, by=coach, verdict="approved")
    else:
        checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    assert "Change the due date or instructions" not in page(coach_client, assignment)
    mailoutbox.clear()
    response = post_update(
        coach_client,
        assignment,
        due_date=(timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        instructions="Too late",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    label = "approved" if state == "approved" else "withdrawn"
    assert messages_of(response) == [
        (
            "error",
            f"This checklist is {label}: its due date and instructions can no longer be changed.",
        )
    ]
    assignment.refresh_from_db()
    assert assignment.instructions == "Start with the questions."
    assert mailoutbox == []


def test_a_candidate_who_has_not_joined_is_not_emailed_and_the_coach_is_told(
    coach, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = Candidate.objects.create(
        coach=coach, full_name="Nia Newcomer", email="n@example.com"
    )
    assignment = make_assignment(newcomer, due_date=timezone.localdate())
    html = page(coach_client, assignment)
    assert "Nia Newcomer has not joined yet: they see the change when they open the checklist." in (
        html
    )
    response = post_update(
        coach_client,
        assignment,
        due_date="",
        instructions="Read this first.",
        capture=django_capture_on_commit_callbacks,
    )
    assert messages_of(response)[0][1].endswith(
        "Nia Newcomer has not joined Coachsite yet, so nobody was emailed; "
        "the checklist shows the change when they open it."
    )
    assert mailoutbox == []


def test_the_update_form_is_on_the_coachs_page_and_not_on_the_leads(
    assignment, coach_client, lead_client
):
    html = page(coach_client, assignment)
    assert f'action="{update_url(assignment)}"' in html
    assert f'value="{assignment.due_date.isoformat()}"' in html
    lead = lead_client.get(reverse("practice:assignment", args=[assignment.pk]))
    assert lead.status_code == 200
    body = lead.content.decode()
    assert update_url(assignment) not in body and remind_url(assignment) not in body


def test_only_the_coach_changes_a_checklist(
    assignment, other_coach_client, candidate_client, coach_client
):
    data = {"update-due_date": "", "update-instructions": "Mine now"}
    assert coach_client.get(update_url(assignment)).status_code == 405
    assert other_coach_client.post(update_url(assignment), data).status_code == 404
    assert candidate_client.post(update_url(assignment), data).status_code == 404
    assignment.refresh_from_db()
    assert assignment.instructions == "Start with the questions."


# ---------------------------------------------------------------- remind now


def remind(client, assignment, capture):
    with capture(execute=True):
        return client.post(remind_url(assignment))


def test_remind_now_emails_the_candidate_what_is_left_and_when_it_is_due(
    assignment, coach, coach_client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    first = item(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (first.version, {"response_text": "Done"})},
    )
    response = remind(coach_client, assignment, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert messages_of(response) == [("success", f"{candidate} has been reminded by email.")]
    (email,) = mailoutbox
    assert email.to == [candidate.user.email]
    assert email.reply_to == [coach.email]
    assert email.subject == "Casey Coach reminds you: Second-round prep"
    due = assignment.due_date
    assert (
        'Casey Coach asks you to take another look at your checklist "Second-round prep". '
        f"It is due on {due:%A} {due.day} {due:%B}." in email.body
    )
    assert "1 of 3 required items are done (33 %). Still to do:" in email.body
    assert f"- {item(assignment, 2).prompt}\n- {item(assignment, 3).prompt}" in email.body
    assert f"- {first.prompt}" not in email.body
    # Stored as the candidate's notice: it survives a restart.
    notice = Notification.objects.get(kind=K.COACH_REMINDER)
    assert (notice.user, notice.object_key) == (candidate.user, f"assignment:{assignment.pk}")


def test_remind_now_works_once_a_day_and_the_button_says_when_it_was_used(
    assignment, coach, coach_client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    coach.time_zone = "America/New_York"
    coach.save()
    # 15:42 UTC is 10:42 in New York.
    with time_machine.travel(datetime.datetime(2026, 12, 7, 15, 42, tzinfo=UTC), tick=False):
        remind(coach_client, assignment, django_capture_on_commit_callbacks)
        html = page(coach_client, assignment)
        assert "Reminded today at 10:42</button>" in html
        assert 'aria-describedby="remind-note">Reminded today' in html
        assert "disabled" in html.split("Reminded today at 10:42")[0].rsplit("<button", 1)[1]
        assert "you can remind Cam Candidate again tomorrow" in html
    # 04:30 UTC on the 8th is still the 7th in New York: refused.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 4, 30, tzinfo=UTC), tick=False):
        response = remind(coach_client, assignment, django_capture_on_commit_callbacks)
    assert messages_of(response) == [
        (
            "error",
            f"You already reminded {candidate} about this checklist today at 10:42. "
            "One reminder a day: you can send the next one tomorrow.",
        )
    ]
    assert len(mailoutbox) == 1
    # 05:30 UTC is past midnight in New York: a new day, a new reminder.
    with time_machine.travel(datetime.datetime(2026, 12, 8, 5, 30, tzinfo=UTC), tick=False):
        assert "Last reminded 7 Dec at 10:42." in page(coach_client, assignment)
        remind(coach_client, assignment, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert sorted(
        Notification.objects.filter(kind=K.COACH_REMINDER).values_list("occasion", flat=True)
    ) == ["2026-12-07", "2026-12-08"]


def test_the_once_a_day_limit_holds_in_the_database_too(
    assignment, coach, django_capture_on_commit_callbacks
):
    """Two requests at once, the second reading before the first committed:
    the unique constraint on today's notice refuses it all the same."""
    with django_capture_on_commit_callbacks(execute=True):
        checklists_services.assignment_remind(assignment=assignment, by=coach)
    with (
        mock.patch.object(review_selectors, "last_coach_reminder", return_value=None),
        pytest.raises(WrongState, match="You already reminded Cam Candidate about this checklist"),
    ):
        checklists_services.assignment_remind(assignment=assignment, by=coach)
    assert Notification.objects.filter(kind=K.COACH_REMINDER).count() == 1
    assert OutgoingEmail.objects.filter(subject__contains="reminds you").count() == 1


def test_a_candidate_who_has_not_joined_cannot_be_reminded(
    coach, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    newcomer = Candidate.objects.create(
        coach=coach, full_name="Nia Newcomer", email="n@example.com"
    )
    assignment = make_assignment(newcomer)
    html = page(coach_client, assignment)
    assert "Nia Newcomer has not joined Coachsite yet, so there is nobody to remind" in html
    response = remind(coach_client, assignment, django_capture_on_commit_callbacks)
    assert messages_of(response) == [
        (
            "error",
            "Nia Newcomer has not joined Coachsite yet, so a reminder could not reach them. "
            "Send them the invitation from their page: it leads to this checklist.",
        )
    ]
    assert mailoutbox == []
    assert not Notification.objects.filter(kind=K.COACH_REMINDER).exists()


@pytest.mark.parametrize("state", ["submitted", "approved", "withdrawn"])
def test_a_checklist_that_is_not_open_cannot_be_reminded_of(
    state, assignment, coach, coach_client, mailoutbox, django_capture_on_commit_callbacks
):
    if state == "withdrawn":
        checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    else:
        submitted(assignment)
        if state == "approved":
            checklists_services.assignment_review(
                assignment=assignment, by=coach, verdict="approved"
            )
    assignment.refresh_from_db()
    assert remind_url(assignment) not in page(coach_client, assignment)
    mailoutbox.clear()
    response = remind(coach_client, assignment, django_capture_on_commit_callbacks)
    label = assignment.get_status_display().lower()
    assert messages_of(response) == [
        (
            "error",
            f"This checklist is {label}: there is nothing open for Cam Candidate to finish, "
            "so no reminder was sent.",
        )
    ]
    assert mailoutbox == []


def test_a_candidate_who_switched_these_emails_off_sees_it_in_the_app(
    assignment, coach_client, candidate, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=candidate.user, kind=K.COACH_REMINDER, enabled=False)
    response = remind(coach_client, assignment, django_capture_on_commit_callbacks)
    assert messages_of(response) == [
        (
            "success",
            "Cam Candidate has been reminded in the app: they switched these emails off, "
            "so no email was sent.",
        )
    ]
    assert mailoutbox == []
    assert Notification.objects.filter(user=candidate.user, kind=K.COACH_REMINDER).exists()


def test_only_the_coach_reminds(
    assignment, other_coach_client, candidate_client, lead_client, coach_client
):
    assert coach_client.get(remind_url(assignment)).status_code == 405
    for client in (other_coach_client, candidate_client, lead_client):
        assert client.post(remind_url(assignment)).status_code == 404
    assert not Notification.objects.filter(kind=K.COACH_REMINDER).exists()
    assert not OutgoingEmail.objects.filter(subject__contains="reminds you").exists()


def test_an_open_checklist_shows_the_remind_button_to_its_coach(
    assignment, coach_client, candidate
):
    fill_all(assignment)  # in progress: still open
    html = page(coach_client, assignment)
    assert f'action="{remind_url(assignment)}"' in html
    assert "Emails Cam Candidate what is left and when it is due." in html
