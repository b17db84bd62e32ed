"""The coach's side of a round's life: interviewers, the phase and what is next,
the debrief with its asked questions (into the coach's bank), the thank-you
notes and the coach's look at them."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    AskedQuestion,
    AssignmentItem,
    Interviewer,
    ItemKind,
    Question,
    ThankYouNote,
)
from interviews.services import rounds as rounds_services

from ..factories import (
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    make_assignment,
)

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def opportunity(candidate):
    return OpportunityFactory(candidate=candidate, company="Fabrikam", position="Analyst")


@pytest.fixture
def round(opportunity):
    """A second-round interview that started three hours ago (60 minutes long)."""
    return InterviewRoundFactory(
        opportunity=opportunity, sequence=1, scheduled_at=timezone.now() - 3 * HOUR
    )


@pytest.fixture
def dana(round):
    return InterviewerFactory(
        round=round,
        name="Dana Scully",
        job_title="Head of Analytics",
        role=Interviewer.Role.HIRING_MANAGER,
        email="dana@fabrikam.example",
    )


@pytest.fixture
def note(candidate, round, dana):
    """The candidate's draft to Dana, which they asked their coach to look at."""
    [note] = rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    return rounds_services.thank_you_note_request_check(note=note, by=candidate.user)


def page(client, round) -> str:
    response = client.get(reverse("coach:round_detail", args=[round.pk]))
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ---------------------------------------------------------------- interviewers


