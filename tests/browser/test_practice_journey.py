"""Journey 10: a practice. The lead of "Northstar Careers" shares a template and
invites a coach by email; the coach opens the link, creates their login and
joins; they assign the shared template to their candidate for an interview in
three days; the lead sees it on /practice/, opens the candidate read-only,
reassigns the candidate to themselves, and opens the practice's outcomes.
Runs at desktop width and at phone width (390 x 844)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import (
    Assignment,
    Candidate,
    PracticeMembership,
    PracticeRole,
    RoundOutcome,
    User,
)
from interviews.services import practices as practices_services

from ..factories import (
    CandidateFactory,
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    TemplateItemFactory,
    UserFactory,
)
from .conftest import DESKTOP, PHONE, log_in, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("10-practice")]

NEW_COACH = "robin.new@example.com"


def practice_link(mailoutbox, email: str) -> str:
    for message in reversed(mailoutbox):
        if email in message.to and "/practice/join/" in message.body:
            return re.search(r"https?://\S+/practice/join/\S+/", message.body).group(0)
    raise AssertionError(f"No practice invitation to {email} in {[m.subject for m in mailoutbox]}")


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_lead_invites_coach_who_assigns_a_shared_template_then_lead_reassigns(
    width, open_page, journey, coach, password, mailoutbox
):
    viewport = DESKTOP if width == "desktop" else PHONE
    lead = coach
    practices_services.practice_create(by=lead, name="Northstar Careers")
    template = ChecklistTemplateFactory(owner=lead, title="Northstar panel prep")
    TemplateItemFactory(template=template, position=1, prompt="Your proudest project")
    TemplateItemFactory(template=template, position=2, prompt="Questions for the panel")

    # The lead shares the template from its page.
    page = open_page("lead", viewport=viewport)
    log_in(page, journey, lead.email, password)
    journey.check(page, "lead-dashboard")
    page.goto(f"/coach/templates/{template.pk}/")
    journey.check(page, "template-before-sharing")
    page.get_by_role("button", name=re.compile("^Share")).click()
    expect(page.get_by_text("Shared with Northstar Careers").first).to_be_visible()
    journey.check(page, "template-shared")

    # Practice → Members → invite a coach by email.
    main_nav(page).get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", name="Northstar Careers", level=1)).to_be_visible()
    journey.check(page, "practice-overview-alone")
    page.get_by_role("link", name="Members", exact=True).click()
    expect(page.get_by_role("heading", name="Members of Northstar Careers")).to_be_visible()
    journey.check(page, "members")
    page.get_by_label("Coach's email").fill(NEW_COACH)
    page.get_by_role("button", name="Send invitation").click()
    invitations = page.get_by_role("region", name="Open invitations")
    expect(invitations.get_by_text(NEW_COACH, exact=True)).to_be_visible()
    journey.check(page, "invited")

    # The invited coach opens the emailed link, creates their login and joins.
    link = practice_link(mailoutbox, NEW_COACH)
    newcomer = open_page("new coach", viewport=viewport)
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", name="Join Northstar Careers")).to_be_visible()
    journey.check(newcomer, "join")
    newcomer.get_by_label("Your name").fill("Robin Newcoach")
    newcomer.get_by_label("Choose a password").fill("a-long-and-new-pass-42")
    newcomer.get_by_label("Repeat the password").fill("a-long-and-new-pass-42")
    newcomer.get_by_role("button", name="Create account and join").click()
    expect(newcomer.get_by_text("Welcome to Northstar Careers")).to_be_visible()
    journey.check(newcomer, "joined")
    robin = User.objects.get(email=NEW_COACH)
    assert robin.is_coach
    assert robin.practice_membership.role == PracticeRole.COACH

    # Robin has a candidate with a second round in three days, and assigns the
    # practice's shared template for it.
    client = CandidateFactory(
        coach=robin,
        full_name="Quinn Client",
        email="quinn@example.com",
        user=UserFactory(email="quinn@example.com", full_name="Quinn Client"),
    )
    opportunity = OpportunityFactory(candidate=client, company="Fabrikam", position="Analyst")
    InterviewRoundFactory(
        opportunity=opportunity,
        sequence=1,
        scheduled_at=timezone.now() - datetime.timedelta(days=10),
        outcome=RoundOutcome.ADVANCED,
    )
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=2,
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
    )
    main_nav(newcomer).get_by_role("link", name="Assign checklist").click()
    newcomer.get_by_role("combobox", name="Candidate").select_option(label="Quinn Client")
    newcomer.get_by_label("Checklist template").select_option(
        label="Northstar panel prep (by Casey Coach)"
    )
    newcomer.get_by_label("Interview round").select_option(value=str(round_.pk))
    journey.check(newcomer, "assign-shared-template")
    newcomer.get_by_role("button", name="Assign checklist").click()
    expect(newcomer.get_by_role("heading", name="Northstar panel prep", level=1)).to_be_visible()
    journey.check(newcomer, "assigned")
    assignment = Assignment.objects.get(candidate=client)
    assert assignment.template == template
    assert [i.prompt for i in assignment.items.all()] == [
        "Your proudest project",
        "Questions for the panel",
    ]

    # The lead's overview shows Robin's candidate and the interview coming up.
    main_nav(page).get_by_role("link", name="Practice").click()
    # One row per coach at every width: a table row, a block on phones (CSS).
    robin_row = page.locator(f"#coach-{robin.pk}")
    expect(robin_row.get_by_role("link", name="Quinn Client")).to_be_visible()
    expect(robin_row.get_by_text("0 of 2 required done")).to_be_visible()
    journey.check(page, "overview")

    # Read-only: the candidate's page and the checklist, with no forms to write.
    robin_row.get_by_role("link", name="Quinn Client").click()
    expect(page.get_by_role("heading", name="Quinn Client", level=1)).to_be_visible()
    expect(page.get_by_text("Robin Newcoach").first).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    journey.check(page, "candidate-read-only")
    page.get_by_role("link", name="Northstar panel prep").first.click()
    expect(page.get_by_text("Your proudest project")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)
    journey.check(page, "checklist-read-only")

    # Reassign Quinn to the lead.
    page.go_back()
    journey.check(page, "candidate-again")
    page.get_by_role("link", name="Reassign").click()
    expect(page.get_by_role("heading", name="Reassign Quinn Client")).to_be_visible()
    journey.check(page, "reassign")
    page.get_by_label("New coach").select_option(label=f"Casey Coach ({lead.email})")
    page.get_by_role("button", name=re.compile("^Reassign")).click()
    expect(
        page.get_by_text(re.compile("Quinn Client is now coached by Casey Coach"))
    ).to_be_visible()
    journey.check(page, "reassigned")
    assert Candidate.objects.get(pk=client.pk).coach == lead

    # Robin no longer sees Quinn; the lead now has them under Candidates.
    gone = f"{journey.base_url}/coach/candidates/{client.pk}/"
    journey.expected_404.add(gone)
    newcomer.goto(gone)
    expect(newcomer.get_by_role("heading", name=re.compile("not found", re.I))).to_be_visible()
    journey.check(newcomer, "former-candidate-404")

    # The practice's outcomes.
    main_nav(page).get_by_role("link", name="Practice").click()
    journey.check(page, "overview-after")
    page.get_by_role("main").get_by_role("link", name="Outcomes", exact=True).click()
    expect(page.get_by_role("heading", name="Outcomes in Northstar Careers")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^1 interview from .* Advanced: 1 of 1"))).to_be_visible()
    expect(page.get_by_role("heading", name="By coach")).to_be_visible()
    journey.check(page, "outcomes")
    assert PracticeMembership.objects.filter(practice__name="Northstar Careers").count() == 2
