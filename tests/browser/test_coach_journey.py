"""Journey 1: a coach adds a candidate, invites them, adds an opportunity with a
second-round interview and assigns the built-in second-round prep for it."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import Assignment, Candidate, ChecklistTemplate

from .conftest import log_in, main_nav

pytestmark = [
    pytest.mark.browser,
    pytest.mark.journey("1-coach-sets-up-candidate-and-assigns-prep"),
]


def test_coach_adds_candidate_invites_and_assigns_second_round_prep(
    open_page, journey, coach, password, mailoutbox
):
    page = open_page("coach")
    log_in(page, journey, coach.email, password)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    journey.check(page, "dashboard-empty")

    # A new candidate.
    main_nav(page).get_by_role("link", name="Candidates").click()
    expect(page.get_by_text("You have no candidates yet.")).to_be_visible()
    journey.check(page, "candidate-list-empty")
    page.get_by_role("link", name="Add candidate", exact=True).click()
    journey.check(page, "candidate-form")
    page.get_by_label("Full name").fill("Riley Newcomer")
    page.get_by_label("Email").fill("Riley.Newcomer@Example.com")
    page.get_by_label("Headline / target role").fill("Operations lead")
    page.get_by_label("Private notes").fill("Met at the spring careers fair.")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("heading", name="Riley Newcomer", level=1)).to_be_visible()
    expect(page.get_by_text("Not invited")).to_be_visible()
    journey.check(page, "candidate-added")

    # The invitation.
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to riley.newcomer@example.com")).to_be_visible()
    expect(page.get_by_text("Invited", exact=True)).to_be_visible()
    journey.check(page, "invitation-sent")
    assert [m.to for m in mailoutbox] == [["riley.newcomer@example.com"]]
    assert "/invite/" in mailoutbox[0].body

    # The job and its second-round interview, four days from now at 14:30 (coach's zone).
    page.get_by_role("link", name="Add opportunity", exact=True).click()
    journey.check(page, "opportunity-form")
    page.get_by_label("Company").fill("Northwind Traders")
    page.get_by_label("Position").fill("Operations Lead")
    page.get_by_label("Job link").fill("https://northwind.example/jobs/ops-lead")
    page.get_by_role("button", name="Add opportunity").click()
    expect(
        page.get_by_role("heading", name="Operations Lead at Northwind Traders", level=1)
    ).to_be_visible()
    journey.check(page, "opportunity-added")

    page.get_by_role("link", name="Add a round", exact=True).click()
    journey.check(page, "round-form")
    when = timezone.localtime(timezone.now(), timezone.get_fixed_timezone(0)).date()
    when += datetime.timedelta(days=4)
    page.get_by_label("Kind of round").select_option(label="Second round")
    page.get_by_label("Date and time").fill(f"{when:%Y-%m-%d}T14:30")
    page.get_by_label("Format / location").fill("On site, Leeds office")
    page.get_by_role("button", name="Add round").click()
    expect(
        page.get_by_role("heading", name="Second-round interview at Northwind Traders, ")
    ).to_be_visible()
    expect(page.get_by_text(f"{when:%A} {when.day} {when:%B %Y}, 14:30")).to_be_visible()
    journey.check(page, "round-added")
    # Then who interviews.
    page.get_by_role("link", name="Add an interviewer").click()
    journey.check(page, "interviewer-form")
    page.get_by_label("Name").fill("Dana Interviewer")
    page.get_by_label("Job title").fill("Head of Operations")
    page.get_by_label("Role in the process").select_option(label="Hiring manager")
    page.get_by_label("Email").fill("dana@northwind.example")
    page.get_by_role("button", name="Add interviewer").click()
    expect(page.get_by_text("Dana Interviewer added to the interviewers.")).to_be_visible()
    journey.check(page, "interviewer-added")

    # Assign the built-in second-round prep for that round.
    page.get_by_role("link", name="Assign a checklist for this round").first.click()
    expect(page.get_by_role("combobox", name="Candidate")).to_have_value(
        str(Candidate.objects.get(email="riley.newcomer@example.com").pk)
    )
    expect(page.get_by_label("Due date")).to_have_value(
        f"{when - datetime.timedelta(days=2):%Y-%m-%d}"
    )
    # A second round with no history: the built-in second-round prep is preselected.
    expect(page.get_by_label("Checklist template")).to_have_value(
        str(ChecklistTemplate.objects.get(builtin_key="second-round-prep").pk)
    )
    expect(page.get_by_label("Checklist template").locator("option:checked")).to_have_text(
        "Second-round interview prep (built-in)"
    )
    journey.check(page, "assign-form")
    page.get_by_label("Instructions for the candidate").fill(
        "Start with the questions about the role; we go through them on Thursday."
    )
    page.get_by_role("button", name="Assign checklist").click()
    expect(page.get_by_role("heading", name="Second-round interview prep", level=1)).to_be_visible()
    expect(page.get_by_text("is assigned to Riley Newcomer")).to_be_visible()
    journey.check(page, "assigned")

    # The dashboard shows the interview in the coming week.
    main_nav(page).get_by_role("link", name="Dashboard").click()
    upcoming = page.get_by_role("region", name="Interviews in the next 7 days")
    expect(upcoming.get_by_role("link", name="Riley Newcomer")).to_be_visible()
    journey.check(page, "dashboard-after")

    assignment = Assignment.objects.get(candidate__email="riley.newcomer@example.com")
    assert assignment.round.opportunity.company == "Northwind Traders"
    assert assignment.template.builtin_key == "second-round-prep"
    assert assignment.items.count() == 13
    assert assignment.due_date == when - datetime.timedelta(days=2)
    assert len(mailoutbox) == 2
    assert "Second-round interview prep" in mailoutbox[1].subject + mailoutbox[1].body