def test_the_coach_adds_an_interviewer(coach_client, round):
    response = coach_client.post(
        reverse("coach:interviewer_add", args=[round.pk]),
        {
            "name": "Fox Mulder",
            "job_title": "Senior Analyst",
            "role": Interviewer.Role.TEAMMATE,
            "email": " fox@fabrikam.example ",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{round.get_absolute_url()}#interviewers"
    interviewer = round.interviewers.get()
    assert (interviewer.name, interviewer.job_title) == ("Fox Mulder", "Senior Analyst")
    assert interviewer.role == Interviewer.Role.TEAMMATE
    assert interviewer.email == "fox@fabrikam.example"
    body = page(coach_client, round)
    assert "Fox Mulder" in body and "Future teammate" in body


def test_a_bad_interviewer_email_is_a_form_error_and_nothing_is_stored(coach_client, round):
    response = coach_client.post(
        reverse("coach:interviewer_add", args=[round.pk]),
        {"name": "Fox Mulder", "job_title": "", "role": "other", "email": "not an email"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "Fox Mulder" in response.content.decode()
    assert not round.interviewers.exists()


def test_the_coach_edits_an_interviewer(coach_client, dana):
    response = coach_client.post(
        reverse("coach:interviewer_edit", args=[dana.pk]),
        {
            "name": "Dana Scully",
            "job_title": "VP Analytics",
            "role": Interviewer.Role.EXECUTIVE,
            "email": "",
        },
    )
    assert response.status_code == 302
    dana.refresh_from_db()
    assert dana.job_title == "VP Analytics"
    assert dana.role == Interviewer.Role.EXECUTIVE
    assert dana.email == ""


def test_removing_an_interviewer_keeps_the_note_to_them(coach_client, round, dana, note):
    response = coach_client.post(reverse("coach:interviewer_remove", args=[dana.pk]))
    assert response.status_code == 302
    assert response.url == f"{round.get_absolute_url()}#interviewers"
    assert not Interviewer.objects.filter(pk=dana.pk).exists()
    note.refresh_from_db()
    assert note.interviewer is None
    assert (note.to_name, note.to) == ("Dana Scully", "dana@fabrikam.example")
    assert note.body  # the draft is kept
    assert "To Dana Scully" in page(coach_client, round)


def test_removing_an_interviewer_is_post_only(coach_client, dana):
    response = coach_client.get(reverse("coach:interviewer_remove", args=[dana.pk]))
    assert response.status_code == 405
    assert Interviewer.objects.filter(pk=dana.pk).exists()


def test_another_coach_cannot_touch_the_interviewers(other_coach_client, round, dana):
    data = {"name": "Hacked", "job_title": "", "role": "other", "email": ""}
    add = other_coach_client.post(reverse("coach:interviewer_add", args=[round.pk]), data)
    edit = other_coach_client.post(reverse("coach:interviewer_edit", args=[dana.pk]), data)
    remove = other_coach_client.post(reverse("coach:interviewer_remove", args=[dana.pk]))
    assert (add.status_code, edit.status_code, remove.status_code) == (404, 404, 404)
    dana.refresh_from_db()
    assert dana.name == "Dana Scully"
    assert list(round.interviewers.all()) == [dana]


# ---------------------------------------------------------------- phase and what is next


@pytest.fixture
def upcoming(opportunity):
    """A round two days away."""
    return InterviewRoundFactory(
        opportunity=opportunity, sequence=2, scheduled_at=timezone.now() + 48 * HOUR
    )


def test_before_the_interview_the_page_counts_down_and_says_what_to_do(
    coach_client, candidate, upcoming
):
    with time_machine.travel(upcoming.scheduled_at - 48 * HOUR, tick=False):
        body = page(coach_client, upcoming)
    assert "Interview in 2 days" in body
    assert "Next: Assign a prep checklist so Cam Candidate can prepare" in body
    make_assignment(candidate, round=upcoming)
    assert "Next: Add the interviewers once you know their names" in page(coach_client, upcoming)


def test_from_the_start_the_page_says_the_interview_is_under_way(coach_client, upcoming):
    with time_machine.travel(upcoming.scheduled_at + datetime.timedelta(minutes=10), tick=False):
        body = page(coach_client, upcoming)
    assert "Interview under way" in body
    assert "Next: Cam Candidate&#x27;s debrief and thank-you notes, once the interview" in body


def test_thank_you_notes_are_due_24_hours_after_the_start(coach_client, candidate, upcoming):
    InterviewerFactory(round=upcoming, name="Dana Scully", email="dana@fabrikam.example")
    with time_machine.travel(upcoming.scheduled_at + 19 * HOUR, tick=False):
        body = page(coach_client, upcoming)
        assert "The interview has taken place" in body
        assert "Due in 5 h" in body
        assert "Next: Cam Candidate sends the thank-you notes (due in 5 h)" in body
        rounds_services.thank_you_notes_prepare(round=upcoming, by=candidate.user)
    with time_machine.travel(upcoming.scheduled_at + 25 * HOUR, tick=False):
        body = page(coach_client, upcoming)
    assert "Overdue" in body
    assert "Draft" in body
    assert "To Dana Scully" in body


def test_once_every_note_is_sent_the_page_waits_for_the_debrief_then_the_outcome(
    coach_client, candidate, round, dana
):
    [note] = rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    rounds_services.thank_you_note_mark_sent(note=note, by=candidate.user)
    body = page(coach_client, round)
    assert "Overdue" not in body and "Due in" not in body
    assert "Sent " in body
    assert "Next: Waiting for Cam Candidate&#x27;s debrief" in body
    rounds_services.round_record_debrief(
        round=round, by=candidate.user, debrief_notes="Fine.", debrief_differently="", asked=[]
    )
    assert "Next: Waiting for the outcome" in page(coach_client, round)


# ---------------------------------------------------------------- the debrief


@pytest.fixture
def debriefed(candidate, round):
    """The candidate's debrief: two questions asked, the first covered by the prep,
    and one of two prepared answers came up."""
    assignment = make_assignment(candidate, round=round, kinds=(ItemKind.TEXT, ItemKind.TEXT))
    answer = QuestionFactory(owner=candidate.coach, category=Question.Category.ANSWER)
    items = list(assignment.items.order_by("position"))
    AssignmentItem.objects.filter(assignment=assignment).update(question=answer)
    rounds_services.round_record_debrief(
        round=round,
        by=candidate.user,
        debrief_notes="They spent a long time on the legacy billing project.",
        debrief_differently="Ask about the team's on-call rota.",
        asked=["Which project would you hand over first?", "How do you handle a late report?"],
    )
    first, second = round.asked_questions.order_by("position")
    rounds_services.round_record_debrief(
        round=round,
        by=candidate.user,
        debrief_notes="They spent a long time on the legacy billing project.",
        debrief_differently="Ask about the team's on-call rota.",
        asked=[first.text, second.text],
        covered={first.pk: True},
        came_up={items[0].pk: True, items[1].pk: False},
    )
    return {"asked": [first, second], "came_up": items[0], "not_came_up": items[1]}


def test_the_debrief_shows_how_it_went_the_questions_and_what_came_up(
    coach_client, round, debriefed
):
    body = page(coach_client, round)
    assert "legacy billing project" in body
    assert "on-call rota" in body
    first, second = debriefed["asked"]
    first_row = body.split(f'id="asked-{first.pk}"', 1)[1].split("</li>", 1)[0]
    second_row = body.split(f'id="asked-{second.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Covered by prep" in first_row
    assert "Not covered by prep" in second_row
    for asked in (first, second):
        assert reverse("coach:asked_question_add_to_bank", args=[asked.pk]) in body
    came_up = body.split("Prepared answers that came up", 1)[1].split("</ul>", 1)[0]
    assert debriefed["came_up"].prompt in came_up
    assert debriefed["not_came_up"].prompt not in came_up


def test_before_the_debrief_the_page_says_it_is_not_written(coach_client, round):
    body = page(coach_client, round)
    assert "Not written yet" in body
    assert "Questions asked" not in body


# ---------------------------------------------------------------- add to the question bank


def test_an_asked_question_goes_into_the_coachs_bank_without_the_candidates_name(
    coach, coach_client, candidate, round, debriefed
):
    asked = debriefed["asked"][0]
    response = coach_client.post(reverse("coach:asked_question_add_to_bank", args=[asked.pk]))
    assert response.status_code == 302
    assert response.url == f"{round.get_absolute_url()}#asked-{asked.pk}"
    assert messages_of(response) == [
        "Added to your question bank: “Which project would you hand over first?”"
    ]
    question = Question.objects.get(owner=coach, prompt=asked.text)
    assert question.source == "Asked at Fabrikam, second-round interview"
    assert question.round_kind == round.kind
    for text in (question.prompt, question.source, question.guidance):
        assert candidate.full_name not in text
        assert candidate.full_name.split()[0] not in text
    asked.refresh_from_db()
    assert asked.bank_question == question

    row = page(coach_client, round).split(f'id="asked-{asked.pk}"', 1)[1].split("</li>", 1)[0]
    assert "In your bank" in row
    assert reverse("coach:asked_question_add_to_bank", args=[asked.pk]) not in row
    bank = coach_client.get(reverse("coach:question_list")).content.decode()
    entry = bank.split(asked.text, 1)[1].split("</li>", 1)[0]
    assert "Asked at Fabrikam, second-round interview" in entry


def test_adding_the_same_question_twice_is_refused_with_a_message(coach, coach_client, debriefed):
    asked = debriefed["asked"][0]
    url = reverse("coach:asked_question_add_to_bank", args=[asked.pk])
    coach_client.post(url, follow=True)  # the page shows (and uses up) the first message
    response = coach_client.post(url)
    assert response.status_code == 302
    assert messages_of(response) == ["This question is already in your question bank."]
    assert Question.objects.filter(owner=coach, prompt=asked.text).count() == 1


def test_another_coach_cannot_add_the_question_to_their_bank(
    other_coach, other_coach_client, debriefed
):
    asked = debriefed["asked"][0]
    response = other_coach_client.post(reverse("coach:asked_question_add_to_bank", args=[asked.pk]))
    assert response.status_code == 404
    assert not Question.objects.filter(owner=other_coach).exists()
    asked.refresh_from_db()
    assert asked.bank_question is None


def test_adding_to_the_bank_is_post_only(coach, coach_client, debriefed):
    asked = debriefed["asked"][0]
    response = coach_client.get(reverse("coach:asked_question_add_to_bank", args=[asked.pk]))
    assert response.status_code == 405
    assert not AskedQuestion.objects.filter(bank_question__isnull=False).exists()


# ---------------------------------------------------------------- the coach's look at a note


def check(client, note, **data):
    return client.post(reverse("coach:note_check", args=[note.pk]), data)


def test_a_note_waiting_for_the_coach_shows_the_check_form(coach_client, round, note):
    body = page(coach_client, round)
    card = body.split(f'id="note-{note.pk}"', 1)[1].split("</article>", 1)[0]
    assert "Waiting for your look" in card
    assert "Cam Candidate asked you to look at this note" in card
    assert f'action="{reverse("coach:note_check", args=[note.pk])}"' in card
    assert "Looks good to send" in card
    assert note.body.splitlines()[0] in card
    assert "Next: Cam Candidate asked you to look at a thank-you note" in body


def test_the_coach_comments_and_approves_and_the_candidate_is_emailed(
    coach_client, candidate, round, note, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = check(coach_client, note, comment="Name the billing project.", approve="on")
    assert response.status_code == 302
    assert response.url == f"{round.get_absolute_url()}#note-{note.pk}"
    note.refresh_from_db()
    assert note.coach_comment == "Name the billing project."
    assert note.approved is True
    assert note.checked_at is not None
    assert not note.awaiting_check
    [email] = mailoutbox
    assert email.to == [candidate.user.email]
    assert "Name the billing project." in email.body
    assert "looks good to send" in email.body
    assert f"#note-{note.pk}" in email.body

    card = page(coach_client, round).split(f'id="note-{note.pk}"', 1)[1].split("</article>")[0]
    assert "Approved" in card
    assert "Name the billing project." in card
    assert reverse("coach:note_check", args=[note.pk]) not in card


def test_a_comment_alone_is_stored_without_approval(coach_client, round, note):
    check(coach_client, note, comment="Shorter, please.")
    note.refresh_from_db()
    assert (note.coach_comment, note.approved) == ("Shorter, please.", False)
    assert "You commented" in page(coach_client, round)


def test_an_empty_answer_is_a_form_error_and_nothing_is_stored(
    coach_client, note, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = check(coach_client, note, comment="   ")
    assert response.status_code == 200
    assert "Write a comment, or tick “Looks good to send”." in response.content.decode()
    note.refresh_from_db()
    assert note.checked_at is None and note.awaiting_check
    assert mailoutbox == []


def test_an_overlong_comment_is_a_form_error_and_keeps_the_text(coach_client, note):
    text = "Too long. " * 501
    response = check(coach_client, note, comment=text)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="id_note-{note.pk}-comment"' in body
    assert text.strip() in body
    note.refresh_from_db()
    assert note.coach_comment == ""


def test_a_note_not_waiting_for_a_check_is_refused_with_a_message(
    coach_client, candidate, round, dana, mailoutbox, django_capture_on_commit_callbacks
):
    [draft] = rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = check(coach_client, draft, comment="Unasked advice", approve="on")
    assert response.status_code == 302
    assert messages_of(response) == ["This note is not waiting for your check."]
    draft.refresh_from_db()
    assert (draft.coach_comment, draft.approved, draft.checked_at) == ("", False, None)
    assert mailoutbox == []


def test_answering_twice_is_refused(coach_client, note):
    coach_client.post(reverse("coach:note_check", args=[note.pk]), {"approve": "on"}, follow=True)
    response = check(coach_client, note, comment="Second thoughts")
    assert messages_of(response) == ["This note is not waiting for your check."]
    note.refresh_from_db()
    assert (note.coach_comment, note.approved) == ("", True)


def test_another_coach_cannot_check_the_note(other_coach_client, note):
    response = check(other_coach_client, note, comment="Hi", approve="on")
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.checked_at is None and note.coach_comment == ""


def test_checking_is_post_only(coach_client, note):
    assert coach_client.get(reverse("coach:note_check", args=[note.pk])).status_code == 405
    note.refresh_from_db()
    assert note.checked_at is None


# ---------------------------------------------------------------- the page's cost


def _grow(candidate, round, n):
    for i in range(n):
        interviewer = InterviewerFactory(round=round, name=f"Person {i}")
        ThankYouNote.objects.create(
            round=round,
            interviewer=interviewer,
            to=interviewer.email,
            subject="Thank you",
            body="Thanks.",
            check_requested_at=timezone.now(),
        )
        AskedQuestion.objects.create(round=round, position=i + 1, text=f"Question {i}?")
        make_assignment(candidate, round=round)


@pytest.mark.parametrize("n", [1, 10])
def test_the_round_page_runs_a_fixed_number_of_queries(
    n, coach_client, candidate, round, django_assert_max_num_queries
):
    _grow(candidate, round, n)
    # session, user, the round; interviewers, notes, asked questions, prepared
    # answers, checklists
    # +1: unread notices in the navigation; +2: the candidate's stories and
    # their tags, for the asked questions' suggestions (no tags without stories)
    with django_assert_max_num_queries(11):
        body = page(coach_client, round)
    assert body.count('class="card mb-3 thank-you-note"') == n
    assert body.count("Add to my question bank") == n
    # Every note waiting for the coach has its own form, with its own ids.
    assert body.count("Send to the candidate") == n
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert sorted(ids) == sorted(set(ids))
