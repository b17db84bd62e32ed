"""The brief's PDF is made by the worker (issue 21): the download first
answers "being made", the page checks by itself without reloading, and says
when the PDF is ready; at phone width."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import InterviewRoundFactory, OpportunityFactory
from ..queue_helpers import run_worker
from ..rounds.test_brief import pdf_url, prep_for
from .conftest import PHONE, log_in

pytestmark = pytest.mark.browser


def test_the_pdf_page_says_when_the_worker_has_made_it(
    open_page, journey, coach, candidate, password, settings
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    round_ = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        scheduled_at=timezone.now() + datetime.timedelta(days=3),
    )
    prep_for(coach, candidate, round_)
    page = open_page("candidate", viewport=PHONE)
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "home")

    # Typed as a browser follows the brief's "Download PDF" link: 202 while made.
    response = page.goto(pdf_url(round_))
    assert response.status == 202
    expect(page.get_by_role("heading", name="Your PDF is being made")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("this page checks for you")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    journey.check(page, "pdf-being-made")

    run_worker()
    expect(status).to_have_text("Your PDF is ready.", timeout=15_000)
    link = page.get_by_role("link", name="Download the PDF")
    with page.expect_download() as download_info:
        link.click()
    assert download_info.value.suggested_filename.endswith(".pdf")
    journey.check(page, "pdf-ready")
