"""Issue 22, measured: a coach approves a submitted 13-item second-round
checklist in which every item is fine, from the "Quick verdict" bar at the top
of the review page, by mouse and by keyboard alone.

The journey counts what it costs the coach once the review page is open: page
loads (main-frame navigations; the verdict's POST and its redirect are not
counted as loading to review) and clicks or key presses. Run with `-s` to see
the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Locator, Page, expect

from interviews.models import Assignment, AssignmentItem

from .conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey("22-review-speed")]

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
ITEMS = 13
MAX_CLICKS = 4
MAX_TABS = 80  # far more than the controls above the bar at either width


@dataclass
class Tally:
    """What reaching a verdict costs, counted from the review page's own load."""

    page: Page
    loads: list[str] = field(default_factory=list)
    clicks: int = 0
    keys: int = 0
    counting: bool = False

    def __post_init__(self):
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if not self.counting or frame != self.page.main_frame:
            return
        previous = self.loads[-1] if self.loads else ""
        if "#" in frame.url and frame.url.split("#")[0] == previous.split("#")[0]:
            return  # an in-page anchor, not a page load
        self.loads.append(frame.url)

    def start(self) -> None:
        self.counting = True

    def click(self, locator: Locator) -> None:
        self.clicks += 1
        locator.click()

    def press(self, key: str) -> None:
        self.keys += 1
        self.page.keyboard.press(key)


def open_review(page: Page, journey, submitted, password, viewport) -> tuple[Tally, int]:
    """Log in, then open the review page from the dashboard: the one load that counts."""
    coach = submitted.coach
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard")
    tally = Tally(page)
    tally.start()
    waiting = page.get_by_role("region", name="Waiting for your review")
    waiting.get_by_role("link", name=str(submitted.candidate)).click()  # not a review click
    expect(page.get_by_role("region", name="Quick verdict")).to_be_visible()
    expect(page.locator("ol.checklist-items > li")).to_have_count(ITEMS)
    journey.check(page, "review")
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert tally.loads == [page.url], tally.loads
    return tally, height


def assert_approved_every_item_ok(submitted) -> None:
    assignment = Assignment.objects.get(pk=submitted.assignment.pk)
    assert assignment.status == Assignment.Status.APPROVED
    marks = list(assignment.items.order_by("position").values_list("review_mark", flat=True))
    assert marks == [AssignmentItem.Mark.OK] * ITEMS


def report(label: str, viewport, *, loads_before_verdict: int, actions: str, height: int) -> None:
    print(
        f"\n[{label} {viewport['width']}x{viewport['height']}] "
        f"page loads before the verdict: {loads_before_verdict}; "
        f"{actions}; review page height: {height} px"
    )


@VIEWPORTS
def test_a_coach_approves_a_fine_checklist_from_the_verdict_bar_in_one_page_load(
    open_page, journey, submitted, password, viewport
):
    page = open_page("coach", viewport=viewport)
    tally, height = open_review(page, journey, submitted, password, viewport)
    bar = page.get_by_role("region", name="Quick verdict")
    expect(bar.get_by_text(f"{ITEMS} of {ITEMS} items not marked yet.")).to_be_visible()

    # Every item is fine: the rest marked OK, then approved, both from the bar.
    tally.click(bar.get_by_role("button", name="Mark the unreviewed items OK"))
    expect(bar.get_by_text("Every item is marked.")).to_be_visible()
    expect(bar.get_by_role("status")).to_have_text(
        f"{ITEMS} items marked OK. Nothing is saved until you approve or request changes."
    )
    journey.check(page, "marked-ok")
    loads_before_verdict = len(tally.loads)
    tally.click(bar.get_by_role("button", name="Approve", exact=True))
    success = page.locator(".alert-success")
    expect(success).to_contain_text(f"Approved. {submitted.candidate} has been emailed.")
    journey.check(page, "approved")
    report(
        "clicks",
        viewport,
        loads_before_verdict=loads_before_verdict,
        actions=f"clicks from the review page to approved: {tally.clicks}",
        height=height,
    )

    # The target: one page load (the review page), at most four clicks, and
    # every item stored as OK (the coach marked them, on the page, before approving).
    assert loads_before_verdict == 1, tally.loads
    assert tally.clicks <= MAX_CLICKS
    assert_approved_every_item_ok(submitted)
    assert "did not mark" not in success.inner_text()


def tab_to(tally: Tally, target: Locator) -> int:
    """Press Tab until ``target`` has the focus; how many presses it took."""
    for presses in range(1, MAX_TABS + 1):
        tally.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return presses
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


@VIEWPORTS
def test_a_coach_approves_a_fine_checklist_with_the_keyboard_alone(
    open_page, journey, submitted, password, viewport
):
    page = open_page("coach", viewport=viewport)
    tally, height = open_review(page, journey, submitted, password, viewport)
    bar = page.get_by_role("region", name="Quick verdict")

    tab_to(tally, bar.get_by_role("button", name="Mark the unreviewed items OK"))
    tally.press("Enter")
    expect(bar.get_by_text("Every item is marked.")).to_be_visible()
    journey.check(page, "keyboard-marked-ok")
    loads_before_verdict = len(tally.loads)
    tab_to(tally, bar.get_by_role("button", name="Approve", exact=True))
    tally.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text(
        f"Approved. {submitted.candidate} has been emailed."
    )
    journey.check(page, "keyboard-approved")
    report(
        "keyboard",
        viewport,
        loads_before_verdict=loads_before_verdict,
        actions=f"key presses from the review page to approved: {tally.keys}",
        height=height,
    )

    assert tally.clicks == 0
    assert loads_before_verdict == 1, tally.loads
    assert_approved_every_item_ok(submitted)
