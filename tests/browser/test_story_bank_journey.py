"""Journey 23: the story bank, from the fill page to the thank-you note.

The candidate writes a story from item 6 of the prep checklist, reads the
writing checks on it, fixes the action ("we" → "I") and the result (a figure),
and submits; the coach reads the story as submitted in the review, comments on
it, marks it strong and approves; the candidate sees both, then reuses the
story in a second checklist. After the interview (the clock moves, for the live
server too) the debrief suggests the story for the question it fits and says
so for the one no story covers; a thank-you note with a demanding line shows
that finding, and loses it once the line is gone. Desktop and phone width.

With STORY_SHOTS set to a folder, full-page screenshots of the story bank, the
fill page, the review, the coach's story page, the debrief suggestions and a
note with a finding land there, named with the width (for the issue's closing note).
"""

import datetime
import os
import pathlib
import re

import pytest
import time_machine
from playwright.sync_api import expect

from interviews.lib.demo import sample_responses
from interviews.models import (
    AskedQuestion,
    Assignment,
    ItemStory,
    Story,
    StoryComment,
    SubmittedStory,
    ThankYouNote,
)
from interviews.services import checklists as checklists_services

from .conftest import (
    DESKTOP,
    PHONE,
    checklist_item,
    log_in,
    main_nav,
    prepare_second_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.journey("23-story-bank")]

SHOTS = os.environ.get("STORY_SHOTS", "")

FIT_POSITION = 6  # "How do my attributes fit …", the built-in item that wants examples
ANSWER = "My examples show how I deliver when the timing is tight."
TITLE = "Leeds depot move in six weeks"
SITUATION = "The Leeds depot had to move to a new site in six weeks instead of twelve."
TASK = "I had to keep every customer order going out on time during the move."
ACTION_WE = (
    "We planned the move over a weekend. We split the stock into waves and we moved "
    "the fast sellers first. Our team worked nights and we kept the customers informed."
)
RESULT_VAGUE = "The customers were happy and the team was proud of it."
ACTION_I = (
    "I planned the move over a weekend. I split the stock into waves and moved the fast "
    "sellers first. I ran the night shifts myself and I called the ten largest customers."
)
RESULT_FIGURE = "Every order went out on time, and overtime came in 18 % under plan."
WE_FINDING = re.compile(r"^“We” comes up far more than “I” in the action")
RESULT_FINDING = "The result has no number and no visible change"
COMMENT = "Use this one for the ownership question"
DEBRIEF = "Dana asked about deadlines and the Leeds move; the team seems calm."
FITS = "Tell me about a time you delivered under a tight deadline."
FITS_NONE = "Why do you want to join Northwind Traders?"
NOTE_KIND = (
    "Dear Dana,\n\nThank you for the conversation today about the Operations Lead role.\n\n"
    "Hearing how your team plans the Leeds move made me want the job even more."
)
NOTE_DEMANDING = "Please let me know by Friday."
NOTE_END = "\n\nBest regards,\nCam Candidate"


def full_shot(page, name: str, width: str) -> None:
    """A full-page screenshot for the closing note, when asked for."""
    if SHOTS:
        pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
        px = (DESKTOP if width == "desktop" else PHONE)["width"]
        # From the top: scrolled, Chromium draws the sticky save bar mid-page.
        page.evaluate("() => window.scrollTo(0, 0)")
        page.screenshot(path=f"{SHOTS}/{name}-{px}.png", full_page=True)


def suggestions(scope):
    return scope.get_by_role("note", name="Suggestions")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_story_bank_from_the_fill_page_to_the_thank_you_note(
    width, open_page, journey, prepared, password, settings
):
    viewport = DESKTOP if width == "desktop" else PHONE
    # The journey spans the days up to the interview; the idle sign-out is not its subject.
    settings.SESSION_IDLE_TIMEOUT = 30 * 24 * 60
    page = open_page("candidate", viewport=viewport)
    log_in(page, journey, prepared.candidate.user.email, password)
    journey.check(page, "candidate-home")

    story = _candidate_writes_and_fixes_a_story(page, journey, prepared, width)
    _candidate_submits(page, journey, prepared, story)

    coach_page = open_page("coach", viewport=viewport)
    _coach_reviews_comments_and_marks_strong(coach_page, journey, prepared, story, password, width)

    _candidate_sees_the_comment_and_the_mark(page, journey, story)
    _candidate_reuses_the_story(page, journey, prepared, story, width)

    with time_machine.travel(prepared.round.scheduled_at + datetime.timedelta(hours=2), tick=True):
        _candidate_debriefs(page, journey, prepared, story, width)
        _candidate_writes_a_note(page, journey, prepared, width)


