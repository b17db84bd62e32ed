"""Services of the question bank and templates: saving the template editor,
retiring and restoring questions."""

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import ChecklistTemplate, ItemKind, Question, TemplateItem
from interviews.services import library as library_services
from interviews.services.library import TemplateItemData

from ..checklist_helpers import messages_of
from ..factories import ChecklistTemplateFactory, QuestionFactory, TemplateItemFactory


def _builtin() -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(builtin_key="second-round-prep")


def _stored(template) -> list[tuple[int, str]]:
    return list(template.items.order_by("position", "id").values_list("position", "prompt"))


def _row(item: TemplateItem, **changes) -> TemplateItemData:
    values = {
        "id": item.pk,
        "kind": item.kind,
        "prompt": item.prompt,
        "guidance": item.guidance,
        "required": item.required,
        "question_id": item.question_id,
        **changes,
    }
    return TemplateItemData(**values)


def _save(template, by, items, *, removed=(), title=None) -> ChecklistTemplate:
    return library_services.template_save(
        template=template,
        by=by,
        title=template.title if title is None else title,
        description=template.description,
        round_kind=template.round_kind,
        items=items,
        removed=removed,
    )


def _items(template) -> dict[str, TemplateItem]:
    return {item.prompt: item for item in template.items.all()}


# ---------------------------------------------------------------- template_save


def test_template_save_renumbers_the_items_1_to_n_in_the_order_given(coach, own_template):
    first, second, third = (_items(own_template)[p] for p in ("First", "Second", "Third"))
    _save(
        own_template,
        coach,
        [
            _row(third),
            TemplateItemData(id=None, kind=ItemKind.EMAIL, prompt="New", required=False),
            _row(first, prompt="First, reworded"),
        ],
        removed=[second.pk],
        title="Renamed",
    )
    own_template.refresh_from_db()
    assert own_template.title == "Renamed"
    assert _stored(own_template) == [(1, "Third"), (2, "New"), (3, "First, reworded")]
    assert not TemplateItem.objects.filter(pk=second.pk).exists()
    new = own_template.items.get(prompt="New")
    assert (new.kind, new.required, new.question_id) == (ItemKind.EMAIL, False, None)


def test_template_save_closes_gaps_left_by_earlier_positions(coach):
    template = ChecklistTemplateFactory(owner=coach)
    items = [
        TemplateItemFactory(template=template, position=position, prompt=f"At {position}")
        for position in (3, 7, 40)
    ]
    _save(template, coach, [_row(item) for item in items])
    assert _stored(template) == [(1, "At 3"), (2, "At 7"), (3, "At 40")]


def test_template_save_keeps_items_added_elsewhere_after_the_sent_ones(coach, own_template):
    items = _items(own_template)
    added_in_another_tab = TemplateItemFactory(template=own_template, position=4, prompt="Added")
    _save(own_template, coach, [_row(items["Second"]), _row(items["First"])])
    assert _stored(own_template) == [(1, "Second"), (2, "First"), (3, "Third"), (4, "Added")]
    assert TemplateItem.objects.filter(pk=added_in_another_tab.pk).exists()


def test_template_save_keeps_the_question_link_of_stored_items(coach, own_template):
    question = QuestionFactory(owner=coach)
    first = _items(own_template)["First"]
    first.question = question
    first.save()
    _save(own_template, coach, [_row(first, prompt="Reworded")])
    first.refresh_from_db()
    assert (first.prompt, first.question) == ("Reworded", question)


@pytest.mark.parametrize("owner", ["builtin", "other_coach"])
def test_template_save_refuses_builtins_and_other_coaches_templates(coach, other_coach, owner):
    if owner == "builtin":
        template = _builtin()
    else:
        template = ChecklistTemplateFactory(owner=other_coach, title="Olive's")
        TemplateItemFactory(template=template, position=1, prompt="Hers")
    title, before = template.title, _stored(template)
    items = list(template.items.all())
    with pytest.raises(services.NotAllowed):
        _save(
            template,
            coach,
            [_row(items[-1], prompt="Hacked")],
            removed=[item.pk for item in items[:-1]],
            title="Hacked",
        )
    template.refresh_from_db()
    assert template.title == title
    assert _stored(template) == before


def test_template_save_refuses_an_item_of_another_template(coach, other_coach, own_template):
    foreign = TemplateItemFactory(template=ChecklistTemplateFactory(owner=other_coach))
    items = _items(own_template)
    with pytest.raises(services.WrongState, match="reload the page"):
        _save(own_template, coach, [_row(items["First"]), _row(foreign, prompt="Stolen")])
    foreign.refresh_from_db()
    assert foreign.prompt != "Stolen"
    assert _stored(own_template) == [(1, "First"), (2, "Second"), (3, "Third")]


def test_template_save_refuses_an_item_removed_in_another_tab(coach, own_template):
    items = _items(own_template)
    TemplateItem.objects.filter(pk=items["Second"].pk).delete()  # in another tab
    with pytest.raises(services.WrongState, match="removed elsewhere"):
        _save(own_template, coach, [_row(items["Second"]), _row(items["First"])], title="Not")
    own_template.refresh_from_db()
    assert own_template.title == "My second round"
    assert _stored(own_template) == [(1, "First"), (3, "Third")]


def test_template_save_refuses_the_same_item_twice(coach, own_template):
    first = _items(own_template)["First"]
    with pytest.raises(services.WrongState, match="twice"):
        _save(own_template, coach, [_row(first), _row(first, prompt="Again")])
    with pytest.raises(services.WrongState, match="twice"):
        _save(own_template, coach, [_row(first)], removed=[first.pk])
    assert _stored(own_template) == [(1, "First"), (2, "Second"), (3, "Third")]


