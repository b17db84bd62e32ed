"""The checklist in the guide's sections, with answer boxes named for what goes in them."""

import re

import pytest

from interviews.models import ChecklistTemplate, ItemKind, Question, TemplateItem
from interviews.selectors.sections import GuideSection, answer_label, guide_section, in_sections
from interviews.services import checklists as checklists_services

pytestmark = pytest.mark.django_db


def builtin_prep(coach, candidate):
    return checklists_services.assignment_create(
        coach=coach,
        candidate=candidate,
        template=ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None),
    )


def test_the_builtin_prep_falls_into_the_guides_sections_in_order(coach, candidate):
    items = list(builtin_prep(coach, candidate).items.select_related("question"))
    runs = in_sections(items, lambda item: item)
    assert [(run.section, [item.position for item in run.rows]) for run in runs] == [
        (GuideSection.ROLE, [1, 2, 3, 4]),
        (GuideSection.SUCCEED, [5, 6, 7]),
        (GuideSection.CLOSING, [8, 9, 10, 11, 12]),
        (GuideSection.AFTER, [13]),
    ]


def test_each_builtin_item_has_a_label_that_fits_what_it_asks_for(coach, candidate):
    items = builtin_prep(coach, candidate).items.select_related("question")
    labels = {item.question.builtin_key: answer_label(item) for item in items}
    assert labels["role-day-to-day"] == "Questions I will ask"
    assert labels["success-qualities"] == "Questions I will ask"
    assert labels["success-my-match"] == "My answer"
    assert labels["success-gap"] == "My answer"
    # Asked of the interviewer at the close: what the candidate will offer.
    assert labels["close-anything-else"] == "My plan"
    assert labels["close-references"] == "Note"  # a tick-off task
    assert labels["follow-up-thank-you"] == "My plan"


@pytest.mark.parametrize(
    ("category", "kind", "section", "label"),
    [
        (Question.Category.ASK, ItemKind.TEXT, GuideSection.ASK, "Questions I will ask"),
        (Question.Category.ANSWER, ItemKind.TEXT, GuideSection.SUCCEED, "My answer"),
        (Question.Category.BRING, ItemKind.CHECK, GuideSection.CLOSING, "Note"),
        (Question.Category.BRING, ItemKind.TEXT, GuideSection.CLOSING, "My plan"),
        (Question.Category.FOLLOW_UP, ItemKind.TEXT, GuideSection.AFTER, "My plan"),
    ],
)
def test_a_coachs_own_bank_question_is_placed_by_its_category(
    coach, category, kind, section, label
):
    question = Question.objects.create(owner=coach, prompt="Own question", category=category)
    item = TemplateItem(kind=kind, prompt="Own question", question=question)
    assert guide_section(item) == section
    assert answer_label(item) == label


def test_an_item_written_by_the_coach_is_more_to_prepare_and_an_email_comes_after():
    assert guide_section(TemplateItem(kind=ItemKind.TEXT, prompt="x")) == GuideSection.OTHER
    assert answer_label(TemplateItem(kind=ItemKind.TEXT, prompt="x")) == "My answer"
    assert guide_section(TemplateItem(kind=ItemKind.EMAIL, prompt="x")) == GuideSection.AFTER


def test_sections_keep_the_coachs_order_and_start_a_new_heading_where_it_changes(coach):
    asks = Question.objects.create(owner=coach, prompt="Ask", category=Question.Category.ASK)
    items = [
        TemplateItem(kind=ItemKind.TEXT, prompt="1", question=asks),
        TemplateItem(kind=ItemKind.TEXT, prompt="2"),
        TemplateItem(kind=ItemKind.TEXT, prompt="3", question=asks),
        TemplateItem(kind=ItemKind.TEXT, prompt="4", question=asks),
    ]
    runs = in_sections(items, lambda item: item)
    assert [(run.section, [item.prompt for item in run.rows]) for run in runs] == [
        (GuideSection.ASK, ["1"]),
        (GuideSection.OTHER, ["2"]),
        (GuideSection.ASK, ["3", "4"]),
    ]
    assert in_sections([], lambda item: item) == []


def test_the_checklist_page_shows_the_sections_and_the_labels(coach, candidate, candidate_client):
    assignment = builtin_prep(coach, candidate)
    html = candidate_client.get(assignment.get_candidate_url()).content.decode()
    headings = re.findall(r'<h2 class="h5 checklist-section-title"[^>]*>([^<]+)</h2>', html)
    assert headings == [
        "About the role",
        "What it takes to succeed",
        "Closing the interview",
        "After the interview",
    ]
    items = {
        item.question.builtin_key: item for item in assignment.items.select_related("question")
    }

    def label_of(key: str) -> str:
        field_id = f"id_item-{items[key].pk}-response_text"
        match = re.search(rf'<label[^>]*for="{field_id}"[^>]*>\s*([^<]+?)\s*<', html)
        assert match, key
        return match.group(1)

    assert label_of("role-day-to-day") == "Questions I will ask"
    assert label_of("success-my-match") == "My answer"
    assert label_of("close-anything-else") == "My plan"
    assert label_of("close-references") == "Note"
    assert "Your answer" not in html
    # Items stay numbered in order across the sections.
    positions = re.findall(r'class="h6 mb-0 fw-semibold item-prompt"[^>]*>(\d+)\.', html)
    assert positions == [str(n) for n in range(1, 14)]
