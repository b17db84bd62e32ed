"""Journey 8: notices. The reminder sweep finds the candidate's checklist due
in two days; the candidate sees the unread badge, opens the notice from the
list with the keyboard, lands on the checklist, and turns that reminder's
emails off under Profile → Notifications. The coach finds the private calendar
address on their profile, and it answers without a login; an emailed
unsubscribe link works for someone not logged in. Runs at desktop width and
at phone width (390 x 844)."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import NotificationKind
from interviews.selectors import notifications as notifications_selectors
from interviews.services import notifications as notifications_services
from interviews.services import reminders

from .conftest import DESKTOP, PHONE, log_in, main_nav, prepare_second_round

pytestmark = [pytest.mark.browser, pytest.mark.journey("8-notices")]

#: Zones a few hours apart: at any moment one of them is in working hours.
ZONES = (
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
DUE_SOON_LABEL = NotificationKind.DUE_SOON.label


def daytime_zone(now: datetime.datetime) -> str:
    """A zone where it is between 09:00 and 20:00 now: far from the quiet hours
    (21:00-08:00) at either end, so the sweep makes its reminder and the live
    server sees the same day as the test."""
    for name in ZONES:
        if 9 <= now.astimezone(zoneinfo.ZoneInfo(name)).hour < 20:
            return name
    raise AssertionError(f"No zone of {ZONES} is in working hours at {now}")


@pytest.fixture
def reminded(library, coach, candidate):
    """The candidate (in a zone where it is daytime) has a checklist due in two
    days, has read the "new checklist" notice, and the sweep has made the
    "due in two days" reminder: one unread notice."""
    now = timezone.now()
    user = candidate.user
    user.time_zone = daytime_zone(now)
    user.save(update_fields=["time_zone"])
    prepared = prepare_second_round(
        coach,
        candidate,
        company="Contoso",
        position="Supply Chain Analyst",
        in_days=5,
        interviewer="Kim Interviewer",
        email="kim@contoso.example",
        instructions="Answer in your own words.",
    )
    assignment = prepared.assignment
    local_today = now.astimezone(zoneinfo.ZoneInfo(user.time_zone)).date()
    assignment.due_date = local_today + datetime.timedelta(days=2)
    assignment.save(update_fields=["due_date"])
    notifications_services.notifications_mark_all_read(
        user=user
    )  # the "new checklist" notice, read long ago

    made = reminders.sweep(now=timezone.now())

    assert [(n.user, n.kind) for n in made] == [(user, NotificationKind.DUE_SOON)]
    return prepared, made[0]


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_candidate_opens_a_reminder_and_chooses_emails_coach_finds_calendar(
    width, open_page, journey, reminded, password
):
    viewport = DESKTOP if width == "desktop" else PHONE
    prepared, notice = reminded
    coach, candidate = prepared.coach, prepared.candidate

    # The candidate logs in and sees one unread notice in the navigation.
    page = open_page("candidate", viewport=viewport)
    log_in(page, journey, candidate.user.email, password)
    nav = main_nav(page)
    notices_link = nav.get_by_role("link", name=re.compile(r"^Notifications"))
    expect(notices_link).to_have_accessible_name("Notifications 1 unread")
    expect(notices_link.locator(".badge")).to_have_text("1 unread")
    expect(notices_link.locator(".badge .visually-hidden")).to_have_text(" unread")
    journey.check(page, "candidate-home-badge")

    # The list: the reminder is new, the older notice is not.
    notices_link.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    expect(page.get_by_text("2 notices, 1 unread")).to_be_visible()
    reminder = page.get_by_role("listitem").filter(has_text=notice.subject)
    expect(reminder.get_by_text("New", exact=True)).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_have_count(1)
    journey.check(page, "notifications-unread")

    # Opened with the keyboard: focus the notice's button and press Enter.
    open_button = reminder.get_by_role("button", name=notice.subject)
    open_button.focus()
    expect(open_button).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(prepared.assignment.get_candidate_url()) + "$"))
    expect(page.get_by_role("heading", name="Second-round interview prep")).to_be_visible()
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    expect(nav.locator(".badge")).to_have_count(0)
    journey.check(page, "checklist-from-notice")

    # Back on the list the reminder is read.
    nav.get_by_role("link", name="Notifications", exact=True).click()
    expect(page.get_by_text("2 notices, 0 unread")).to_be_visible()
    expect(page.get_by_text("New", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    journey.check(page, "notifications-read")
    notice.refresh_from_db()
    assert notice.read_at is not None

    # Profile → Notifications: no more emails for "due in two days".
    _choose_emails(page, journey)

    # The coach's private calendar address, fetched without a login.
    coach_page = open_page("coach", viewport=viewport)
    log_in(coach_page, journey, coach.email, password)
    journey.check(coach_page, "coach-dashboard")
    main_nav(coach_page).get_by_role("link", name="Profile").click()
    calendar = coach_page.get_by_role("region", name="Calendar")
    address = calendar.get_by_label("Your private calendar address")
    expect(address).to_have_js_property("readOnly", True)
    feed_url = address.input_value()
    assert feed_url.endswith(reverse("calendar_feed", args=[coach.calendar_token]))
    journey.check(coach_page, "coach-profile")

    stranger = open_page("stranger", viewport=viewport)
    response = stranger.request.get(feed_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in response.text()
    assert "Contoso" in response.text()

    # An unsubscribe link from an email, opened by someone not logged in.
    kind = NotificationKind.ASSIGNMENT_SUBMITTED
    stranger.goto(
        reverse("unsubscribe", args=[notifications_services.unsubscribe_token(coach, kind)])
    )
    expect(
        stranger.get_by_role("heading", name=f"Stop emails about: {kind.label}?")
    ).to_be_visible()
    expect(stranger.get_by_text("c***@example.com")).to_be_visible()
    journey.check(stranger, "unsubscribe-confirm")
    stranger.get_by_role("button", name="Unsubscribe").click()
    expect(stranger.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    expect(stranger.get_by_role("status")).to_have_text(
        f"You will no longer get emails about: {kind.label} (sent to c***@example.com)."
    )
    journey.check(stranger, "unsubscribed")
    assert notifications_selectors.preference(coach, kind).enabled is False
    assert notifications_selectors.preference(candidate.user, kind).enabled is True


def _choose_emails(page, journey):
    main_nav(page).get_by_role("link", name="Profile").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    card = page.get_by_role("region", name="Notifications")
    expect(card).to_be_visible()
    journey.check(page, "candidate-profile")
    card.get_by_role("link", name="Choose which emails you get").click()
    expect(page.get_by_role("heading", name="Which emails you get")).to_be_visible()
    due_soon = page.get_by_role("group", name=DUE_SOON_LABEL).get_by_label("Email me")
    expect(due_soon).to_be_checked()
    # A candidate's emails always come straight away: there is no digest choice.
    expect(page.get_by_role("group", name="When to email")).to_have_count(0)
    journey.check(page, "candidate-email-settings")

    due_soon.uncheck()
    page.get_by_role("button", name="Save email settings").click()
    expect(page.get_by_text("Your email settings have been saved.")).to_be_visible()
    expect(
        page.get_by_role("group", name=DUE_SOON_LABEL).get_by_label("Email me")
    ).not_to_be_checked()
    journey.check(page, "candidate-email-settings-saved")

    page.reload()
    expect(page.get_by_role("heading", name="Which emails you get")).to_be_visible()
    expect(
        page.get_by_role("group", name=DUE_SOON_LABEL).get_by_label("Email me")
    ).not_to_be_checked()
    expect(
        page.get_by_role("group", name=NotificationKind.DUE_TODAY.label).get_by_label("Email me")
    ).to_be_checked()
    journey.check(page, "candidate-email-settings-reloaded")
