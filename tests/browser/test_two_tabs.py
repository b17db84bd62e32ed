"""Journey 5: the candidate edits the same item in two tabs; the second save is
refused with both texts on screen, and nothing is overwritten."""

import pytest
from playwright.sync_api import expect

from interviews.models import AssignmentItem

from .conftest import checklist_item, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey("5-two-tabs-conflict")]

FROM_A = "Tab A: what would the first three months look like?"
FROM_B = "Tab B: what should I have delivered after a year?"


def test_second_tab_saving_the_same_item_sees_the_conflict_with_both_texts(
    open_page, journey, prepared, password
):
    tab_a = open_page("tab A")
    log_in(tab_a, journey, prepared.candidate.user.email, password)
    journey.check(tab_a, "home")
    checklist_link = tab_a.get_by_role("link", name="Second-round interview prep")

    # Open the checklist in a second tab (Ctrl/Cmd-click), then in the first one.
    with tab_a.context.expect_page() as opened:
        checklist_link.click(modifiers=["ControlOrMeta"])
    tab_b = journey.watch(opened.value, "tab B")
    tab_b.wait_for_load_state("load")
    journey.check(tab_b, "tab-b-open")
    checklist_link.click()
    journey.check(tab_a, "tab-a-open")

    # Tab A saves first.
    checklist_item(tab_a, 1).get_by_label("Questions I will ask").fill(FROM_A)
    tab_a.get_by_role("button", name="Save draft").click()
    expect(tab_a.get_by_text("Draft saved (1 answer).")).to_be_visible()
    journey.check(tab_a, "tab-a-saved")

    # Tab B, still showing the old version, saves the same item: a conflict.
    tab_b.bring_to_front()
    checklist_item(tab_b, 1).get_by_label("Questions I will ask").fill(FROM_B)
    tab_b.get_by_role("button", name="Save draft").click()
    expect(tab_b.get_by_text("changed in another tab or by someone else")).to_be_visible()
    conflict = tab_b.get_by_role("group", name="Conflict on item 1")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_text(FROM_A)).to_be_visible()
    expect(conflict.get_by_text(FROM_B)).to_be_visible()
    expect(checklist_item(tab_b, 1).get_by_label("Questions I will ask")).to_have_value(FROM_B)
    journey.check(tab_b, "tab-b-conflict")
    item = AssignmentItem.objects.get(assignment=prepared.assignment, position=1)
    assert item.response_text == FROM_A

    # Saving again from tab B is now a deliberate choice, and it wins.
    tab_b.get_by_role("button", name="Save draft").click()
    expect(tab_b.get_by_text("Draft saved (1 answer).")).to_be_visible()
    expect(checklist_item(tab_b, 1).get_by_label("Questions I will ask")).to_have_value(FROM_B)
    journey.check(tab_b, "tab-b-saved-after-compare")
    item.refresh_from_db()
    assert item.response_text == FROM_B
    assert list(
        item.revisions.order_by("item_version").values_list("response_text", flat=True)
    ) == [
        FROM_A,
        FROM_B,
    ]
