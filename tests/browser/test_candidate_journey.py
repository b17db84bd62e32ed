"""Journey 2: the invited person joins from the email link, fills the checklist
over two sittings and submits it; a premature submit lists what is missing and
loses nothing. Runs at desktop width and at phone width (390 x 844)."""

import pytest
from playwright.sync_api import expect

from interviews.models import Assignment
from interviews.services import caseload as caseload_services

from ..factories import CandidateFactory
from .conftest import (
    DESKTOP,
    PHONE,
    checklist_item,
    invitation_link,
    main_nav,
    prepare_second_round,
)

pytestmark = [pytest.mark.browser, pytest.mark.journey("2-candidate-joins-and-fills-checklist")]

NEW_PASSWORD = "Lantern-harbour-71"


@pytest.fixture
def invited(library, coach, mailoutbox):
    """A candidate the coach invited and assigned the built-in second-round prep."""
    candidate = CandidateFactory(coach=coach, full_name="Jo Newstart", email="jo@example.com")
    caseload_services.invitation_create(candidate=candidate, by=coach)
    prepare_second_round(
        coach,
        candidate,
        company="Fabrikam",
        position="Service Designer",
        in_days=5,
        interviewer="Sam Hiring",
        email="sam@fabrikam.example",
        instructions="Two sittings are fine. Submit by the due date.",
    )
    return candidate


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_invited_candidate_joins_fills_checklist_in_two_sittings_and_submits(
    width, open_page, journey, invited, mailoutbox
):
    page = open_page("candidate", viewport=DESKTOP if width == "desktop" else PHONE)

    # The link from the email is the one address typed.
    page.goto(invitation_link(mailoutbox, "jo@example.com"))
    expect(page.get_by_role("heading", name="Welcome, Jo Newstart")).to_be_visible()
    journey.check(page, "invitation")
    expect(page.get_by_label("Your name")).to_have_value("Jo Newstart")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_text("Welcome! You are now connected with")).to_be_visible()
    # Invited for one checklist: the new login lands on it, not on the home page.
    expect(page.get_by_role("heading", name="Second-round interview prep", level=1)).to_be_visible()
    expect(page.get_by_text("Two sittings are fine.")).to_be_visible()
    journey.check(page, "checklist-new")

    # First sitting: two answers and one task, then save and leave.
    first_answer = "A typical week: what is delivered after 3 and 12 months?"
    checklist_item(page, 1).get_by_label("Questions I will ask").fill(first_answer)
    checklist_item(page, 2).get_by_label("Questions I will ask").fill(
        "Who held the role before me?"
    )
    checklist_item(page, 9).get_by_label("Done").check()
    checklist_item(page, 9).get_by_label("Note", exact=True).fill("Case study on slide 4.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved (3 answers).")).to_be_visible()
    journey.check(page, "draft-saved")
    main_nav(page).get_by_role("link", name="My checklists").click()
    expect(page.get_by_role("heading", name="My checklists")).to_be_visible()
    journey.check(page, "left")

    # Second sitting: everything is still there.
    page.get_by_role("link", name="Second-round interview prep").click()
    expect(checklist_item(page, 1).get_by_label("Questions I will ask")).to_have_value(first_answer)
    expect(checklist_item(page, 9).get_by_label("Done")).to_be_checked()
    journey.check(page, "returned")

    # A submit with required items still empty lists them and keeps the new text.
    checklist_item(page, 5).get_by_label("Questions I will ask").fill(
        "Calm under pressure, clear writing."
    )
    checklist_item(page, 7).get_by_label("My answer").fill("Less retail experience; reading up.")
    page.get_by_role("button", name="Submit for review").click()
    missing = page.get_by_role("alert").filter(has_text="complete these required items")
    expect(missing).to_be_visible()
    for position in (6, 8, 10, 12, 13):
        expect(missing.get_by_role("link", name=f"{position}. ")).to_be_visible()
    expect(missing.get_by_role("link", name="5. ")).to_have_count(0)
    expect(checklist_item(page, 5).get_by_label("Questions I will ask")).to_have_value(
        "Calm under pressure, clear writing."
    )
    expect(checklist_item(page, 7).get_by_label("My answer")).to_have_value(
        "Less retail experience; reading up."
    )
    expect(checklist_item(page, 1).get_by_label("Questions I will ask")).to_have_value(first_answer)
    journey.check(page, "missing-items")

    # Finish and submit.
    checklist_item(page, 6).get_by_label("My answer").fill("Led the intake redesign in 2024.")
    checklist_item(page, 8).get_by_label("My plan").fill("Anything else you need from me?")
    checklist_item(page, 10).get_by_label("Done").check()
    checklist_item(page, 12).get_by_label("Done").check()
    checklist_item(page, 13).get_by_label("My plan").fill(
        "Thank Sam for the tour of the design studio."
    )
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    journey.check(page, "submitted")

    assignment = Assignment.objects.get(candidate=invited)
    assert assignment.status == Assignment.Status.SUBMITTED
    answers = {item.position: item for item in assignment.items.all()}
    assert answers[1].response_text == first_answer
    assert answers[7].response_text == "Less retail experience; reading up."
    assert answers[9].done and answers[9].response_text == "Case study on slide 4."
    assert answers[13].response_text.startswith("Thank Sam")
    assert any(m.to == [invited.coach.email] for m in mailoutbox)
