"""The template editor's unsaved changes: Move up/down, Remove and Undo, and
adding bank questions, all without a script and without saving until Save."""

import re

import pytest
from django.urls import reverse

from interviews.models import ChecklistTemplate, Question, TemplateItem
from interviews.selectors.sections import GuideSection
from interviews.services import library as library_services

from ..factories import ChecklistTemplateFactory, QuestionFactory, TemplateItemFactory
from .test_checklist_templates import editor_data

UNSAVED = "Nothing is saved until you press Save."


def _url(template):
    return reverse("coach:template_edit", args=[template.pk])


def _stored(template) -> list[str]:
    return list(template.items.order_by("position").values_list("prompt", flat=True))


def _shown(response) -> list[str]:
    """The prompts of the items in the order the re-rendered editor shows them."""
    return [row.form["prompt"].value() for row in response.context["layout"].rows]


def _positions(response) -> list[str]:
    return [str(row.form["ORDER"].value()) for row in response.context["layout"].rows]


def _save(client, template, response):
    """Press Save on the re-rendered page: post the form as it came back."""
    data = response.context["formset"].data.copy()
    return client.post(_url(template), data)


# ---------------------------------------------------------------- moving


def test_move_down_reorders_the_unsaved_form_keeping_every_edit(coach_client, own_template):
    data = editor_data(
        own_template, title="Unsaved title", changes={2: {"prompt": "Third, reworded"}}
    )
    response = coach_client.post(_url(own_template), {**data, "move": "down:0"})

    assert response.status_code == 200
    assert _shown(response) == ["Second", "First", "Third, reworded"]
    assert _positions(response) == ["1", "2", "3"]
    body = response.content.decode()
    assert f"Item moved. {UNSAVED}" in body
    assert 'value="Unsaved title"' in body
    # The moved item's same button has the focus.
    assert 'id="down-0" class="btn btn-sm btn-outline-secondary" data-move="down"' in body
    assert "autofocus" in body.split('id="down-0"')[1].split(">")[0]
    # Nothing stored.
    own_template.refresh_from_db()
    assert own_template.title == "My second round"
    assert _stored(own_template) == ["First", "Second", "Third"]


def test_move_up_then_save_stores_the_new_order_and_edits(coach_client, own_template):
    data = editor_data(own_template, changes={0: {"prompt": "First, reworded"}})
    moved = coach_client.post(_url(own_template), {**data, "move": "up:2"})
    assert _shown(moved) == ["First, reworded", "Third", "Second"]

    saved = _save(coach_client, own_template, moved)
    assert saved.status_code == 302
    assert _stored(own_template) == ["First, reworded", "Third", "Second"]
    assert list(own_template.items.values_list("position", flat=True).order_by("position")) == [
        1,
        2,
        3,
    ]


def test_an_item_moved_to_the_top_focuses_its_move_down_button(coach_client, own_template):
    response = coach_client.post(_url(own_template), {**editor_data(own_template), "move": "up:1"})
    assert _shown(response) == ["Second", "First", "Third"]
    body = response.content.decode()
    up = body.split('id="up-1"')[1].split(">")[0]
    down = body.split('id="down-1"')[1].split(">")[0]
    assert "disabled" in up
    assert "autofocus" in down and "autofocus" not in up


@pytest.mark.parametrize(
    ("move", "message"),
    [("up:0", "That item is already first."), ("down:2", "That item is already last.")],
)
def test_the_first_cannot_move_up_nor_the_last_down(coach_client, own_template, move, message):
    response = coach_client.post(_url(own_template), {**editor_data(own_template), "move": move})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _shown(response) == ["First", "Second", "Third"]


def test_the_first_item_has_no_working_move_up_and_the_last_no_move_down(
    coach_client, own_template
):
    body = coach_client.get(_url(own_template)).content.decode()
    assert "disabled" in body.split('id="up-0"')[1].split(">")[0]
    assert "disabled" not in body.split('id="down-0"')[1].split(">")[0]
    assert "disabled" in body.split('id="down-2"')[1].split(">")[0]