def test_template_save_refuses_a_question_outside_the_coachs_bank(coach, other_coach, own_template):
    theirs = QuestionFactory(owner=other_coach)
    with pytest.raises(services.NotAllowed):
        _save(
            own_template,
            coach,
            [TemplateItemData(id=None, kind="text", prompt="x", question_id=theirs.pk)],
        )
    assert own_template.items.count() == 3
    builtin = Question.objects.filter(owner__isnull=True).first()
    _save(
        own_template,
        coach,
        [TemplateItemData(id=None, kind="text", prompt="y", question_id=builtin.pk)],
    )
    assert own_template.items.get(prompt="y").question == builtin


def test_template_save_stops_at_the_item_cap(coach):
    template = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory.create_batch(ChecklistTemplate.MAX_ITEMS - 1, template=template)
    two = [TemplateItemData(id=None, kind="text", prompt=f"New {n}") for n in (1, 2)]
    with pytest.raises(services.WrongState, match="at most 200 items; this one would have 201"):
        _save(template, coach, two)
    assert template.items.count() == ChecklistTemplate.MAX_ITEMS - 1
    _save(template, coach, two[:1])
    assert template.items.count() == ChecklistTemplate.MAX_ITEMS
    assert template.items.filter(position=1, prompt="New 1").exists()


def test_template_save_writes_only_the_rows_that_changed(
    coach, own_template, django_assert_num_queries
):
    items = _items(own_template)
    rows = [_row(items[p]) for p in ("First", "Second", "Third")]
    # Savepoint, lock, items, template (no item writes), release.
    with django_assert_num_queries(5):
        _save(own_template, coach, rows)
    # + one bulk update for the reworded row.
    rows[1] = _row(items["Second"], prompt="Reworded")
    with django_assert_num_queries(6):
        _save(own_template, coach, rows)
    assert _stored(own_template) == [(1, "First"), (2, "Reworded"), (3, "Third")]


def test_template_save_is_keyword_only(coach, own_template):
    with pytest.raises(TypeError):
        library_services.template_save(own_template, coach)  # type: ignore[misc]


# ---------------------------------------------------------------- question_retire / restore


def test_retire_and_restore_store_the_state(coach):
    question = QuestionFactory(owner=coach, prompt="Why this team?")
    library_services.question_retire(question=question, by=coach)
    question.refresh_from_db()
    assert question.retired is True
    library_services.question_restore(question=question, by=coach)
    question.refresh_from_db()
    assert question.retired is False


def test_retiring_a_retired_question_is_a_wrong_state(coach):
    question = QuestionFactory(owner=coach, prompt="Why this team?", retired=True)
    with pytest.raises(services.WrongState) as error:
        library_services.question_retire(question=question, by=coach)
    assert str(error.value) == "“Why this team?” was already retired."


def test_restoring_a_question_in_the_bank_is_a_wrong_state(coach):
    question = QuestionFactory(owner=coach, prompt="Why this team?")
    with pytest.raises(services.WrongState, match="is already in your bank"):
        library_services.question_restore(question=question, by=coach)
    question.refresh_from_db()
    assert question.retired is False


@pytest.mark.parametrize(
    "action", [library_services.question_retire, library_services.question_restore]
)
def test_only_the_owner_retires_or_restores_a_question(coach, other_coach, action):
    retired = action is library_services.question_restore
    theirs = QuestionFactory(owner=other_coach, retired=retired)
    builtin = Question.objects.filter(owner__isnull=True, retired=False).first()
    for question in (theirs, builtin):
        before = question.retired
        with pytest.raises(services.NotAllowed):
            action(question=question, by=coach)
        question.refresh_from_db()
        assert question.retired is before


def test_a_retired_question_stays_on_the_templates_that_hold_it(coach, own_template):
    question = QuestionFactory(owner=coach)
    item = TemplateItemFactory(template=own_template, position=4, question=question)
    library_services.question_retire(question=question, by=coach)
    item.refresh_from_db()
    assert item.question == question


@pytest.mark.parametrize(
    ("name", "retired", "text"),
    [
        ("question_retire", True, "“Why this team?” was already retired."),
        ("question_restore", False, "“Why this team?” is already in your bank."),
    ],
)
def test_the_views_show_a_wrong_state_as_an_info_message(coach, coach_client, name, retired, text):
    question = QuestionFactory(owner=coach, prompt="Why this team?", retired=retired)
    response = coach_client.post(reverse(f"coach:{name}", args=[question.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [("info", text)]
    question.refresh_from_db()
    assert question.retired is retired


def test_the_editor_shows_a_refused_save_as_a_form_error(coach, coach_client):
    """The formset counts the rows it was sent; the service also counts the
    stored items the page did not send (added in another tab)."""
    template = ChecklistTemplateFactory(owner=coach, title="Mine")
    TemplateItemFactory(template=template, position=1, prompt="Added elsewhere")
    rows = ChecklistTemplate.MAX_ITEMS
    data = {
        "title": "Not saved",
        "description": "",
        "round_kind": "",
        "items-TOTAL_FORMS": str(rows),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": str(rows),
    }
    for i in range(rows):
        data.update({f"items-{i}-kind": "text", f"items-{i}-prompt": f"New {i}"})
    response = coach_client.post(reverse("coach:template_edit", args=[template.pk]), data)
    assert response.status_code == 200
    assert "at most 200 items; this one would have 201" in response.content.decode()
    template.refresh_from_db()
    assert template.title == "Mine"
    assert _stored(template) == [(1, "Added elsewhere")]
