"""Journey 20: the right hour for everyone, and the next step always in sight.

A coach in New York schedules a second round for Thursday 25 March 2027 at
10:00 their time and assigns the prep; the candidate joins from a browser in
Berlin and reads 15:00 CET (the week when the US has moved its clocks and
Europe has not, so five hours apart, not six). After the interview the
candidate records the outcome first and still finds the unsent thank-you note
from home; edits it on screen and the mail link carries the edited text, not
the saved draft. A day later the coach's dashboard shows the note overdue.
Runs at desktop width and at phone width (390 x 844), with the clock moved
(time-machine, for the live server too).
"""

import datetime
import re
import zoneinfo
from urllib.parse import quote

import pytest
import time_machine
from playwright.sync_api import expect

from interviews.models import Assignment, Candidate, InterviewRound, ThankYouNote, User

from ..factories import CandidateFactory
from .conftest import DESKTOP, PHONE, invitation_link, log_in, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("20-time-and-follow-through")]

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
#: Thursday 18 March 2027, 09:00 in New York (EDT since 14 March; Berlin on CET until 28 March).
START = datetime.datetime(2027, 3, 18, 9, 0, tzinfo=NEW_YORK)
INTERVIEW = datetime.datetime(2027, 3, 25, 10, 0, tzinfo=NEW_YORK)
NEW_PASSWORD = "Lantern-harbour-71"
EDITED_BODY = (
    "Dear Dana,\n\n"
    "Thank you for the conversation today about the Designer role at Fabrikam.\n\n"
    "Walking through the checkout redesign with you made me want the job even more.\n\n"
    "I hope to hear from you soon.\n\nBest regards,\nAlex Berger"
)


@pytest.fixture
def new_york_coach(coach):
    coach.time_zone = "America/New_York"
    coach.full_name = "Casey Coach"
    coach.save(update_fields=["time_zone", "full_name"])
    CandidateFactory(coach=coach, full_name="Alex Berger", email="alex@example.com")
    return coach


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_time_zones_and_follow_through(
    width, open_page, journey, new_york_coach, password, mailoutbox, settings
):
    viewport = DESKTOP if width == "desktop" else PHONE
    coach = new_york_coach
    # The journey spans eight days; the idle sign-out (12 h) is not what it is about.
    settings.SESSION_IDLE_TIMEOUT = 30 * 24 * 60
    with time_machine.travel(START, tick=True) as clock:
        coach_page = open_page("coach", viewport=viewport, timezone_id="America/New_York")
        log_in(coach_page, journey, coach.email, password)
        journey.check(coach_page, "coach-dashboard-before")
        _coach_schedules_and_assigns(coach_page, journey)

        invitation = next(m for m in mailoutbox if m.to == ["alex@example.com"])
        # The first email leads with who invites them and why; the time in the
        # coach's zone (the candidate's is not known yet), with the zone.
        assert invitation.body.split("\n\n")[1].startswith(
            "Casey Coach invited you to prepare for your second-round interview at Fabrikam"
        )
        assert "Thu 25 Mar, 10:00 EDT" in invitation.body
        assert invitation.reply_to == [coach.email]

        page = open_page("candidate", viewport=viewport, timezone_id="Europe/Berlin")
        _candidate_joins_from_berlin(page, journey, mailoutbox)

        # The coach sees both hours on the round page.
        coach_page.reload()
        expect(coach_page.get_by_text("10:00 EDT · 15:00 CET for Alex").first).to_be_visible()
        journey.check(coach_page, "coach-round-both-zones")

        # Two hours after the start: the outcome first, then the note from home.
        clock.move_to(INTERVIEW + datetime.timedelta(hours=2))
        _candidate_records_the_outcome_first(page, journey)
        _candidate_edits_the_note_and_opens_it(page, journey)

        # A day after the interview (26 h): the coach's dashboard shows the overdue note.
        clock.move_to(INTERVIEW + datetime.timedelta(hours=26))
        main_nav(coach_page).get_by_role("link", name="Dashboard").click()
        after = coach_page.get_by_role("region", name="After interviews")
        row = after.get_by_role("listitem").filter(has_text="Alex Berger").first
        expect(row).to_contain_text("Notes overdue by 2 h")
        expect(row).to_contain_text("No debrief 1 day after")
        expect(row).not_to_contain_text("No outcome")
        journey.check(coach_page, "coach-dashboard-after-interviews")

    round_ = InterviewRound.objects.get(opportunity__company="Fabrikam")
    assert round_.scheduled_at == INTERVIEW
    assert round_.outcome == InterviewRound.Outcome.ADVANCED
    note = ThankYouNote.objects.get(round=round_)
    assert note.sent_at is None
    assert User.objects.get(email="alex@example.com").time_zone == "Europe/Berlin"