@pytest.mark.parametrize(
    "move", ["up:99", "up:abc", "sideways:1", "up:-1", "up:", "", "down:3", "1"]
)
def test_a_tampered_move_is_refused_with_a_message_not_a_500(coach_client, own_template, move):
    data = editor_data(own_template, changes={1: {"prompt": "Kept edit"}})
    response = coach_client.post(_url(own_template), {**data, "move": move})
    assert response.status_code == 200
    assert "That item is not in the list (any more). Nothing was moved." in (
        response.content.decode()
    )
    assert _shown(response) == ["First", "Kept edit", "Third"]
    assert _stored(own_template) == ["First", "Second", "Third"]


def test_invalid_input_elsewhere_does_not_block_a_move(coach_client, own_template):
    data = editor_data(own_template, title="", changes={2: {"prompt": "p" * 501}})
    response = coach_client.post(_url(own_template), {**data, "move": "up:1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert _shown(response) == ["Second", "First", "p" * 501]
    assert "Please correct the problems below" not in body  # shown on Save, not on a move
    # ... and on Save the errors show as usual, with the moved order kept.
    saved = _save(coach_client, own_template, response)
    assert saved.status_code == 200
    assert "Please correct the problems below" in saved.content.decode()
    assert _shown(saved) == ["Second", "First", "p" * 501]
    assert _stored(own_template) == ["First", "Second", "Third"]


def test_a_move_without_the_management_form_is_an_error_not_a_500(coach_client, own_template):
    response = coach_client.post(_url(own_template), {"title": "X", "move": "up:1"})
    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.content.decode()
    assert _stored(own_template) == ["First", "Second", "Third"]


def test_another_coach_cannot_move_items(other_coach_client, own_template):
    response = other_coach_client.post(
        _url(own_template), {**editor_data(own_template), "move": "up:1"}
    )
    assert response.status_code == 404


def test_a_new_unsaved_item_can_be_moved_up(coach_client, own_template):
    data = editor_data(own_template, new=[{"prompt": "Typed new item", "required": "on"}])
    response = coach_client.post(_url(own_template), {**data, "move": "up:3"})
    assert _shown(response) == ["First", "Second", "Typed new item", "Third"]
    saved = _save(coach_client, own_template, response)
    assert saved.status_code == 302
    assert _stored(own_template) == ["First", "Second", "Typed new item", "Third"]


# ---------------------------------------------------------------- removing


def test_remove_takes_the_item_out_of_the_form_and_save_deletes_it(coach_client, own_template):
    first = own_template.items.get(prompt="First")
    data = editor_data(own_template, changes={1: {"prompt": "Second, reworded"}})
    response = coach_client.post(_url(own_template), {**data, "remove": "0"})

    assert response.status_code == 200
    assert _shown(response) == ["Second, reworded", "Third"]
    assert _positions(response) == ["1", "2"]
    body = response.content.decode()
    assert f"Item removed. {UNSAVED}" in body
    assert 'name="restore" value="0"' in body  # Undo
    assert TemplateItem.objects.filter(pk=first.pk).exists()

    saved = _save(coach_client, own_template, response)
    assert saved.status_code == 302
    assert not TemplateItem.objects.filter(pk=first.pk).exists()
    assert list(own_template.items.order_by("position").values_list("prompt", "position")) == [
        ("Second, reworded", 1),
        ("Third", 2),
    ]


def test_undo_puts_a_removed_item_back_where_it_was(coach_client, own_template):
    removed = coach_client.post(_url(own_template), {**editor_data(own_template), "remove": "1"})
    data = removed.context["formset"].data.copy()
    data["restore"] = "1"
    response = coach_client.post(_url(own_template), data)
    assert "Item put back." in response.content.decode()
    assert _shown(response) == ["First", "Second", "Third"]
    assert _save(coach_client, own_template, response).status_code == 302
    assert _stored(own_template) == ["First", "Second", "Third"]


def test_removing_a_new_unsaved_item_drops_it(coach_client, own_template):
    data = editor_data(own_template, new=[{"prompt": "Typed new item", "required": "on"}])
    response = coach_client.post(_url(own_template), {**data, "remove": "3"})
    assert _shown(response) == ["First", "Second", "Third"]
    assert _save(coach_client, own_template, response).status_code == 302
    assert _stored(own_template) == ["First", "Second", "Third"]


@pytest.mark.parametrize("bad", ["99", "x", "-1", ""])
def test_a_tampered_remove_or_undo_is_refused(coach_client, own_template, bad):
    for name in ("remove", "restore"):
        response = coach_client.post(_url(own_template), {**editor_data(own_template), name: bad})
        assert response.status_code == 200
        assert "Nothing was" in response.content.decode()
        assert _shown(response) == ["First", "Second", "Third"]
    assert _stored(own_template) == ["First", "Second", "Third"]


# ---------------------------------------------------------------- adding from the bank


@pytest.fixture
def guide_copy(coach) -> ChecklistTemplate:
    """The coach's copy of the built-in second-round template: items in the guide's sections."""
    builtin = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    return library_services.template_copy(template=builtin, by=coach)


def test_add_from_bank_keeps_unsaved_edits_and_adds_at_the_end_of_the_section(
    coach_client, coach, guide_copy
):
    mine = QuestionFactory(owner=coach, prompt="Which team would I join?", category="answer")
    data = editor_data(guide_copy, title="Edited title", changes={0: {"prompt": "Edited first"}})
    response = coach_client.post(
        _url(guide_copy), {**data, "add_from_bank": "1", "questions": [str(mine.pk)]}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f"1 question added. {UNSAVED}" in body
    assert 'value="Edited title"' in body
    rows = response.context["layout"].rows
    prompts = [row.form["prompt"].value() for row in rows]
    assert prompts[0] == "Edited first"
    at = prompts.index("Which team would I join?")
    sections = [row.section for row in rows]
    assert sections[at] == GuideSection.SUCCEED
    assert sections[at - 1] == GuideSection.SUCCEED  # after the section's last item ...
    assert GuideSection.SUCCEED not in sections[at + 1 :]  # ... and none of it after
    assert at < len(rows) - 1  # not simply at the end
    assert _positions(response) == [str(n) for n in range(1, len(rows) + 1)]
    assert guide_copy.items.count() == 13  # nothing saved yet

    saved = _save(coach_client, guide_copy, response)
    assert saved.status_code == 302
    stored = list(guide_copy.items.order_by("position"))
    assert [item.prompt for item in stored] == prompts
    assert stored[at].question == mine
    guide_copy.refresh_from_db()
    assert guide_copy.title == "Edited title"


def test_a_question_of_a_section_not_in_the_template_goes_at_the_end(
    coach_client, coach, own_template
):
    builtin = Question.objects.filter(owner__isnull=True, category="ask").order_by("prompt")[0]
    mine = QuestionFactory(owner=coach, prompt="Bring references", category="bring")
    data = editor_data(own_template, new=[{"prompt": "Typed new item", "required": "on"}])
    response = coach_client.post(
        _url(own_template),
        {**data, "add_from_bank": "1", "questions": [str(mine.pk), str(builtin.pk)]},
    )
    assert "2 questions added." in response.content.decode()
    assert _shown(response) == [
        "First",
        "Second",
        "Third",
        "Typed new item",
        builtin.prompt,  # bank order: "ask" before "bring"
        "Bring references",
    ]
    assert _save(coach_client, own_template, response).status_code == 302
    added = own_template.items.get(prompt="Bring references")
    assert (added.question, added.kind, added.position) == (mine, "check", 6)


def test_save_with_questions_still_ticked_adds_them_first_and_saves_nothing(
    coach_client, coach, own_template
):
    """A tick in the bank is something the coach chose: Save does not drop it."""
    mine = QuestionFactory(owner=coach, prompt="Which team would I join?", category="answer")
    data = editor_data(own_template, changes={0: {"prompt": "Kept edit"}})
    response = coach_client.post(_url(own_template), {**data, "questions": [str(mine.pk)]})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not saved yet: the questions you ticked in the bank come first." in body
    assert f"1 question added. {UNSAVED}" in body
    assert _shown(response) == ["Kept edit", "Second", "Third", "Which team would I join?"]
    assert _stored(own_template) == ["First", "Second", "Third"]
    # Save again, as the page asks: everything is stored.
    assert _save(coach_client, own_template, response).status_code == 302
    assert _stored(own_template) == ["Kept edit", "Second", "Third", "Which team would I join?"]


def test_add_nothing_ticked_is_a_clear_error_keeping_the_edits(coach_client, own_template):
    data = editor_data(own_template, changes={0: {"prompt": "Kept edit"}})
    response = coach_client.post(_url(own_template), {**data, "add_from_bank": "1"})
    assert response.status_code == 200
    assert "Tick at least one question" in response.content.decode()
    assert _shown(response) == ["Kept edit", "Second", "Third"]
    assert _stored(own_template) == ["First", "Second", "Third"]


@pytest.mark.parametrize("bad", ["999999", "abc", "retired", "foreign"])
def test_add_unknown_retired_or_foreign_question_is_a_clear_error(
    coach_client, coach, other_coach, own_template, bad
):
    ids = {
        "retired": lambda: QuestionFactory(owner=coach, retired=True).pk,
        "foreign": lambda: QuestionFactory(owner=other_coach).pk,
    }
    value = ids[bad]() if bad in ids else bad
    response = coach_client.post(
        _url(own_template),
        {**editor_data(own_template), "add_from_bank": "1", "questions": [value]},
    )
    assert response.status_code == 200
    assert "not in your bank" in response.content.decode()
    assert _shown(response) == ["First", "Second", "Third"]
    assert own_template.items.count() == 3


def test_a_new_item_claiming_a_foreign_question_is_refused_on_save(
    coach_client, other_coach, own_template
):
    foreign = QuestionFactory(owner=other_coach)
    data = editor_data(own_template, new=[{"prompt": "Smuggled", "bank_question": str(foreign.pk)}])
    response = coach_client.post(_url(own_template), data)
    assert response.status_code == 200
    assert "not in your bank" in response.content.decode()
    assert _stored(own_template) == ["First", "Second", "Third"]


# ---------------------------------------------------------------- the page


def test_the_editor_shows_the_guides_sections(coach_client, guide_copy):
    response = coach_client.get(_url(guide_copy))
    runs = response.context["layout"].runs
    assert [run.section for run in runs][:2] == [GuideSection.ROLE, GuideSection.SUCCEED]
    body = response.content.decode()
    assert '<h3 class="h6 editor-section" data-section-heading>About the role</h3>' in body
    assert 'src="/static/js/template-editor.js" defer' in body
    assert "data-warn-unsaved" in body


@pytest.mark.parametrize("count", [5, 60])
def test_editor_get_query_count_is_pinned(coach_client, coach, django_assert_num_queries, count):
    template = ChecklistTemplateFactory(owner=coach)
    questions = QuestionFactory.create_batch(count, owner=coach)
    for question in questions:
        TemplateItemFactory(template=template, question=question)
    # session, user, template, items with their questions, the bank (the
    # unread-notice count is on the user row since issue 25)
    with django_assert_num_queries(5):
        response = coach_client.get(_url(template))
    assert response.status_code == 200
    assert len(response.context["layout"].rows) == count


def test_a_full_template_posts_fewer_fields_than_django_accepts(coach_client, coach, settings):
    """Every field of a 200-item editor goes up with Save and each Move: it must
    stay under DATA_UPLOAD_MAX_NUMBER_FIELDS or Django answers 400."""
    template = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory.create_batch(ChecklistTemplate.MAX_ITEMS, template=template)
    body = coach_client.get(_url(template)).content.decode()
    form = body.split('id="template-editor"')[1].split("</form>")[0]
    fields = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="', form)
    assert len(fields) <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert len(fields) > 1000  # Django's default would refuse it
