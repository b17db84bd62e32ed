"""Journey 7: the interview at the centre. Before the interview the coach keeps
the interviewers on the round page; after it (the clock moves past its start,
for the live server too) the candidate writes the debrief, drafts the thank-you
notes and asks the coach to look at one; the coach comments from the dashboard
and adds a question really asked to their bank; the candidate sends both notes,
records the outcome and takes the brief along as a PDF. Runs at desktop width
and at phone width (390 x 844). The PDF and, when poppler-utils is installed,
its first page as brief-page-1.png land in test-artifacts/ with the screenshots."""

import datetime
import io
import re
import shutil
import subprocess

import pytest
import time_machine
from playwright.sync_api import expect
from pypdf import PdfReader

from interviews.models import InterviewRound, Question, Review, ThankYouNote
from interviews.services import checklists as checklists_services

from .conftest import DESKTOP, PHONE, log_in, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("7-interview-round")]

ASKED = [
    "Tell us about a time a plan fell apart.",
    "How would you run the weekly S&OP meeting?",
]
DANA_BODY = (
    "Dear Dana,\n\n"
    "Thank you for taking the time to talk with me about the Operations Lead role "
    "at Northwind Traders.\n\n"
    "Hearing how the Leeds warehouse move was planned stayed with me.\n\n"
    "I would very much like to join the team, and I hope to hear from you soon.\n\n"
    "Best regards,\nCam Candidate"
)
RAJ_SPECIFIC = "Seeing the planning tools your team built stayed with me."
COACH_COMMENT = "Lovely. Name the Leeds move in the first line and keep it to five sentences."
BANK_SOURCE = "Asked at Northwind Traders, second-round interview"


@pytest.fixture
def approved(submitted):
    """``submitted``, approved by the coach, the interview 4 days (and an hour) ahead.

    The extra hour keeps the headline at "Interview in 4 days": the page rounds
    the time left down, and the journey's first steps take a few seconds."""
    checklists_services.assignment_review(
        assignment=submitted.assignment, by=submitted.coach, verdict=Review.Verdict.APPROVED
    )
    round_ = submitted.round
    round_.scheduled_at += datetime.timedelta(hours=1)
    round_.save(update_fields=["scheduled_at"])
    return submitted


def note_card(page, name: str):
    """One thank-you note (an article headed "To <name> …")."""
    return page.get_by_role("article", name=re.compile(rf"^To {re.escape(name)}\b"))


