"""The checklist template editor, fast to use: a coach reorders items with the
Move buttons and by dragging one, rewrites a prompt, adds a bank question
(the rewritten prompt survives), and saves; the stored template has it all.
Without JavaScript the Move buttons still work, through the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from interviews.models import ChecklistTemplate
from interviews.services import library as library_services

from ..factories import QuestionFactory
from .conftest import ARTIFACTS, DESKTOP, PHONE, log_in, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("22-template-editor")]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
BANK_QUESTION = "Which team would I join, and who leads it?"
EDITED = "What would a typical week look like in this role?"


@pytest.fixture
def guide_copy(library, coach) -> ChecklistTemplate:
    """The coach's own copy of the built-in 13-item second-round template."""
    builtin = ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None)
    return library_services.template_copy(template=builtin, by=coach)


def stored_prompts(template) -> list[str]:
    return list(template.items.order_by("position").values_list("prompt", flat=True))


def cards(page: Page):
    return page.locator("[data-editor-items] [data-item]")


def shown_prompts(page: Page) -> list[str]:
    """The prompts in the order the page shows them."""
    return [card.get_by_label("Prompt").input_value() for card in cards(page).all()]


def positions(page: Page) -> list[str]:
    return [card.locator("[data-position]").input_value() for card in cards(page).all()]


def open_editor(page: Page, journey, template) -> None:
    main_nav(page).get_by_role("link", name="Templates").click()
    journey.check(page, "templates")
    page.get_by_role("link", name=f"Edit {template.title}").click()
    expect(page.get_by_role("heading", name="Edit template")).to_be_visible()
    journey.check(page, "editor")


@VIEWPORTS
def test_a_coach_reorders_drags_edits_adds_from_the_bank_and_saves(
    open_page, journey, coach, password, guide_copy, viewport
):
    QuestionFactory(owner=coach, prompt=BANK_QUESTION, category="answer")
    order = stored_prompts(guide_copy)
    page = open_page("coach", viewport=viewport)
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard")
    open_editor(page, journey, guide_copy)
    url = page.url
    assert shown_prompts(page) == order

    # Move the first item down with its button: no page load, focus stays on it.
    first = cards(page).nth(0)
    first.get_by_role("button", name="Move down").click()
    order[0], order[1] = order[1], order[0]
    assert shown_prompts(page) == order
    assert positions(page) == [str(n) for n in range(1, len(order) + 1)]
    moved = cards(page).nth(1)
    expect(moved.get_by_role("button", name="Move down")).to_be_focused()
    expect(cards(page).nth(0).get_by_role("button", name="Move up")).to_be_disabled()
    expect(page.locator("[data-editor-status]")).to_have_text(
        "Item moved to position 2. Nothing is saved until you press Save."
    )
    # ... and back up again with Move up.
    moved.get_by_role("button", name="Move up").click()
    order[0], order[1] = order[1], order[0]
    assert shown_prompts(page) == order
    # At the top its Move up is disabled: the focus goes to its Move down.
    expect(cards(page).nth(0).get_by_role("button", name="Move down")).to_be_focused()

    # Drag the third item by its handle above the first one.
    handle = cards(page).nth(2).locator("[data-drag-handle]")
    expect(handle).to_be_visible()
    # Both cards on screen: the mouse works in the window's coordinates.
    cards(page).nth(0).evaluate("card => card.scrollIntoView({behavior: 'instant'})")
    target = cards(page).nth(0).bounding_box()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 11):
        y = box["y"] + (target["y"] + 5 - box["y"]) * step / 10
        page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.up()
    order.insert(0, order.pop(2))
    assert shown_prompts(page) == order
    assert positions(page) == [str(n) for n in range(1, len(order) + 1)]
    expect(cards(page).nth(0).locator("[data-number]")).to_have_text("1")
    journey.check(page, "moved-and-dragged")

    # Rewrite a prompt, then add a bank question: the rewrite travels with it.
    cards(page).nth(1).get_by_label("Prompt").fill(EDITED)
    order[1] = EDITED
    page.get_by_text("Add from the question bank").click()
    page.get_by_label(BANK_QUESTION).check()
    page.get_by_role("button", name="Add ticked questions").click()
    expect(
        page.get_by_text("1 question added. Nothing is saved until you press Save.")
    ).to_be_visible()
    journey.check(page, "added-from-bank")
    assert page.url == url
    shown = shown_prompts(page)
    assert [prompt for prompt in shown if prompt != BANK_QUESTION] == order
    # At the end of its section ("What it takes to succeed"), not of the list.
    added = shown.index(BANK_QUESTION)
    card = cards(page).nth(added)
    assert card.get_attribute("data-section") == "succeed"
    assert cards(page).nth(added - 1).get_attribute("data-section") == "succeed"
    assert cards(page).nth(added + 1).get_attribute("data-section") != "succeed"
    expect(card.get_by_label("Prompt")).to_be_focused()
    assert stored_prompts(guide_copy) != shown  # nothing saved yet

    page.get_by_role("button", name="Save template").first.click()
    expect(page.get_by_text("The template has been saved.")).to_be_visible()
    journey.check(page, "saved")
    assert stored_prompts(guide_copy) == shown
    assert guide_copy.items.get(prompt=BANK_QUESTION).question.prompt == BANK_QUESTION
    assert shown_prompts(page) == shown


def test_without_javascript_the_move_buttons_post_and_keep_edits(
    new_context, coach, password, guide_copy
):
    context = new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/coach/templates/{guide_copy.pk}/edit/")
    order = stored_prompts(guide_copy)
    expect(page.locator("[data-drag-handle]").first).to_be_hidden()

    cards(page).nth(2).get_by_label("Prompt").fill(EDITED)
    order[2] = EDITED
    cards(page).nth(2).get_by_role("button", name="Move up").click()
    expect(page.get_by_text("Item moved. Nothing is saved until you press Save.")).to_be_visible()
    order[1], order[2] = order[2], order[1]
    assert shown_prompts(page) == order
    assert positions(page) == [str(n) for n in range(1, len(order) + 1)]
    # The moved item's Move up button has the focus (autofocus), once more.
    expect(cards(page).nth(1).get_by_role("button", name="Move up")).to_be_focused()
    page.keyboard.press("Enter")
    order[0], order[1] = order[1], order[0]
    # "Item moved." is already on the page from the first move: wait for the
    # page this post brings, whose first item is the one just moved up.
    expect(cards(page).nth(0).get_by_label("Prompt")).to_have_value(order[0])
    expect(page.get_by_text("Item moved.")).to_be_visible()
    assert shown_prompts(page) == order
    expect(cards(page).nth(0).get_by_role("button", name="Move down")).to_be_focused()

    cards(page).nth(3).get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Item removed. Nothing is saved until you press Save.")).to_be_visible()
    removed = order.pop(3)
    assert shown_prompts(page) == order
    assert stored_prompts(guide_copy)[3] == removed  # not deleted until Save

    folder = ARTIFACTS / "template-editor-without-javascript"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "editor-phone.png"), full_page=True)
    page.get_by_role("button", name="Save template").first.click()
    expect(page.get_by_text("The template has been saved.")).to_be_visible()
    assert stored_prompts(guide_copy) == order