def _candidate_writes_and_fixes_a_story(page, journey, prepared, width) -> Story:
    assignment = prepared.assignment
    main_nav(page).get_by_role("link", name="My checklists").click()
    journey.check(page, "candidate-home-checklists")
    page.goto(assignment.get_candidate_url())
    journey.check(page, "fill-page")
    item = checklist_item(page, FIT_POSITION)
    item.get_by_label("My answer").fill(ANSWER)
    # A button of the checklist form: the typed answer is saved before the story form opens.
    item.get_by_role("button", name="Write a new story").click()
    expect(page.get_by_role("heading", name="New story")).to_be_visible()
    expect(page.get_by_text(f"item {FIT_POSITION} of “{assignment.title}” uses it")).to_be_visible()
    journey.check(page, "new-story-from-item-6")
    fit = assignment.items.get(position=FIT_POSITION)
    assert fit.response_text == ANSWER

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Situation").fill(SITUATION)
    page.get_by_label("Task").fill(TASK)
    page.get_by_label("Action").fill(ACTION_WE)
    page.get_by_label("Result", exact=True).fill(RESULT_VAGUE)
    page.get_by_label("Delivery under pressure").check()
    page.get_by_role("button", name="Add story").click()
    expect(
        page.get_by_text(f"“{TITLE}” is in your story bank, and item {FIT_POSITION} uses it.")
    ).to_be_visible()
    item = checklist_item(page, FIT_POSITION)
    used = item.locator(".item-stories")
    expect(used.get_by_role("link", name=TITLE)).to_be_visible()
    expect(used).to_contain_text("Delivery under pressure")
    expect(item.get_by_label("My answer")).to_have_value(ANSWER)
    journey.check(page, "fill-page-story-used")
    story = Story.objects.get(title=TITLE)
    assert story.candidate == prepared.candidate
    assert story.action == ACTION_WE
    assert list(story.tags.values_list("slug", flat=True)) == ["delivery-under-pressure"]
    assert list(ItemStory.objects.filter(story=story).values_list("item", flat=True)) == [fit.pk]
    full_shot(page, "fill-page-item-6", width)

    # The story's page: its suggestions, after saving.
    used.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    box = suggestions(page)
    expect(box.get_by_text(WE_FINDING)).to_be_visible()
    expect(box.get_by_text(RESULT_FINDING)).to_be_visible()
    journey.check(page, "story-with-findings")

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Edit your story")).to_be_visible()
    # The form shows the same suggestions beside it.
    expect(suggestions(page).get_by_text(WE_FINDING)).to_be_visible()
    journey.check(page, "story-edit")
    page.get_by_label("Action").fill(ACTION_I)
    page.get_by_label("Result", exact=True).fill(RESULT_FIGURE)
    page.get_by_role("button", name="Save story").click()
    expect(page.get_by_text("Your story is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.get_by_text(WE_FINDING)).to_have_count(0)
    expect(page.get_by_text(RESULT_FINDING)).to_have_count(0)
    journey.check(page, "story-fixed")
    story.refresh_from_db()
    assert (story.action, story.result, story.version) == (ACTION_I, RESULT_FIGURE, 2)
    return story


def _candidate_submits(page, journey, prepared, story) -> None:
    assignment = prepared.assignment
    # The items that are not this journey's subject, answered through the service.
    responses = sample_responses(assignment, required_only=True)
    fit = assignment.items.get(position=FIT_POSITION)
    del responses[fit.pk]
    checklists_services.assignment_save(
        assignment=assignment, by=prepared.candidate.user, responses=responses
    )
    page.goto(assignment.get_candidate_url())
    journey.check(page, "fill-page-complete")
    expect(checklist_item(page, FIT_POSITION).get_by_label("My answer")).to_have_value(ANSWER)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    journey.check(page, "submitted")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.SUBMITTED
    frozen = SubmittedStory.objects.get(item=fit)
    assert (frozen.story_id, frozen.story_version) == (story.pk, 2)
    assert (frozen.title, frozen.action, frozen.result) == (TITLE, ACTION_I, RESULT_FIGURE)
    assert frozen.tag_names == ["Delivery under pressure"]


def _coach_reviews_comments_and_marks_strong(page, journey, prepared, story, password, width):
    log_in(page, journey, prepared.coach.email, password)
    journey.check(page, "coach-dashboard")
    waiting = page.get_by_role("region", name="Waiting for your review")
    waiting.get_by_role("link", name="Cam Candidate").click()
    journey.check(page, "coach-review")
    item = checklist_item(page, FIT_POSITION)
    frozen = item.locator(".submitted-story")
    expect(frozen.get_by_role("link", name=TITLE)).to_be_visible()
    expect(frozen.get_by_text(ACTION_I)).to_be_visible()
    expect(frozen.get_by_text(RESULT_FIGURE)).to_be_visible()
    full_shot(page, "review-item-6", width)

    frozen.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    journey.check(page, "coach-story")
    page.get_by_role("textbox", name="Comment").fill(COMMENT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment was posted.")).to_be_visible()
    journey.check(page, "coach-story-commented")
    page.get_by_role("button", name="Mark as strong").click()
    expect(page.get_by_text("Marked as strong")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_contain_text("Strong")
    expect(page.get_by_text(COMMENT)).to_be_visible()
    journey.check(page, "coach-story-strong")
    full_shot(page, "coach-story", width)
    story.refresh_from_db()
    assert story.strong_at is not None
    assert story.strong_by == prepared.coach
    comment = StoryComment.objects.get(story=story)
    assert (comment.author, comment.body) == (prepared.coach, COMMENT)

    # Back to the review through "Used in", then the quick verdict.
    about = page.get_by_role("complementary", name="About this story")
    about.get_by_role("link", name=re.compile(rf"item {FIT_POSITION}$")).click()
    journey.check(page, "coach-review-again")
    bar = page.get_by_role("region", name="Quick verdict")
    bar.get_by_role("button", name="Mark the unreviewed items OK").click()
    expect(bar.get_by_text("Every item is marked.")).to_be_visible()
    bar.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Approved. Cam Candidate has been emailed.")).to_be_visible()
    journey.check(page, "coach-approved")
    assert Assignment.objects.get(pk=prepared.assignment.pk).status == Assignment.Status.APPROVED


def _candidate_sees_the_comment_and_the_mark(page, journey, story):
    main_nav(page).get_by_role("link", name="My stories").click()
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITLE))
    expect(row.get_by_text("Strong", exact=True)).to_be_visible()
    journey.check(page, "bank-strong")
    row.get_by_role("link", name=TITLE).click()
    heading = page.get_by_role("heading", name=TITLE, level=1)
    expect(heading).to_contain_text("Strong")
    expect(page.get_by_text(COMMENT)).to_be_visible()
    expect(page.get_by_text("(coach)")).to_be_visible()
    journey.check(page, "story-strong-with-comment")


def _candidate_reuses_the_story(page, journey, prepared, story, width):
    second = prepare_second_round(
        prepared.coach,
        prepared.candidate,
        company="Contoso",
        position="Logistics Manager",
        in_days=10,
        interviewer="Lee Interviewer",
        email="lee@contoso.example",
        instructions="Same as last time, for Contoso.",
    )
    assignment = second.assignment
    page.goto(assignment.get_candidate_url())
    journey.check(page, "second-checklist")
    item = checklist_item(page, FIT_POSITION)
    picker = item.get_by_label("Use a story")
    expect(picker.locator("option")).to_have_text(
        [re.compile(rf"^{re.escape(TITLE)} · Delivery under pressure · ")]
    )
    picker.select_option(index=0)
    item.get_by_role("button", name="Use this story").click()
    expect(page.get_by_text(f"Item {FIT_POSITION} now uses “{TITLE}”.")).to_be_visible()
    expect(
        checklist_item(page, FIT_POSITION).get_by_role("link", name=TITLE, exact=True)
    ).to_be_visible()
    journey.check(page, "second-checklist-story-used")
    linked = ItemStory.objects.filter(story=story).values_list("item__assignment", flat=True)
    assert set(linked) == {
        prepared.assignment.pk,
        assignment.pk,
    }

    main_nav(page).get_by_role("link", name="My stories").click()
    row = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=TITLE))
    used_in = row.locator("dd").nth(1)
    # One template, one title: the company tells the two checklists apart.
    expect(used_in.get_by_role("link")).to_have_text(
        [
            f"{prepared.assignment.title} (Northwind Traders), item {FIT_POSITION}",
            f"{assignment.title} (Contoso), item {FIT_POSITION}",
        ]
    )
    hrefs = {used_in.get_by_role("link").nth(i).get_attribute("href") for i in range(2)}
    assert {h.split("#")[0] for h in hrefs} == {
        prepared.assignment.get_candidate_url(),
        assignment.get_candidate_url(),
    }
    journey.check(page, "bank-used-twice")
    full_shot(page, "story-bank", width)