def _coach_schedules_and_assigns(page, journey):
    main_nav(page).get_by_role("link", name="Candidates").click()
    journey.check(page, "candidates")
    page.get_by_role("link", name="Alex Berger").click()
    journey.check(page, "candidate")
    page.get_by_role("link", name="Add opportunity", exact=True).click()
    journey.check(page, "opportunity-form")
    page.get_by_label("Company").fill("Fabrikam")
    page.get_by_label("Position").fill("Designer")
    page.get_by_role("button", name="Add opportunity").click()
    journey.check(page, "opportunity")

    page.get_by_role("link", name="Add a round", exact=True).click()
    journey.check(page, "round-form")
    page.get_by_label("Kind of round").select_option(label="Second round")
    page.get_by_label("Date and time").fill("2027-03-25T10:00")
    page.get_by_role("button", name="Add round").click()
    expect(page.get_by_text("Thursday 25 March 2027, 10:00 EDT").first).to_be_visible()
    journey.check(page, "round-added")

    page.get_by_role("link", name="Add an interviewer").click()
    journey.check(page, "interviewer-form")
    page.get_by_label("Name").fill("Dana Interviewer")
    page.get_by_label("Email").fill("dana@fabrikam.example")
    page.get_by_role("button", name="Add interviewer").click()
    expect(page.get_by_text("Dana Interviewer added to the interviewers.")).to_be_visible()
    journey.check(page, "interviewer-added")

    page.get_by_role("link", name="Assign a checklist for this round").first.click()
    # Two days before the interview by default, so no "overdue" lands on its morning.
    expect(page.get_by_label("Due date")).to_have_value("2027-03-23")
    page.get_by_label("Checklist template").select_option(
        label="Second-round interview prep (built-in)"
    )
    expect(page.get_by_label("Send the invitation now")).to_be_checked()
    journey.check(page, "assign-form")
    page.get_by_role("button", name="Assign checklist").click()
    expect(page.get_by_text("is assigned to Alex Berger")).to_be_visible()
    journey.check(page, "assigned")
    assignment = Assignment.objects.get(candidate__email="alex@example.com")
    assert assignment.due_date == datetime.date(2027, 3, 23)
    # Back to the round page, for the coach's later look.
    page.get_by_role("link", name=re.compile(r"^Second-round interview at Fabrikam")).first.click()
    journey.check(page, "coach-round")


def _candidate_joins_from_berlin(page, journey, mailoutbox):
    page.goto(invitation_link(mailoutbox, "alex@example.com"))
    expect(page.locator("input[name=time_zone]")).to_have_value("Europe/Berlin")
    journey.check(page, "invitation")
    page.get_by_label("Choose a password").fill(NEW_PASSWORD)
    page.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_text("Welcome! You are now connected with")).to_be_visible()
    journey.check(page, "joined")
    assert Candidate.objects.get(email="alex@example.com").user.time_zone == "Europe/Berlin"

    main_nav(page).get_by_role("link", name="My checklists").click()
    upcoming = page.get_by_role("region", name="Upcoming interviews")
    link = upcoming.get_by_role("link", name=re.compile(r"^Second-round interview at Fabrikam"))
    expect(link).to_contain_text("Thu 25 Mar, 15:00 CET")
    expect(page.get_by_text("EDT")).to_have_count(0)
    journey.check(page, "candidate-home-before")
    link.click()
    expect(page.get_by_text("Thursday 25 March 2027, 15:00 CET (60 min)")).to_be_visible()
    journey.check(page, "candidate-round-before")


def _candidate_records_the_outcome_first(page, journey):
    main_nav(page).get_by_role("link", name="My checklists").click()
    todo = page.get_by_role("list", name="After your interviews")
    expect(todo).to_contain_text("Send your thank-you notes to Dana Interviewer")
    expect(todo).to_contain_text("Write your debrief")
    expect(todo).to_contain_text("Record the outcome when you hear back")
    journey.check(page, "candidate-home-after")
    todo.get_by_role("link", name="Record the outcome when you hear back").click()
    page.get_by_role("combobox", name="Outcome").select_option(label="Advanced")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome recorded: Advanced.")).to_be_visible()
    journey.check(page, "outcome-recorded")


def _candidate_edits_the_note_and_opens_it(page, journey):
    # The outcome is in; the note and the debrief are still on the home page.
    main_nav(page).get_by_role("link", name="My checklists").click()
    todo = page.get_by_role("list", name="After your interviews")
    expect(todo).not_to_contain_text("Record the outcome")
    expect(todo).to_contain_text("Write your debrief")
    step = todo.get_by_role("link", name="Send your thank-you notes to Dana Interviewer")
    # 22 h left, read rounded down once the clock has ticked.
    expect(todo.locator(".follow-up-step").first).to_contain_text(re.compile(r"Due in 2[12] h"))
    past = page.get_by_role("region", name="Past interviews")
    expect(past).to_contain_text("Advanced")
    journey.check(page, "candidate-home-after-outcome")

    step.click()
    page.get_by_role("button", name="Draft notes to Dana Interviewer").click()
    note = page.get_by_role("article", name=re.compile(r"^To Dana Interviewer"))
    body = note.get_by_label("Body")
    expect(body).to_have_value(re.compile(r"^Dear Dana,"))
    expect(body).to_have_value(re.compile(r"\["))  # the draft's placeholder
    journey.check(page, "note-drafted")

    body.fill(EDITED_BODY)
    link = note.get_by_role("link", name="Open in my email program")
    expect(link).to_be_visible()
    expect(note.get_by_role("button", name="Open in my email program")).to_be_hidden()
    href = link.get_attribute("href")
    assert href.startswith("mailto:dana@fabrikam.example?")
    assert f"body={quote(EDITED_BODY, safe='')}" in href
    # What is on screen, not what was saved: the stored draft still has its placeholder.
    assert "[" in ThankYouNote.objects.get(to="dana@fabrikam.example").body
    journey.check(page, "note-edited-on-screen")
