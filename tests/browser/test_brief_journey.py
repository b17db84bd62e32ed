"""Journey 6: the candidate opens the interview brief from their home page, looks
at it as printed, and downloads the PDF; the coach opens the same brief from the
round. Runs at desktop width and at phone width (390 x 844). The PDF is kept in
test-artifacts/ next to the screenshots (scripts/brief_screenshots.sh turns its
first page into a PNG)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import ChecklistTemplate, Interviewer
from interviews.services import checklists as checklists_services

from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory
from .conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey("6-interview-brief")]

ANSWERS = {
    "role-day-to-day": "Weekly planning with ops leads; after 3 months own the regional "
    "forecast, after 12 the whole S&OP cycle.",
    "role-inherited-work": "The warehouse move to Leeds is half done; I would finish it.",
    "success-qualities": "Which qualities matter most for someone to do well here?",
    "success-my-match": "Forecasting: cut stock-outs by 18% at Contoso (2024).\n"
    "Stakeholders: ran the weekly S&OP meeting for three regions.",
    "close-anything-else": "Is there anything about my background I can make clearer?",
}
TASKS = {
    "close-show-work": "Regional forecast dashboard, 3 slides",
    "close-references": "Ana (former manager) and Luis (peer) said yes",
    "close-notice-period": "One month's notice; can start 1 February",
}


@pytest.fixture
def brief_round(library, coach, candidate):
    opportunity = OpportunityFactory(
        candidate=candidate, company="Northwind Traders", position="Operations Lead"
    )
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=2,
        scheduled_at=(timezone.now() + datetime.timedelta(days=4)).replace(
            hour=9, minute=30, second=0, microsecond=0
        ),
        duration_minutes=60,
        location="On site, Leeds office, 3rd floor",
    )
    InterviewerFactory(
        round=round_,
        name="Dana Whitfield",
        job_title="Head of Operations",
        role=Interviewer.Role.HIRING_MANAGER,
    )
    InterviewerFactory(
        round=round_, name="Raj Patel", job_title="Supply Planner", role=Interviewer.Role.TEAMMATE
    )
    assignment = checklists_services.assignment_create(
        coach=coach,
        candidate=candidate,
        template=ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None),
        round=round_,
    )
    responses = {}
    for item in assignment.items.select_related("question"):
        key = item.question.builtin_key if item.question else ""
        if key in ANSWERS:
            responses[item.pk] = (item.version, {"response_text": ANSWERS[key]})
        elif key in TASKS:
            responses[item.pk] = (item.version, {"done": True, "response_text": TASKS[key]})
    checklists_services.assignment_save(
        assignment=assignment, by=candidate.user, responses=responses
    )
    return round_


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_candidate_opens_prints_and_downloads_the_brief(
    width, open_page, journey, brief_round, candidate, password
):
    page = open_page("candidate", viewport=DESKTOP if width == "desktop" else PHONE)
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "my-checklists")

    page.get_by_role("link", name="Brief for Northwind Traders").click()
    expect(page.get_by_role("heading", name="Northwind Traders", level=1)).to_be_visible()
    expect(page.get_by_text("Draft: your coach has not approved this prep yet.")).to_be_visible()
    expect(page.get_by_text("Dana Whitfield")).to_be_visible()
    expect(page.get_by_role("heading", name="What I bring")).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    journey.check(page, "brief")

    # As printed: the site's header, footer and buttons are gone.
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download PDF")).to_be_hidden()
    expect(page.get_by_text("One month's notice; can start 1 February")).to_be_visible()
    journey.check(page, "brief-printed")
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("brief-northwind-traders-")
    download.save_as(journey.folder / "brief.pdf")
    assert (journey.folder / "brief.pdf").read_bytes().startswith(b"%PDF-")


def test_coach_opens_the_brief_from_the_round(open_page, journey, brief_round, coach, password):
    page = open_page("coach")
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard")
    page.goto(brief_round.get_absolute_url())  # the coach's round page
    expect(page.get_by_role("heading", name="Second-round interview at Northwind")).to_be_visible()
    journey.check(page, "round")
    page.get_by_role("link", name="Interview brief").click()
    expect(page.get_by_text("Draft: you have not approved this prep yet.")).to_be_visible()
    expect(page.get_by_text("Forecasting: cut stock-outs by 18%")).to_be_visible()
    journey.check(page, "coach-brief")