def _candidate_debriefs(page, journey, prepared, story, width):
    main_nav(page).get_by_role("link", name="My checklists").click()
    todo = page.get_by_role("list", name="After your interviews")
    journey.check(page, "home-after-interview")
    todo.get_by_role("link", name="Write your debrief").click()
    journey.check(page, "round-after-interview")
    page.get_by_label("How did it go?").fill(DEBRIEF)
    page.get_by_label("Questions you were asked", exact=True).fill(f"{FITS}\n{FITS_NONE}")
    page.get_by_role("button", name="Save debrief").click()
    expect(page.get_by_text("Debrief saved.")).to_be_visible()
    journey.check(page, "debrief-saved")
    assert list(
        AskedQuestion.objects.filter(round=prepared.round)
        .order_by("position")
        .values_list("text", flat=True)
    ) == [FITS, FITS_NONE]

    section = page.get_by_role("region", name="Stories for the questions you were asked")
    fits = section.get_by_role("listitem").filter(has_text=FITS).first
    expect(fits.get_by_role("link", name=TITLE)).to_be_visible()
    expect(fits.get_by_text("Strong", exact=True)).to_be_visible()
    expect(fits.get_by_text("No story for this yet")).to_have_count(0)
    none = section.get_by_role("listitem").filter(has_text=FITS_NONE).first
    expect(none.get_by_text("No story for this yet")).to_be_visible()
    expect(none.get_by_role("link", name=TITLE)).to_have_count(0)
    full_shot(page, "debrief-suggestions", width)


