"""Checklist templates: list, create, read, copy, the item editor and adding bank questions."""

import pytest
from django.urls import reverse

from interviews.models import ChecklistTemplate, ItemKind, TemplateItem

from ..factories import ChecklistTemplateFactory, QuestionFactory, TemplateItemFactory

LIST = reverse("coach:template_list")
CREATE = reverse("coach:template_create")


def _url(name, template):
    return reverse(f"coach:{name}", args=[template.pk])


def _builtin() -> ChecklistTemplate:
    return ChecklistTemplate.objects.get(builtin_key="second-round-prep")


def _prompts(template) -> list[str]:
    return list(template.items.order_by("position").values_list("prompt", flat=True))


def editor_data(template, *, changes=None, new=(), title=None) -> dict:
    """The POST the editor page sends, built from the stored items.

    ``changes`` maps an item's index to the fields to override (ORDER, DELETE, prompt…);
    ``new`` is a list of dicts for the blank rows.
    """
    items = list(template.items.order_by("position", "id"))
    data = {
        "title": title if title is not None else template.title,
        "description": template.description,
        "round_kind": template.round_kind,
        "items-TOTAL_FORMS": str(len(items) + len(new)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        row = {
            "id": str(item.pk),
            "template": str(template.pk),
            "ORDER": str(i + 1),
            "kind": item.kind,
            "prompt": item.prompt,
            "guidance": item.guidance,
        }
        if item.required:
            row["required"] = "on"
        row.update((changes or {}).get(i, {}))
        data.update({f"items-{i}-{key}": value for key, value in row.items() if value is not None})
    for j, extra in enumerate(new, start=len(items)):
        row = {"template": str(template.pk), "kind": "text", "ORDER": "", **extra}
        data.update({f"items-{j}-{key}": value for key, value in row.items()})
    return data


# ---------------------------------------------------------------- list and detail


def test_list_shows_builtins_with_badge_and_item_count_and_own(coach_client, own_template):
    response = coach_client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    builtin = _builtin()
    assert builtin.title in body
    assert "Built-in" in body
    assert own_template.title in body
    assert f"{builtin.items.count()} items" in body
    assert "3 items" in body
    assert _url("template_edit", own_template) in body
    assert _url("template_edit", builtin) not in body
    assert _url("template_copy", builtin) in body


def test_list_hides_other_coaches_templates(coach_client, other_coach):
    theirs = ChecklistTemplateFactory(owner=other_coach, title="Olive's private template")
    assert theirs.title not in coach_client.get(LIST).content.decode()


@pytest.mark.parametrize("count", [2, 40])
def test_list_query_count_does_not_grow(coach_client, coach, django_assert_max_num_queries, count):
    for template in ChecklistTemplateFactory.create_batch(count, owner=coach):
        TemplateItemFactory(template=template)
    # The unread-notice count is on the user row (issue 25): no query for it.
    with django_assert_max_num_queries(4):
        response = coach_client.get(LIST)
    assert response.status_code == 200


def test_detail_shows_builtin_and_own_items(coach_client, own_template):
    builtin = _builtin()
    response = coach_client.get(_url("template_detail", builtin))
    assert response.status_code == 200
    body = response.content.decode()
    first = builtin.items.order_by("position").first()
    assert first.prompt in body
    assert "Built-in, read-only" in body
    assert _url("template_edit", builtin) not in body

    body = coach_client.get(_url("template_detail", own_template)).content.decode()
    assert body.index("First") < body.index("Second") < body.index("Third")
    assert _url("template_edit", own_template) in body


# ---------------------------------------------------------------- create


def test_create_makes_an_owned_template_and_goes_to_the_editor(coach_client, coach):
    assert coach_client.get(CREATE).status_code == 200
    response = coach_client.post(
        CREATE, {"title": "Final round", "description": "Prep", "round_kind": "final"}
    )
    template = ChecklistTemplate.objects.get(title="Final round")
    assert response.status_code == 302
    assert response.url == _url("template_edit", template)
    assert (template.owner, template.round_kind, template.builtin_key) == (coach, "final", "")


def test_create_with_overlong_title_is_a_form_error(coach_client):
    response = coach_client.post(CREATE, {"title": "t" * 201, "round_kind": ""})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert "t" * 201 in response.content.decode()
    assert not ChecklistTemplate.objects.filter(title__startswith="ttt").exists()


def test_create_for_candidate_is_404_and_anonymous_goes_to_login(candidate_client, client):
    assert candidate_client.get(CREATE).status_code == 404
    assert candidate_client.post(CREATE, {"title": "x"}).status_code == 404
    assert client.get(CREATE).url.startswith("/accounts/login/")
    assert not ChecklistTemplate.objects.filter(title="x").exists()


# ---------------------------------------------------------------- copy


def test_copy_builtin_creates_owned_copy_with_items(coach_client, coach):
    builtin = _builtin()
    response = coach_client.post(_url("template_copy", builtin))
    copy = ChecklistTemplate.objects.get(owner=coach, copied_from=builtin)
    assert response.status_code == 302
    assert response.url == _url("template_edit", copy)
    assert _prompts(copy) == _prompts(builtin)
    assert copy.items.count() > 0
    assert coach_client.get(response.url).status_code == 200


def test_copy_own_template(coach_client, coach, own_template):
    coach_client.post(_url("template_copy", own_template))
    copy = ChecklistTemplate.objects.get(copied_from=own_template)
    assert copy.owner == coach
    assert _prompts(copy) == ["First", "Second", "Third"]


def test_copy_of_other_coaches_template_is_404(other_coach_client, candidate_client, own_template):
    assert other_coach_client.post(_url("template_copy", own_template)).status_code == 404
    assert candidate_client.post(_url("template_copy", own_template)).status_code == 404
    assert not ChecklistTemplate.objects.filter(copied_from=own_template).exists()


def test_anonymous_cannot_post_the_editor(client, own_template):
    response = client.post(
        _url("template_edit", own_template), editor_data(own_template, title="X")
    )
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    own_template.refresh_from_db()
    assert own_template.title == "My second round"


# ---------------------------------------------------------------- the editor


def test_editor_renders_labelled_items_for_owner(coach_client, own_template):
    response = coach_client.get(_url("template_edit", own_template))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Item <span data-number>3</span>" in body
    assert "New item</legend>" in body  # a blank row for adding
    assert 'for="id_items-0-prompt"' in body
    # Order and removal are buttons; the numbers and flags under them are hidden.
    assert '<input type="hidden" name="items-0-ORDER" value="1"' in body
    assert '<input type="hidden" name="items-0-DELETE"' in body
    assert 'name="move" value="down:0"' in body
    assert 'name="remove" value="2"' in body
    assert 'name="items-3-DELETE"' not in body  # no remove flag on the blank row
    assert "Add from the question bank" in body
    assert 'name="add_from_bank"' in body


def test_builtin_and_other_coaches_templates_cannot_be_edited(
    coach_client, other_coach_client, candidate_client, own_template
):
    builtin = _builtin()
    before = _prompts(builtin)
    assert coach_client.get(_url("template_edit", builtin)).status_code == 404
    data = editor_data(builtin, title="Hacked", changes={0: {"DELETE": "on"}})
    assert coach_client.post(_url("template_edit", builtin), data).status_code == 404
    builtin.refresh_from_db()
    assert builtin.title != "Hacked"
    assert _prompts(builtin) == before

    url = _url("template_edit", own_template)
    assert other_coach_client.get(url).status_code == 404
    assert (
        other_coach_client.post(url, editor_data(own_template, title="Hacked")).status_code == 404
    )
    assert candidate_client.get(url).status_code == 404
    own_template.refresh_from_db()
    assert own_template.title == "My second round"


def test_editor_saves_title_and_item_fields(coach_client, own_template):
    data = editor_data(
        own_template,
        title="Renamed",
        changes={1: {"prompt": "Second, reworded", "kind": "check", "required": None}},
    )
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 302
    own_template.refresh_from_db()
    assert own_template.title == "Renamed"
    second = own_template.items.get(position=2)
    assert (second.prompt, second.kind, second.required) == ("Second, reworded", "check", False)


def test_reordering_changes_positions(coach_client, own_template):
    data = editor_data(own_template, changes={0: {"ORDER": "3"}, 2: {"ORDER": "1"}})
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 302
    assert _prompts(own_template) == ["Third", "Second", "First"]
    assert list(own_template.items.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


@pytest.mark.parametrize(
    ("index", "order", "expected"),
    [
        (0, "3", ["Second", "Third", "First"]),  # moved down: after the item holding 3
        (2, "1", ["Third", "First", "Second"]),  # moved up: before the item holding 1
        (1, "", ["First", "Third", "Second"]),  # no number: to the end
    ],
)
def test_a_position_number_moves_one_item_there(coach_client, own_template, index, order, expected):
    data = editor_data(own_template, changes={index: {"ORDER": order}})
    assert coach_client.post(_url("template_edit", own_template), data).status_code == 302
    assert _prompts(own_template) == expected


def test_delete_removes_the_item_and_renumbers(coach_client, own_template):
    first = own_template.items.get(prompt="First")
    data = editor_data(own_template, changes={0: {"DELETE": "on"}})
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 302
    assert not TemplateItem.objects.filter(pk=first.pk).exists()
    assert list(own_template.items.order_by("position").values_list("prompt", "position")) == [
        ("Second", 1),
        ("Third", 2),
    ]


def test_new_rows_are_added_at_their_position_and_blank_rows_ignored(coach_client, own_template):
    data = editor_data(
        own_template,
        new=[
            {"prompt": "Inserted second", "ORDER": "2", "kind": "email", "required": "on"},
            {"prompt": "", "kind": "text", "required": "on"},  # untouched blank row
        ],
    )
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 302
    assert _prompts(own_template) == ["First", "Inserted second", "Second", "Third"]
    added = own_template.items.get(prompt="Inserted second")
    assert (added.kind, added.required, added.position) == (ItemKind.EMAIL, True, 2)


def test_overlong_item_prompt_is_an_error_on_that_item_and_nothing_is_lost(
    coach_client, own_template
):
    data = editor_data(
        own_template,
        title="Not saved",
        changes={0: {"ORDER": "3"}, 1: {"prompt": "p" * 501}},
        new=[{"prompt": "Typed new item"}],
    )
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "prompt" in formset.forms[1].errors
    assert not formset.forms[0].errors
    body = response.content.decode()
    # The summary names the item by the place it is shown at (the first item
    # was sent to position 3) and the field.
    assert "Item 1, prompt" in body
    assert "p" * 501 in body
    assert "Typed new item" in body
    assert 'value="Not saved"' in body
    own_template.refresh_from_db()
    assert own_template.title == "My second round"
    assert _prompts(own_template) == ["First", "Second", "Third"]


def test_stale_or_foreign_item_id_is_a_form_error_not_a_500(
    coach_client, own_template, other_coach
):
    foreign = TemplateItemFactory(template=ChecklistTemplateFactory(owner=other_coach))
    data = editor_data(own_template, changes={0: {"id": str(foreign.pk), "prompt": "Stolen"}})
    response = coach_client.post(_url("template_edit", own_template), data)
    assert response.status_code == 200
    assert "removed or changed elsewhere" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.prompt != "Stolen"
    assert _prompts(own_template) == ["First", "Second", "Third"]


def test_missing_management_form_is_an_error_not_a_500(coach_client, own_template):
    response = coach_client.post(_url("template_edit", own_template), {"title": "X"})
    assert response.status_code == 200
    assert "ManagementForm data is missing" in response.content.decode()
    own_template.refresh_from_db()
    assert own_template.title == "My second round"


@pytest.mark.parametrize("count", [5, 60])
def test_editor_query_count_does_not_grow(
    coach_client, coach, django_assert_max_num_queries, count
):
    template = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory.create_batch(count, template=template)
    QuestionFactory.create_batch(count, owner=coach)
    # +1: unread notices in the navigation
    with django_assert_max_num_queries(6):
        response = coach_client.get(_url("template_edit", template))
    assert response.status_code == 200
    assert f"Item <span data-number>{count}</span>" in response.content.decode()


# ---------------------------------------------------------------- add from the bank
# (the inline picker is tested with the other unsaved changes in test_template_editor.py)


def test_add_questions_editor_lists_bank_grouped_without_retired(coach_client, coach, own_template):
    QuestionFactory(owner=coach, prompt="Visible own question", category="follow_up")
    QuestionFactory(owner=coach, prompt="Retired own question", retired=True)
    body = coach_client.get(_url("template_edit", own_template)).content.decode()
    assert "Visible own question" in body
    assert "Retired own question" not in body
    assert '<legend class="h6 fw-semibold">Follow up</legend>' in body
