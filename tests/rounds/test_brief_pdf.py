"""Answers on the brief are bounded, so no PDF of it is unbounded either."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from interviews.models import AssignmentItem
from interviews.selectors import brief as brief_selectors
from interviews.selectors.brief import NOTE_LIMIT, NOTES_LIMIT, cut

from ..factories import InterviewRoundFactory, OpportunityFactory
from .test_brief import INTERVIEW_AT, brief_url, pdf_url, prep_for

WORDS = "situation task action result learned measured "  # 46 characters


def long_answer(length: int = 20_000) -> str:
    return (WORDS * (length // len(WORDS) + 1))[:length]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def round_(candidate):
    opportunity = OpportunityFactory(
        candidate=candidate, company="Fabrikam", position="Engineering Manager"
    )
    return InterviewRoundFactory(opportunity=opportunity, sequence=2, scheduled_at=INTERVIEW_AT)


@pytest.fixture
def prep(coach, candidate, round_):
    """The built-in second-round prep with one short answer."""
    assignment = prep_for(coach, candidate, round_)
    set_answer(assignment, "The team owns billing.")
    return assignment


def answer_item(assignment) -> AssignmentItem:
    return assignment.items.get(question__builtin_key="role-day-to-day")


def set_answer(assignment, text: str) -> None:
    AssignmentItem.objects.filter(pk=answer_item(assignment).pk).update(response_text=text)


# ---------------------------------------------------------------- bounded answers


def test_a_short_text_is_kept_and_a_long_one_cut_at_a_word():
    assert cut("short answer", 100) == ("short answer", False)
    text, was_cut = cut("alpha beta gamma delta", 13)
    assert (text, was_cut) == ("alpha beta", True)
    # One very long word is cut inside it rather than losing the whole answer.
    assert cut("x" * 5000, NOTE_LIMIT) == ("x" * NOTE_LIMIT, True)


def test_a_long_answer_shows_its_start_and_points_to_the_app(coach_client, candidate_client, prep):
    set_answer(prep, long_answer())

    html = candidate_client.get(brief_url(prep.round)).content.decode()

    entry = brief_selectors.round_brief(prep.round).sections[0].entries[0]
    assert entry.continued and len(entry.note) <= NOTE_LIMIT
    assert long_answer().startswith(entry.note)
    assert long_answer()[len(entry.note)] == " "  # cut between two words
    assert "(continued in Coachsite:" in html
    assert f'href="{reverse("me:checklist", args=[prep.pk])}"' in html
    assert long_answer(3000) not in html
    coach_html = coach_client.get(brief_url(prep.round, "coach")).content.decode()
    assert f'href="{reverse("coach:assignment_detail", args=[prep.pk])}"' in coach_html


def test_a_short_answer_is_not_marked_continued(candidate_client, prep):
    html = candidate_client.get(brief_url(prep.round)).content.decode()
    assert "The team owns billing." in html
    assert "continued in Coachsite" not in html
    assert "site_url" not in html  # the template's comments stay comments


def test_the_whole_brief_shows_at_most_its_budget_of_answers(prep):
    prep.items.filter(kind__in=["text", "check"]).update(response_text=long_answer(), done=True)

    brief = brief_selectors.round_brief(prep.round)

    entries = [entry for section in brief.sections for entry in section.entries]
    assert len(entries) > NOTES_LIMIT // NOTE_LIMIT  # the budget runs out
    assert sum(len(entry.note) for entry in entries) <= NOTES_LIMIT
    assert all(entry.continued for entry in entries)


def test_a_round_of_20000_character_answers_makes_a_bounded_pdf(candidate_client, prep):
    prep.items.filter(kind__in=["text", "check"]).update(response_text=long_answer(), done=True)
    answered = prep.items.filter(kind__in=["text", "check"]).count()

    response = candidate_client.get(pdf_url(prep.round))

    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = pdf_text(response.content)
    # Unbounded, the answers alone would be answered x 20,000 characters.
    assert answered * 20_000 > 10 * NOTES_LIMIT
    assert len(text) < 2 * NOTES_LIMIT
    assert len(reader.pages) <= 12
    assert "continued in Coachsite" in text
