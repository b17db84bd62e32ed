"""Journey 3: the coach asks for changes on one item, the candidate replies and
revises, the coach sees what changed and approves; then the candidate records
the debrief and the outcome."""

import datetime
import re

import pytest
import time_machine
from playwright.sync_api import expect

from interviews.models import Assignment, InterviewRound, Review

from .conftest import checklist_item, log_in, main_nav, mark_button, mark_item

pytestmark = [pytest.mark.browser, pytest.mark.journey("3-review-revise-approve-follow-up")]


def test_coach_requests_changes_candidate_revises_coach_approves_candidate_follows_up(
    open_page, journey, submitted, password, mailoutbox
):
    coach, candidate = submitted.coach, submitted.candidate

    # The coach finds the submission on the dashboard and asks for changes on item 6.
    coach_page = open_page("coach")
    log_in(coach_page, journey, coach.email, password)
    journey.check(coach_page, "coach-dashboard")
    waiting = coach_page.get_by_role("region", name="Waiting for your review")
    waiting.get_by_role("link", name="Cam Candidate").click()
    expect(coach_page.get_by_text("Submitted for review. Mark each item")).to_be_visible()
    journey.check(coach_page, "coach-review")
    mark_item(coach_page, 6, "Needs work")
    # The comment box is folded away until the coach opens it.
    checklist_item(coach_page, 6).get_by_text("Comment for the candidate").click()
    coach_page.get_by_label("Comment on item 6").fill(
        "Say what changed because of the move: numbers, if you have them."
    )
    # The verdict at the bottom of the page (the bar at the top has the same buttons).
    coach_page.get_by_role("region", name="Your verdict").get_by_role(
        "button", name="Request changes"
    ).click()
    expect(
        coach_page.get_by_text("Changes requested. Cam Candidate has been emailed.")
    ).to_be_visible()
    nothing_waiting = "No other submission is waiting for your review."
    expect(coach_page.get_by_text(nothing_waiting)).to_be_visible()
    journey.check(coach_page, "coach-requested-changes")

    # The candidate sees the feedback, replies, revises and submits again.
    page = open_page("candidate")
    log_in(page, journey, candidate.user.email, password)
    expect(page.get_by_text("Feedback waiting")).to_be_visible()
    journey.check(page, "candidate-feedback-waiting")
    page.get_by_role("link", name="Second-round interview prep").click()
    item6 = checklist_item(page, 6)
    expect(item6.get_by_text("Coach: needs work")).to_be_visible()
    expect(item6.get_by_text("Say what changed because of the move")).to_be_visible()
    journey.check(page, "candidate-sees-feedback")
    item6.get_by_label("Reply").fill("Good point: I will add the figures.")
    item6.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("Your reply on item 6 was posted.")).to_be_visible()
    journey.check(page, "candidate-replied")
    checklist_item(page, 6).get_by_label("My answer").fill(
        "I led the warehouse move in 2023: two weeks early and 12% under budget."
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    journey.check(page, "candidate-resubmitted")

    # The coach sees what changed since the review, marks the item OK and approves.
    main_nav(coach_page).get_by_role("link", name="Dashboard").click()
    journey.check(coach_page, "coach-dashboard-resubmitted")
    waiting = coach_page.get_by_role("region", name="Waiting for your review")
    waiting.get_by_role("link", name="Cam Candidate").click()
    item6 = checklist_item(coach_page, 6)
    expect(item6.get_by_role("heading", name="Changed since your last review")).to_be_visible()
    # Word-level diff: the removed word struck out (<del>), the new words marked (<ins>).
    expect(item6.locator("del")).to_have_text(["ran"])
    expect(item6.locator("ins")).to_contain_text(["led", "two weeks early and 12% under budget"])
    expect(
        checklist_item(coach_page, 5).get_by_text("Unchanged since your last review.")
    ).to_be_visible()
    expect(item6.get_by_text("Good point: I will add the figures.")).to_be_visible()
    journey.check(coach_page, "coach-sees-changes")
    mark_item(coach_page, 6, "OK")
    coach_page.get_by_label("Overall note to the candidate").fill("Ready. Good luck on Thursday!")
    # From the bar at the top: the rest marked OK, then approved by keyboard;
    # the mark and the note typed below are kept.
    verdict_bar = coach_page.get_by_role("region", name="Quick verdict")
    verdict_bar.get_by_role("button", name="Mark the unreviewed items OK").click()
    filled = re.compile(r"items? marked OK\. Nothing is saved")
    expect(coach_page.get_by_text(filled)).to_be_visible()
    expect(verdict_bar.get_by_text("Every item is marked.")).to_be_visible()
    expect(mark_button(coach_page, 6, "OK")).to_be_checked()
    expect(mark_button(coach_page, 1, "OK")).to_be_checked()
    expect(coach_page.get_by_label("Overall note to the candidate")).to_have_value(
        "Ready. Good luck on Thursday!"
    )
    journey.check(coach_page, "coach-marked-rest-ok")
    verdict_bar.get_by_role("button", name="Approve").focus()
    coach_page.keyboard.press("Enter")
    expect(coach_page.get_by_text("Approved. Cam Candidate has been emailed.")).to_be_visible()
    expect(coach_page.get_by_text("did not mark")).to_have_count(0)
    journey.check(coach_page, "coach-approved")

    # After the interview (the clock moves past its start, for the live server
    # too), the candidate writes the debrief and records the outcome.
    after = submitted.round.scheduled_at + datetime.timedelta(hours=2)
    with time_machine.travel(after, tick=True):
        _follow_up(page, journey)

    assignment = Assignment.objects.get(pk=submitted.assignment.pk)
    assert assignment.status == Assignment.Status.APPROVED
    assert list(assignment.reviews.values_list("verdict", flat=True).order_by("pk")) == [
        Review.Verdict.CHANGES_REQUESTED,
        Review.Verdict.APPROVED,
    ]
    round_ = InterviewRound.objects.get(pk=submitted.round.pk)
    assert round_.outcome == InterviewRound.Outcome.ADVANCED
    assert "warehouse move" in round_.debrief_notes
    assert len([m for m in mailoutbox if m.to == [candidate.user.email]]) >= 3


def _follow_up(page, journey):
    main_nav(page).get_by_role("link", name="My checklists").click()
    approved = page.get_by_role("region", name="Recently approved")
    expect(approved.get_by_role("link", name="Second-round interview prep")).to_be_visible()
    journey.check(page, "candidate-home-approved")
    page.get_by_role("link", name="Second-round interview at Northwind Traders").first.click()
    expect(page.get_by_role("heading", name="Your debrief")).to_be_visible()
    journey.check(page, "candidate-round")
    page.get_by_label("How did it go?").fill("They asked about the warehouse move; it went well.")
    page.get_by_role("button", name="Save debrief").click()
    expect(page.get_by_text("Debrief saved.")).to_be_visible()
    page.get_by_role("combobox", name="Outcome").select_option(label="Advanced")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome recorded: Advanced.")).to_be_visible()
    journey.check(page, "candidate-outcome-saved")
