"""Time zones in the browser (static/js/zone.js): a new account takes the
browser's zone."""

import pytest
from playwright.sync_api import expect

from interviews.models import User
from interviews.services import caseload as caseload_services

from ..factories import CandidateFactory
from .conftest import PHONE, invitation_link

# Each test is its own journey, named after it (screenshots in test-artifacts/<name>/).
pytestmark = pytest.mark.browser

NEW_PASSWORD = "Lantern-harbour-71"


def test_a_new_candidate_gets_the_zone_of_their_browser(open_page, journey, coach, mailoutbox):
    coach.time_zone = "America/New_York"
    coach.save(update_fields=["time_zone"])
    record = CandidateFactory(coach=coach, full_name="Alex Berger", email="alex@example.com")
    caseload_services.invitation_create(candidate=record, by=coach)

    page = open_page("candidate", viewport=PHONE, timezone_id="Europe/Berlin")
    page.goto(invitation_link(mailoutbox, "alex@example.com"))
    journey.check(page, "invitation")
    expect(page.locator("input[name=time_zone]")).to_have_value("Europe/Berlin")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_text("Welcome! You are now connected with")).to_be_visible()
    journey.check(page, "joined")
    assert User.objects.get(email="alex@example.com").time_zone == "Europe/Berlin"
    expect(page.get_by_text("Times are shown in Europe/Berlin.")).to_be_visible()