def _candidate_writes_a_note(page, journey, prepared, width):
    page.get_by_role("button", name="Draft notes to Dana Interviewer").click()
    expect(page.get_by_text("Drafted a thank-you note to Dana Interviewer.")).to_be_visible()
    journey.check(page, "note-drafted")
    note = page.get_by_role("article", name=re.compile(r"^To Dana Interviewer"))
    note.get_by_label("Body").fill(f"{NOTE_KIND}\n\n{NOTE_DEMANDING}{NOTE_END}")
    note.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    note = page.get_by_role("article", name=re.compile(r"^To Dana Interviewer"))
    finding = suggestions(note).get_by_text(re.compile(r"“let me know by” can read as pressing"))
    expect(finding).to_be_visible()
    journey.check(page, "note-with-a-finding")
    full_shot(page, "note-finding", width)
    assert NOTE_DEMANDING in ThankYouNote.objects.get(round=prepared.round).body

    note.get_by_label("Body").fill(f"{NOTE_KIND}{NOTE_END}")
    note.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.", exact=True)).to_be_visible()
    note = page.get_by_role("article", name=re.compile(r"^To Dana Interviewer"))
    expect(note.get_by_label("Body")).to_have_value(f"{NOTE_KIND}{NOTE_END}")
    expect(note.get_by_text("can read as pressing")).to_have_count(0)
    journey.check(page, "note-without-the-finding")
    assert NOTE_DEMANDING not in ThankYouNote.objects.get(round=prepared.round).body
