"""Rehearse out loud (issue 24, section 3), with Chromium's fake microphone:
the candidate attaches a portfolio PDF, records a take against the 1-minute
timer on a written answer, keeps it and sends it to the coach, and submits;
the coach sees the file and plays the take (the audio element reports a
finite duration), comments on it with the verdict; the candidate reads the
comment beside the take. Axe-clean at 1280 and 390 px. Without JavaScript,
the same page takes an uploaded recording."""

import io
import math
import re
import wave

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from interviews.lib.demo import sample_responses
from interviews.models import RehearsalTake
from interviews.services import checklists as checklists_services

from ..files import samples
from .conftest import ANSWERS, DESKTOP, PHONE, checklist_item, log_in, mark_item

pytestmark = [pytest.mark.browser]

#: Kept short: stopping works; the timer's expiry is the script's own code path.
RECORD_MS = 2500


def _answered(prepared) -> None:
    """Every required answer saved (not submitted), except the portfolio's file."""
    assignment = prepared.assignment
    checklists_services.assignment_save(
        assignment=assignment,
        by=prepared.candidate.user,
        responses=sample_responses(assignment, answers=ANSWERS, required_only=True),
    )


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 8000)
    return buffer.getvalue()


def _check_both_widths(journey, page, step: str) -> None:
    journey.check(page, f"{step}-1280")
    page.set_viewport_size(PHONE)
    journey.check(page, f"{step}-390")
    page.set_viewport_size(DESKTOP)


@pytest.mark.journey("rehearsal-record-send-comment")
def test_record_a_take_send_it_the_coach_plays_and_comments_the_candidate_reads(
    open_page, journey, prepared, password
):
    _answered(prepared)
    coach, candidate = prepared.coach, prepared.candidate

    page = open_page("candidate", permissions=["microphone"])
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "candidate-home")
    page.get_by_role("link", name="Second-round interview prep").click()
    journey.check(page, "checklist")

    # The portfolio PDF on the portfolio item (the files feature).
    portfolio = checklist_item(page, 9)
    # The file picker is folded until wanted: open it as a candidate does.
    portfolio.get_by_text("Add a file").click()
    portfolio.get_by_label("File for item 9").set_input_files(
        {"name": "portfolio.pdf", "mimeType": "application/pdf", "buffer": samples.PDF}
    )
    portfolio.get_by_role("button", name="Save and attach").click()
    expect(page.get_by_text("“portfolio.pdf” is attached to item 9.")).to_be_visible()
    journey.check(page, "portfolio-attached")

    # Rehearse the written answer of item 6 against the 1-minute timer.
    checklist_item(page, 6).get_by_role("button", name="Rehearse out loud").click()
    expect(page.get_by_role("heading", name="Rehearse out loud")).to_be_visible()
    expect(page.get_by_text("I ran the warehouse move in 2023.")).to_be_visible()
    expect(page.get_by_text("No takes yet:")).to_be_visible()
    _check_both_widths(journey, page, "rehearsal-page")
    page.get_by_label("1 minute").check()
    page.get_by_role("button", name="Record", exact=True).click()
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text(re.compile(r"^0:5\d left$"))
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_enabled()
    page.wait_for_timeout(RECORD_MS)
    page.get_by_role("button", name="Stop", exact=True).click()
    expect(page.get_by_text("Recording stopped.", exact=True).first).to_be_attached()
    playback = page.locator("[data-playback]")
    expect(playback).to_be_visible()
    assert playback.get_attribute("src").startswith("blob:")
    journey.check(page, "listen-back")
    page.get_by_role("button", name="Keep this take").click()
    expect(page.get_by_text("Take kept. Listen back below")).to_be_visible()
    take = RehearsalTake.objects.get()
    assert take.timer_seconds == 60
    assert take.duration_seconds is not None and 2 <= take.duration_seconds <= 5
    assert take.content_type in {"audio/webm", "audio/ogg", "audio/mp4"}
    takes = page.get_by_role("region", name=re.compile("Your takes"))
    expect(takes.locator("audio")).to_have_count(1)
    takes.get_by_role("button", name=re.compile("^For my coach")).click()
    expect(page.get_by_text("Your coach will hear this take")).to_be_visible()
    expect(takes.get_by_text("Sent to your coach")).to_be_visible()
    _check_both_widths(journey, page, "take-sent")

    # Back to the checklist: submit.
    page.get_by_role("link", name="Back to “Second-round interview prep”").click()
    expect(checklist_item(page, 6).get_by_text("1 take, one sent to your coach")).to_be_visible()
    journey.check(page, "checklist-with-take")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Submitted for review.")).to_be_visible()
    journey.check(page, "submitted")

    # The coach: the file and the take on the review page; plays it, comments.
    coach_page = open_page("coach")
    log_in(coach_page, journey, coach.email, password)
    journey.check(coach_page, "coach-dashboard")
    waiting = coach_page.get_by_role("region", name="Waiting for your review")
    waiting.get_by_role("link", name="Cam Candidate").click()
    expect(checklist_item(coach_page, 9).get_by_role("link", name="portfolio.pdf")).to_be_visible()
    item6 = checklist_item(coach_page, 6)
    expect(
        item6.get_by_role("heading", name=re.compile(r"Rehearsal \(0:0\d, 1-minute timer\)"))
    ).to_be_visible()
    audio = item6.locator("audio")
    # A recording from MediaRecorder may not say its length in its header:
    # play it through (muted), then the element knows it.
    duration = audio.evaluate(
        """async (el) => {
            el.muted = true;
            const ended = new Promise((done) => el.addEventListener("ended", done, {once: true}));
            await el.play();
            await ended;
            return el.duration;
        }"""
    )
    assert math.isfinite(duration) and duration > 1, duration
    _check_both_widths(journey, coach_page, "coach-review")
    item6.get_by_label("Comment on the rehearsal of item 6").fill(
        "Good pace; say the result before the details."
    )
    mark_item(coach_page, 6, "Needs work")
    coach_page.get_by_role("region", name="Your verdict").get_by_role(
        "button", name="Request changes"
    ).click()
    expect(coach_page.get_by_text("Changes requested.")).to_be_visible()
    journey.check(coach_page, "coach-requested-changes")

    # The candidate reads the comment beside the take.
    page.reload()
    journey.check(page, "candidate-checklist-commented")
    item = checklist_item(page, 6)
    item.get_by_role("link", name="Your coach commented on your rehearsal").click()
    comment = page.locator(".take-comment")
    expect(comment).to_contain_text("Good pace; say the result before the details.")
    _check_both_widths(journey, page, "candidate-reads-comment")


