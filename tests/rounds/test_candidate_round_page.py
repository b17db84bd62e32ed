"""The candidate's round page as a read model (selectors.rounds.candidate_round):
the timeline read at the page's ``now``, the interviewers still to thank, the
notes with their mail links and the candidate's own checklists for the round."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.forms.rounds import DebriefForm
from interviews.lib.timeline import Phase
from interviews.models import AskedQuestion, ItemKind, Question
from interviews.selectors import rounds as rounds_selectors
from interviews.services import checklists as checklists_services

from ..factories import (
    AssignmentItemFactory,
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    ThankYouNoteFactory,
    make_assignment,
)

START = datetime.datetime(2031, 3, 6, 10, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind"),
        scheduled_at=START,
    )


def page_of(round, candidate, *, now=START + 2 * HOUR):
    return rounds_selectors.candidate_round(round, user=candidate.user, now=now)


@pytest.fixture
def candidate(candidate):
    # The login read now, so that the query counts below are the page's alone.
    assert candidate.user is not None
    return candidate


def test_the_timeline_is_read_at_the_pages_now(round, candidate):
    assert page_of(round, candidate, now=START - HOUR).timeline.phase == Phase.BEFORE
    assert not page_of(round, candidate, now=START - HOUR).timeline.has_started
    assert page_of(round, candidate, now=START + 2 * HOUR).timeline.phase == Phase.AFTER


def test_interviewers_with_an_email_and_no_note_are_still_to_thank(round, candidate):
    tom = InterviewerFactory(round=round, name="Tom", email="tom@example.com")
    ann = InterviewerFactory(round=round, name="Ann", email="ann@example.com")
    InterviewerFactory(round=round, name="Sam", email="")
    ThankYouNoteFactory(round=round, interviewer=ann, to=ann.email)
    page = page_of(round, candidate)
    assert [i.name for i in page.interviewers] == ["Tom", "Ann", "Sam"]
    assert page.to_thank == [tom]
    # Tom's missing note keeps the thank-you waiting.
    assert page.timeline.thank_you_due == "due in 22 h"


def test_each_note_opens_its_saved_text_in_the_mail_program(round, candidate):
    written = ThankYouNoteFactory(
        round=round, to="tom@example.com", subject="Thank you", body="Dear Tom"
    )
    empty = ThankYouNoteFactory(round=round, to="ann@example.com", subject="", body="")
    rows = {row.note.pk: row for row in page_of(round, candidate).notes}
    assert rows[written.pk].mailto == "mailto:tom@example.com?subject=Thank%20you&body=Dear%20Tom"
    assert rows[empty.pk].mailto == ""


def test_only_the_candidates_own_live_checklists_for_this_round(round, candidate, coach):
    own = make_assignment(candidate, round=round, title="Prep")
    withdrawn = make_assignment(candidate, round=round, title="Old prep")
    checklists_services.assignment_withdraw(assignment=withdrawn, by=coach)
    make_assignment(candidate, title="Another round's prep")
    # Another coach's record of the same person, for another company's round.
    elsewhere = CandidateFactory(email=candidate.email, user=candidate.user)
    make_assignment(
        elsewhere, round=InterviewRoundFactory(opportunity__candidate=elsewhere), title="Theirs"
    )
    checklists = page_of(round, candidate).checklists
    assert checklists == [own]
    assert checklists[0].readiness.total == 3


@pytest.mark.parametrize("size", [1, 10])
def test_the_read_model_runs_four_queries_at_any_size(
    round, candidate, size, django_assert_num_queries
):
    for i in range(size):
        interviewer = InterviewerFactory(round=round)
        ThankYouNoteFactory(round=round, interviewer=interviewer, body=f"Note {i}")
        InterviewerFactory(round=round)
        make_assignment(candidate, round=round)
    # Interviewers, notes with their interviewers, checklists with readiness;
    # after the start, the asked questions (none: no stories read for them).
    with django_assert_num_queries(4):
        page = page_of(round, candidate)
        assert len(page.notes) == size
        assert len(page.to_thank) == size
        # Each note's interviewer comes with it.
        assert {row.note.interviewer.round_id for row in page.notes} == {round.pk}
        assert len(page.checklists) == size


def test_the_debrief_form_reads_its_questions_and_prepared_answers(
    round, candidate, coach, django_assert_num_queries
):
    AskedQuestion.objects.create(round=round, position=1, text="Why us?", covered=True)
    question = QuestionFactory(owner=coach, category=Question.Category.ANSWER)
    prep = make_assignment(candidate, round=round, kinds=("text",))
    prepared = AssignmentItemFactory(
        assignment=prep,
        position=2,
        kind=ItemKind.TEXT,
        prompt="Your biggest project",
        question=question,
    )
    with django_assert_num_queries(2):
        form = DebriefForm.for_round(round)
    assert form.initial["asked"] == "Why us?"
    assert [item.pk for item in form.prepared] == [prepared.pk]
    assert form.fields[f"came_up-{prepared.pk}"].label == "Your biggest project"


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("size", [1, 10])
@pytest.mark.parametrize(("started", "queries"), [(False, 7), (True, 11)])
def test_the_page_runs_a_fixed_number_of_queries(
    round, candidate, candidate_client, size, started, queries, django_assert_max_num_queries
):
    round.scheduled_at = timezone.now() + (-2 * HOUR if started else HOUR)
    round.save()
    for i in range(size):
        interviewer = InterviewerFactory(round=round)
        ThankYouNoteFactory(round=round, interviewer=interviewer, body=f"Note {i}")
        AskedQuestion.objects.create(round=round, position=i + 1, text=f"Question {i}?")
        make_assignment(candidate, round=round)
    # Session, user, the round; its interviewers, notes and checklists; from the
    # start the debrief's asked questions and prepared answers, and for its story
    # suggestions the asked questions and the stories (none here, so no tags);
    # the unread notices.
    with django_assert_max_num_queries(queries):
        response = candidate_client.get(reverse("me:round", args=[round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card mb-3 thank-you-note"') == (size if started else 0)
    assert html.count('class="py-2 border-top interviewer"') == size