def asked_question(page, text: str):
    """One question asked, as the coach's round page lists it under the debrief."""
    debrief = page.get_by_role("region", name="Cam Candidate's debrief")
    return debrief.get_by_role("listitem").filter(has_text=text)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_interview_round_before_and_after(width, open_page, journey, approved, password):
    viewport = DESKTOP if width == "desktop" else PHONE
    coach, candidate, round_ = approved.coach, approved.candidate, approved.round

    # Before: the coach opens the round from the dashboard and completes the interviewers.
    coach_page = open_page("coach", viewport=viewport)
    log_in(coach_page, journey, coach.email, password)
    journey.check(coach_page, "coach-dashboard")
    upcoming = coach_page.get_by_role("region", name="Interviews in the next 7 days")
    upcoming.get_by_role("link", name="Cam Candidate").click()
    expect(
        coach_page.get_by_role("heading", name="Second-round interview at Northwind Traders")
    ).to_be_visible()
    expect(coach_page.get_by_text("Interview in 4 days")).to_be_visible()
    journey.check(coach_page, "coach-round")
    _coach_completes_interviewers(coach_page, journey)
    interviewers = coach_page.get_by_role("region", name="Interviewers")
    expect(interviewers.locator(".interviewer")).to_have_count(3)
    expect(interviewers.get_by_text("Head of Operations · Hiring manager")).to_be_visible()
    expect(interviewers.get_by_text("Supply Planner · Future teammate")).to_be_visible()
    expect(coach_page.get_by_text("They open when the interview starts")).to_be_visible()
    journey.check(coach_page, "coach-round-before")

    # The candidate's round page: the countdown, and the follow-up still closed.
    page = open_page("candidate", viewport=viewport)
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "candidate-home-before")
    page.get_by_role("region", name="Upcoming interviews").get_by_role(
        "link", name=re.compile(r"^Second-round interview at Northwind Traders")
    ).click()
    expect(page.get_by_text("Interview in 4 days")).to_be_visible()
    closed = page.get_by_role("region", name="After the interview")
    expect(closed).to_contain_text("open when the interview starts")
    expect(page.get_by_role("region", name="Your debrief")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Draft notes to"))).to_have_count(0)
    expect(page.get_by_role("region", name="Interviewers")).to_contain_text("Raj Patel")
    journey.check(page, "candidate-round-before")

    # After: two hours past the start. Sessions last two weeks, so both stay logged in.
    after = round_.scheduled_at + datetime.timedelta(hours=2)
    with time_machine.travel(after, tick=True):
        _candidate_debriefs_and_drafts_notes(page, journey)
        _coach_checks_note_and_banks_question(coach_page, journey)
        _candidate_sends_notes_and_records_outcome(page, journey)
        _candidate_takes_the_brief(page, journey)

    round_ = InterviewRound.objects.get(pk=round_.pk)
    assert round_.outcome == InterviewRound.Outcome.ADVANCED
    assert round_.debriefed_at is not None
    assert "Leeds warehouse move" in round_.debrief_notes
    assert list(round_.asked_questions.values_list("text", flat=True)) == ASKED
    notes = list(ThankYouNote.objects.filter(round=round_).select_related("interviewer"))
    assert sorted(note.interviewer.name for note in notes) == ["Dana Interviewer", "Raj Patel"]
    assert all(note.sent_at is not None for note in notes)
    commented = [note for note in notes if note.coach_comment]
    assert [note.interviewer.name for note in commented] == ["Dana Interviewer"]
    assert commented[0].coach_comment == COACH_COMMENT
    assert commented[0].body == DANA_BODY
    raj_note = next(note for note in notes if note.interviewer.name == "Raj Patel")
    assert RAJ_SPECIFIC in raj_note.body
    assert "[" not in raj_note.body
    banked = Question.objects.get(owner=coach, source=BANK_SOURCE)
    assert banked.prompt == ASKED[1]
    assert round_.asked_questions.get(text=ASKED[1]).bank_question == banked
    assert round_.asked_questions.get(text=ASKED[0]).bank_question is None


def _coach_completes_interviewers(page, journey):
    """Dana (from the fixture) gets her job title; Raj (with an email) and Lee
    (without one, so no thank-you draft) are added."""
    interviewers = page.get_by_role("region", name="Interviewers")
    interviewers.get_by_role("link", name="Edit Dana Interviewer").click()
    expect(page.get_by_role("heading", name="Edit Dana Interviewer")).to_be_visible()
    journey.check(page, "edit-interviewer")
    page.get_by_label("Job title").fill("Head of Operations")
    page.get_by_role("button", name="Save interviewer").click()
    expect(page.get_by_text("Dana Interviewer's details have been saved.")).to_be_visible()
    journey.check(page, "interviewer-saved")

    for name, job_title, role, email in [
        ("Raj Patel", "Supply Planner", "Future teammate", "raj@northwind.example"),
        ("Lee Morgan", "Talent Partner", "Recruiter", ""),
    ]:
        page.get_by_role("region", name="Interviewers").get_by_role(
            "link", name="Add an interviewer"
        ).click()
        expect(page.get_by_role("heading", name="Add an interviewer")).to_be_visible()
        journey.check(page, f"add-interviewer-{name}")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Job title").fill(job_title)
        page.get_by_label("Role in the process").select_option(label=role)
        page.get_by_label("Email").fill(email)
        page.get_by_role("button", name="Add interviewer").click()
        expect(page.get_by_text(f"{name} added to the interviewers.")).to_be_visible()
        journey.check(page, f"interviewer-added-{name}")


def _candidate_debriefs_and_drafts_notes(page, journey):
    main_nav(page).get_by_role("link", name="My checklists").click()
    follow_up = page.get_by_role("region", name="To do").get_by_role(
        "list", name="After your interviews"
    )
    expect(
        follow_up.get_by_role("link", name="Send your thank-you notes to Dana Interviewer")
    ).to_be_visible()
    expect(follow_up.get_by_role("link", name="Write your debrief")).to_be_visible()
    # On time: a quiet badge, not an alarm.
    expect(follow_up.locator(".due-badge")).to_have_text(re.compile(r"^Due in 2\d h$"))
    expect(follow_up.locator(".due-badge")).not_to_have_class(re.compile("text-bg-danger"))
    journey.check(page, "candidate-home-after")
    follow_up.get_by_role(
        "link", name=re.compile(r"^Second-round interview at Northwind Traders")
    ).click()
    expect(page.get_by_text("The interview has taken place")).to_be_visible()
    expect(page.get_by_role("region", name="After the interview")).to_have_count(0)
    # What is left comes first; on a phone the logistics follow below it.
    notes = page.get_by_role("region", name="Thank-you notes", exact=True).bounding_box()
    facts = page.get_by_role("region", name="The interview", exact=True).bounding_box()
    assert notes["y"] <= facts["y"]
    if page.viewport_size["width"] < 992:
        assert notes["y"] + notes["height"] <= facts["y"]
    journey.check(page, "candidate-round-open")

    page.get_by_label("How did it go?").fill(
        "Dana asked about the Leeds warehouse move; Raj showed me the planning tools. "
        "It went well; the start date is still open."
    )
    page.get_by_label("Questions you were asked", exact=True).fill("\n".join(ASKED))
    page.get_by_label("What would you do differently?").fill(
        "Bring the numbers for the warehouse move on one slide."
    )
    page.get_by_role("button", name="Save debrief").click()
    expect(page.get_by_text("Debrief saved. Your coach can read it")).to_be_visible()
    expect(page.get_by_label("Questions you were asked", exact=True)).to_have_value(
        "\n".join(ASKED)
    )
    # Each question asked now has its "did your preparation cover it?" box.
    expect(page.get_by_role("group", name="Did your preparation cover them?")).to_be_visible()
    journey.check(page, "debrief-saved")

    # Only interviewers with an email get a draft: Dana and Raj, not Lee.
    draft = page.get_by_role("button", name=re.compile(r"^Draft notes to"))
    expect(draft).to_have_text("Draft notes to Dana Interviewer, Raj Patel")
    draft.click()
    expect(
        page.get_by_text("Drafted a thank-you note to Dana Interviewer, Raj Patel.")
    ).to_be_visible()
    expect(page.locator("article.thank-you-note")).to_have_count(2)
    journey.check(page, "notes-drafted")

    dana = note_card(page, "Dana Interviewer")
    expect(dana.get_by_label("Email address")).to_have_value("dana@northwind.example")
    expect(dana.get_by_label("Body")).to_have_value(re.compile(r"^Dear Dana,"))
    dana.get_by_label("Body").fill(DANA_BODY)
    dana.get_by_role("button", name="Save and ask my coach to look").click()
    expect(page.get_by_text("Saved, and your coach has been asked to look.")).to_be_visible()
    dana = note_card(page, "Dana Interviewer")
    expect(dana.get_by_text("Your coach has been asked to look")).to_be_visible()
    expect(dana.get_by_label("Body")).to_have_value(DANA_BODY)
    expect(dana.get_by_role("button", name="Save and ask my coach to look")).to_have_count(0)
    expect(note_card(page, "Raj Patel").get_by_text("Draft", exact=True)).to_be_visible()
    journey.check(page, "thank-you-notes")


def _coach_checks_note_and_banks_question(page, journey):
    main_nav(page).get_by_role("link", name="Dashboard").click()
    to_check = page.get_by_role("region", name="Thank-you notes to check")
    expect(to_check.get_by_text("To Dana Interviewer · Northwind Traders")).to_be_visible()
    journey.check(page, "coach-dashboard-note-to-check")
    to_check.get_by_role("link", name="Cam Candidate").click()
    debrief = page.get_by_role("region", name="Cam Candidate's debrief")
    expect(debrief.get_by_text("Dana asked about the Leeds warehouse move")).to_be_visible()
    expect(debrief.locator(".asked-question")).to_have_count(2)
    dana = note_card(page, "Dana Interviewer")
    expect(dana.get_by_text("Hearing how the Leeds warehouse move was planned")).to_be_visible()
    journey.check(page, "coach-round-note-to-check")

    dana.get_by_label("Your comment").fill(COACH_COMMENT)
    dana.get_by_role("button", name="Send to the candidate").click()
    expect(
        page.get_by_text("You commented on the note to Dana Interviewer. We emailed Cam Candidate")
    ).to_be_visible()
    dana = note_card(page, "Dana Interviewer")
    expect(dana.locator(".coach-comment")).to_contain_text(COACH_COMMENT)
    expect(dana.get_by_label("Your comment")).to_have_count(0)
    journey.check(page, "coach-commented")

    asked_question(page, ASKED[1]).get_by_role("button", name="Add to my question bank").click()
    expect(page.get_by_text(f"Added to your question bank: “{ASKED[1]}”")).to_be_visible()
    expect(asked_question(page, ASKED[1]).get_by_role("link", name="In your bank")).to_be_visible()
    expect(
        asked_question(page, ASKED[0]).get_by_role("button", name="Add to my question bank")
    ).to_be_visible()
    journey.check(page, "coach-question-banked")


def _candidate_sends_notes_and_records_outcome(page, journey):
    page.reload()
    dana = note_card(page, "Dana Interviewer")
    expect(dana.get_by_text("Coach commented")).to_be_visible()
    expect(dana.locator(".coach-comment")).to_contain_text(COACH_COMMENT)
    journey.check(page, "candidate-sees-comment")

    _mark_sent(page, "Dana Interviewer")
    # Raj's draft still has its placeholder in brackets, quoting Raj's part of the
    # debrief: "Save and mark as sent" saves the sentence typed in its place before
    # marking the note as sent (no placeholder left, so nothing to confirm).
    raj_body = note_card(page, "Raj Patel").get_by_label("Body")
    expect(raj_body).to_have_value(
        re.compile(r"\[One specific thing .*Your debrief: “Raj showed me the planning tools\.”")
    )
    raj_body.fill(re.sub(r"\[.*?\]", RAJ_SPECIFIC, raj_body.input_value()))
    _mark_sent(page, "Raj Patel")
    expect(page.get_by_text("Saved, and marked as sent.")).to_be_visible()
    journey.check(page, "notes-sent")

    page.get_by_role("combobox", name="Outcome").select_option(label="Advanced")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Outcome recorded: Advanced.")).to_be_visible()
    expect(page.get_by_text("Next: Outcome: Advanced")).to_be_visible()
    # Dana's coach comment stays beside the note as it was sent.
    expect(note_card(page, "Dana Interviewer").locator(".coach-comment")).to_contain_text(
        COACH_COMMENT
    )
    journey.check(page, "round-after")


def _mark_sent(page, name: str) -> None:
    note_card(page, name).get_by_role("button", name="Save and mark as sent").click()
    sent = note_card(page, name)
    expect(sent.get_by_text(re.compile(r"^Sent \d+ \w+, \d\d:\d\d$"))).to_be_visible()
    expect(sent.get_by_role("button", name="Save and mark as sent")).to_have_count(0)


def _candidate_takes_the_brief(page, journey):
    page.get_by_role("link", name="Interview brief").click()
    expect(page.get_by_role("heading", name="Northwind Traders", level=1)).to_be_visible()
    expect(page.get_by_text("Draft: your coach has not approved")).to_have_count(0)
    people = page.get_by_role("region", name="Interviewers")
    for name in ("Dana Interviewer", "Raj Patel", "Lee Morgan"):
        expect(people.get_by_text(name)).to_be_visible()
    journey.check(page, "brief")

    link = page.get_by_role("link", name="Download PDF")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.startswith("brief-northwind-traders-")
    pdf = journey.folder / "brief.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    for name in ("Dana Interviewer", "Raj Patel", "Lee Morgan"):
        assert name in text, f"{name} is not in the brief's PDF: {text[:500]}"
    # The same link fetched with the page's cookies: what the browser was told.
    response = page.request.get(link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    _first_page_as_png(pdf)


def _first_page_as_png(pdf):
    """brief-page-1.png beside the PDF, as scripts/brief_screenshots.sh makes it;
    for looking at, so without poppler-utils there is simply no image."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return
    first_page = ["-f", "1", "-l", "1", "-singlefile"]
    subprocess.run(  # noqa: S603 - poppler's pdftoppm on a PDF this test saved
        [pdftoppm, "-png", "-r", "110", *first_page, pdf, pdf.parent / "brief-page-1"],
        check=True,
        timeout=60,
    )