def test_without_javascript_the_page_takes_an_uploaded_recording(new_context, prepared, password):
    candidate = prepared.candidate
    context = new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(candidate.user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(prepared.assignment.get_candidate_url())
    checklist_item(page, 6).get_by_label("My answer").fill("Typed without a script.")
    # A button of the checklist form: the answer is saved on the way.
    checklist_item(page, 6).get_by_role("button", name="Rehearse out loud").click()
    expect(page.get_by_text("Typed without a script.")).to_be_visible()
    expect(page.locator("[data-recorder]")).to_be_hidden()
    expect(page.get_by_role("button", name="Record", exact=True)).to_be_hidden()
    upload = page.get_by_label("Upload a recording")
    upload.set_input_files({"name": "cv.pdf", "mimeType": "audio/wav", "buffer": samples.PDF})
    page.get_by_role("button", name="Upload and keep").click()
    expect(page.locator("#recording-error")).to_contain_text(
        "Upload an audio recording (WebM, Ogg, MP4/M4A or WAV)"
    )
    page.get_by_label("Upload a recording").set_input_files(
        {"name": "take.wav", "mimeType": "audio/wav", "buffer": _wav()}
    )
    page.get_by_role("button", name="Upload and keep").click()
    expect(page.get_by_text("Take kept.")).to_be_visible()
    expect(page.get_by_text("Length not known · no timer")).to_be_visible()
    take = RehearsalTake.objects.get()
    assert page.locator("audio[preload]").get_attribute("src") == reverse("me:take", args=[take.pk])


@pytest.mark.journey("rehearsal-timer-runs-out")
def test_the_timer_running_out_stops_the_recording(open_page, journey, prepared, password):
    """Playwright's page clock moves the page's time (performance.now and the
    countdown's interval) a minute ahead; the recorder itself runs on real time."""
    _answered(prepared)
    page = open_page("candidate", permissions=["microphone"])
    page.clock.install()
    log_in(page, journey, prepared.candidate.user.email, password)
    journey.check(page, "candidate-home")
    page.get_by_role("link", name="Second-round interview prep").click()
    journey.check(page, "checklist")
    checklist_item(page, 6).get_by_role("button", name="Rehearse out loud").click()
    journey.check(page, "rehearsal-page")
    page.get_by_label("1 minute").check()
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_enabled()
    page.wait_for_timeout(1000)  # real time: some audio for the recorder
    page.clock.run_for(31_000)
    # (The installed clock also goes on with real time.)
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^0:[12]\d left$"))
    expect(page.locator("[data-announce]")).to_have_text("30 seconds left.")
    page.clock.run_for(40_000)
    expect(page.locator("[data-recorder-status]")).to_have_text("Time is up: recording stopped.")
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_disabled()
    expect(page.locator("[data-playback]")).to_be_visible()
    journey.check(page, "time-is-up")


@pytest.mark.journey("rehearsal-microphone-refused")
def test_a_refused_microphone_is_said_plainly_and_points_at_the_upload(
    open_page, journey, prepared, password
):
    _answered(prepared)
    page = open_page("candidate")
    # As when the person says no to the browser's prompt.
    page.add_init_script(
        "navigator.mediaDevices.getUserMedia = () =>"
        " Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));"
    )
    log_in(page, journey, prepared.candidate.user.email, password)
    journey.check(page, "candidate-home")
    page.get_by_role("link", name="Second-round interview prep").click()
    journey.check(page, "checklist")
    checklist_item(page, 6).get_by_role("button", name="Rehearse out loud").click()
    journey.check(page, "rehearsal-page")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Recording needs your permission to use the microphone"
    )
    expect(page.get_by_role("alert")).to_contain_text("upload a recording below")
    expect(page.get_by_label("Upload a recording")).to_be_visible()
    journey.check(page, "microphone-refused")
