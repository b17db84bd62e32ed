"""Time zones in the browser (static/js/zone.js): a new account takes the
browser's zone, and the profile's picker offers it first and can be searched
from the keyboard, at phone width."""

import re

import pytest
from playwright.sync_api import expect

from interviews.models import User
from interviews.services import caseload as caseload_services

from ..factories import CandidateFactory
from .conftest import PHONE, invitation_link, log_in

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


def test_the_profile_offers_the_detected_zone_and_finds_one_by_name(
    open_page, journey, coach, password
):
    page = open_page("coach", viewport=PHONE, timezone_id="Asia/Tokyo")
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard")
    page.goto("/accounts/profile/")
    journey.check(page, "profile")
    picker = page.get_by_role("combobox", name=re.compile(r"^Time zone"))
    # The browser's zone first, then the current one.
    options = picker.locator("option")
    expect(options.nth(0)).to_have_text("Detected: Asia/Tokyo")
    expect(options.nth(1)).to_have_text("Current: UTC")
    expect(picker).to_have_value("UTC")

    # Typing narrows the list; Enter takes the first match, not the form.
    search = page.get_by_label("Search time zones")
    search.fill("germany")
    expect(page.get_by_text("2 zones match.")).to_be_visible()  # Berlin, Busingen
    search.press("Enter")
    expect(picker).to_have_value("Europe/Berlin")
    expect(picker).to_be_focused()
    journey.check(page, "searched")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    journey.check(page, "saved")
    coach.refresh_from_db()
    assert coach.time_zone == "Europe/Berlin"

    # The detected zone is one choice away.
    picker = page.get_by_role("combobox", name=re.compile(r"^Time zone"))
    picker.select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Times are shown in Asia/Tokyo.")).to_be_visible()
    journey.check(page, "detected-chosen")
    coach.refresh_from_db()
    assert coach.time_zone == "Asia/Tokyo"


def test_an_account_in_another_zone_is_offered_the_devices(open_page, journey, candidate, password):
    """An account made before zones were detected says UTC; the phone is in Berlin."""
    assert candidate.user.time_zone == "UTC"
    page = open_page("candidate", viewport=PHONE, timezone_id="Europe/Berlin")
    log_in(page, journey, candidate.user.email, password)
    offer = page.get_by_role("form", name="This device is set to Europe/Berlin,")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Coachsite shows your times in UTC")
    journey.check(page, "home-with-offer")
    offer.get_by_role("button", name="Show times in Europe/Berlin").click()
    expect(page.get_by_text("Times are now shown in Europe/Berlin.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Show times in"))).to_have_count(0)
    journey.check(page, "switched")
    candidate.user.refresh_from_db()
    assert candidate.user.time_zone == "Europe/Berlin"


def test_keeping_the_profiles_zone_is_remembered_on_this_device(
    open_page, journey, coach, password
):
    page = open_page("coach", timezone_id="Asia/Tokyo")
    log_in(page, journey, coach.email, password)
    offer = page.get_by_role("form", name="This device is set to Asia/Tokyo,")
    expect(offer).to_be_visible()
    journey.check(page, "dashboard-with-offer")
    offer.get_by_role("button", name="Keep UTC").click()
    expect(offer).to_be_hidden()
    page.reload()
    journey.check(page, "dashboard-reloaded")
    expect(page.get_by_role("button", name="Keep UTC")).to_have_count(0)
    coach.refresh_from_db()
    assert coach.time_zone == "UTC"
