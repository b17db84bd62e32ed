"""Stories in a checklist, in a real browser: the candidate picks a story for
"How do my attributes fit …", writes a second one from the item, removes one,
and nothing typed into the answer is lost; after the submit, the coach reads
the story as it was submitted. Desktop and phone width."""

import os
import pathlib
import re

import pytest
from playwright.sync_api import expect

from interviews.models import ItemStory
from interviews.services import checklists as checklists_services
from interviews.services import stories as stories_services

from .conftest import DESKTOP, PHONE, checklist_item, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey("stories-in-a-checklist")]

# Screenshots for the closing note, when asked for.
SHOTS = os.environ.get("STORY_SCREENSHOTS", "")


def shot(item, name: str) -> None:
    """A screenshot of one checklist item (a locator)."""
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        item.screenshot(path=f"{SHOTS}/{name}.png")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_candidate_uses_writes_and_removes_stories_then_the_coach_reads_them(
    width, open_page, journey, prepared, password
):
    candidate, assignment = prepared.candidate, prepared.assignment
    stories_services.story_create(
        candidate=candidate,
        by=candidate.user,
        values={
            "title": "Churn model",
            "situation": "Renewals dropped two quarters in a row.",
            "action": "I built a churn model and ran a pilot with two callers.",
            "result": "The pilot group renewed 12 % more often.",
        },
    )
    fit = assignment.items.get(question__builtin_key="success-my-match")

    page = open_page("candidate", viewport=DESKTOP if width == "desktop" else PHONE)
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "candidate-home")
    page.goto(assignment.get_candidate_url())
    item = checklist_item(page, fit.position)
    item.get_by_role("textbox").first.fill("My two examples show how I work with data.")
    picker = item.get_by_label("Use a story")
    # Title · tags · speaking time.
    expect(picker.locator("option")).to_have_text([re.compile(r"^Churn model · \d+ s$")])
    picker.select_option(index=0)
    item.get_by_role("button", name="Use this story").click()
    expect(page.get_by_text(f"Item {fit.position} now uses “Churn model”.")).to_be_visible()
    item = checklist_item(page, fit.position)
    expect(item.get_by_role("link", name="Churn model")).to_be_visible()
    # The answer typed before pressing the button was saved with it.
    expect(item.get_by_role("textbox").first).to_have_value(
        "My two examples show how I work with data."
    )
    journey.check(page, "fill-page-with-a-story")
    shot(item, f"fill-page-{width}")

    # A new story, written from the item, comes back to it.
    item.get_by_role("button", name="Write a new story").click()
    expect(page.get_by_text(f"item {fit.position} of “{assignment.title}” uses it")).to_be_visible()
    journey.check(page, "new-story-for-an-item")
    page.get_by_label("Title").fill("Dashboard launch")
    page.get_by_role("button", name="Add story").click()
    expect(page.get_by_text(f"and item {fit.position} uses it")).to_be_visible()
    item = checklist_item(page, fit.position)
    expect(item.get_by_role("link", name="Dashboard launch")).to_be_visible()

    # Remove one: it stays in the bank.
    item.get_by_role("button", name="Remove “Dashboard launch”").click()
    expect(page.get_by_text("“Dashboard launch” is no longer used here")).to_be_visible()
    journey.check(page, "fill-page-after-remove")
    assert list(ItemStory.objects.values_list("story__title", flat=True)) == ["Churn model"]

    # Submitted, then the coach reads the story in full under the item.
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={
            i.pk: (i.version, {"response_text": "Done.", "done": True, "email_body": "Thanks"})
            for i in assignment.items.all()
            if not i.is_complete
        },
    )
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    coach_page = open_page("coach", viewport=DESKTOP if width == "desktop" else PHONE)
    log_in(coach_page, journey, prepared.coach.email, password)
    journey.check(coach_page, "coach-dashboard")
    coach_page.goto(assignment.get_absolute_url())
    coach_item = checklist_item(coach_page, fit.position)
    expect(coach_item.get_by_text("Renewals dropped two quarters in a row.")).to_be_visible()
    journey.check(coach_page, "review-with-a-story")
    shot(coach_item, f"review-page-{width}")
