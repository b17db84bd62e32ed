"""The writing checks under a checklist's written answers and email drafts
(selectors.checklists.item_findings): on the candidate's fill page after
saving, from the stored text, and beside the answer on the coach's review page.
No query of their own."""

import re

import pytest
from django.urls import reverse

from interviews.models import Assignment, Question
from interviews.selectors import checklists as checklists_selectors
from interviews.selectors import review as review_selectors
from interviews.services import checklists as checklists_services
from interviews.services import stories as stories_services

from ..checklist_helpers import fill_all, form_data, item
from ..factories import InterviewRoundFactory, OpportunityFactory, QuestionFactory, make_assignment

WE = "We planned it, our team built it and we shipped it."
WE_FINDING = "“We” comes up far more than “I” in this answer (3 against 0)"
PRESSING = "Dear Tom,\nThanks for the talk about the audit. Please let me know by Friday."


@pytest.fixture
def assignment(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind"),
        debrief_notes="Tom talked about the audit.",
    )
    return make_assignment(candidate, kinds=("text", "text", "email", "check"), round=round)


def save(assignment, candidate, position, **values):
    it = item(assignment, position)
    checklists_services.assignment_save(
        assignment=assignment, by=candidate.user, responses={it.pk: (it.version, values)}
    )


def card(html: str, it) -> str:
    start = html.index(f'id="item-{it.pk}"')
    return html[start : html.index("</li>\n", start)]


def suggestions(section: str) -> list[str]:
    block = re.search(
        r'<div class="writing-findings[^"]*" role="note" aria-label="Suggestions">(.*?)</div>',
        section,
        re.S,
    )
    return re.findall(r"<li [^>]*>(.*?)</li>", block.group(1), re.S) if block else []


def fill_page(client, assignment) -> str:
    return client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()


def test_a_saved_answer_shows_its_suggestions_on_the_fill_page(
    assignment, candidate, candidate_client
):
    save(assignment, candidate, 1, response_text=WE)
    html = fill_page(candidate_client, assignment)
    found = suggestions(card(html, item(assignment, 1)))
    assert len(found) == 2
    assert WE_FINDING in found[0]
    assert found[1].startswith("About 5 seconds when spoken")
    # An empty answer, a task: nothing to suggest.
    assert suggestions(card(html, item(assignment, 2))) == []
    assert suggestions(card(html, item(assignment, 4))) == []


def test_the_suggestions_come_from_the_stored_answer_not_the_typed_one(
    assignment, candidate, candidate_client
):
    tab_b = form_data(assignment, item1={"response_text": "I did it all myself."})
    save(assignment, candidate, 1, response_text=WE)
    # Tab B's save is refused (a conflict): its text stays in the form, unsaved.
    response = candidate_client.post(reverse("me:checklist", args=[assignment.pk]), tab_b)
    assert response.status_code == 200
    html = response.content.decode()
    assert "I did it all myself." in card(html, item(assignment, 1))
    assert WE_FINDING in suggestions(card(html, item(assignment, 1)))[0]


def test_a_question_to_ask_gets_no_answer_suggestions(candidate, coach, candidate_client):
    question = QuestionFactory(owner=coach, category=Question.Category.ASK)
    assignment = make_assignment(candidate, kinds=("text",))
    it = item(assignment, 1)
    it.question = question
    it.save(update_fields=["question"])
    save(assignment, candidate, 1, response_text=WE)
    assert suggestions(card(fill_page(candidate_client, assignment), it)) == []


def test_an_email_draft_gets_the_note_suggestions(assignment, candidate, candidate_client):
    save(
        assignment,
        candidate,
        3,
        email_to="tom@example.com",
        email_subject="Thank you",
        email_body=PRESSING,
    )
    found = suggestions(card(fill_page(candidate_client, assignment), item(assignment, 3)))
    assert len(found) == 1
    assert "“let me know by” can read as pressing" in found[0]


def test_the_coach_sees_the_same_suggestions_in_the_review(
    assignment, candidate, candidate_client, coach_client
):
    save(assignment, candidate, 1, response_text=WE)
    save(assignment, candidate, 3, email_to="tom@example.com", email_body=PRESSING)
    review = coach_client.get(
        reverse("coach:assignment_detail", args=[assignment.pk])
    ).content.decode()
    fill = fill_page(candidate_client, assignment)
    for position in (1, 3):
        it = item(assignment, position)
        assert suggestions(card(review, it)) == suggestions(card(fill, it)) != []


@pytest.mark.parametrize("size", [3, 30])
def test_the_suggestions_add_no_query(candidate, size, django_assert_num_queries):
    round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
    assignment = make_assignment(
        candidate, kinds=(["text", "check", "email"] * 10)[:size], round=round
    )
    fill_all(assignment)
    assignment = Assignment.objects.select_related("candidate", "round__opportunity").get(
        pk=assignment.pk
    )
    # The items, their comments, their files, the stories used and the bank
    # (empty here, so no tags), the rehearsal takes of the written answers:
    # as without the checks (never reviewed: no review to read).
    with django_assert_num_queries(6):
        page = checklists_selectors.candidate_checklist(assignment, now=round.scheduled_at)
        assert all(row.findings for row in page.rows if row.item.kind == "text")
    # The items, their comments, their revisions, their files and file
    # history, the takes sent to the coach, the reviews, the frozen stories:
    # as without the checks.
    with django_assert_num_queries(8):
        review = review_selectors.checklist_review(assignment)
        assert all(row.findings for row in review.rows if row.item.kind == "text")


def test_an_answer_whose_examples_are_stories_is_not_too_short(candidate, assignment):
    save(assignment, candidate, 1, response_text="Two examples fit: see my stories.")
    it = item(assignment, 1)
    assert [
        f.code
        for f in checklists_selectors.item_findings(
            it, assignment=assignment, items=[it], uses_stories=False
        )
    ] == ["too_short"]
    story = stories_services.story_create(
        candidate=candidate, by=candidate.user, values={"title": "Churn model", "action": "I"}
    )
    checklists_services.item_story_use(item=it, story=story, by=candidate.user)
    page = checklists_selectors.candidate_checklist(
        assignment, now=assignment.created_at, items=None
    )
    assert page.rows[0].findings == []
