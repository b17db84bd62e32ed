"""Thank-you notes that are safe to send, in the browser: "Open in my email
program" and "Copy text" take the text on screen (not the last saved one), a
note's button keeps what was typed into another note, and a placeholder left in
the draft is confirmed before the note is marked as sent. At desktop and phone
width; without JavaScript the open button saves first and the page offers the
saved text's link. Screenshots of the notes section land beside the journey's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interviews.lib.drafts import mailto_url
from interviews.models import ThankYouNote
from interviews.services import rounds as rounds_services

from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory
from .conftest import ARTIFACTS, DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.journey("thank-you-notes")]

DANA_TYPED = "Dear Dana,\n\nHearing how the Leeds move was planned stayed with me."
# Characters a mail link must encode, to compare the script's link with the server's.
RAJ_TYPED = (
    "Dear Raj,\n\nThe planning tools (yours!) & the 'S&OP' board: 100% + more * 2 = ?#\n"
    "Grüße, [one more thing]"
)
RAJ_SUBJECT = "Thanks, Raj: our talk & the tools"


@pytest.fixture
def notes(library, candidate):
    """Dana's and Raj's drafts, three hours after the interview's start."""
    round_ = InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind Traders", position="Operations Lead"
        ),
        scheduled_at=timezone.now() - datetime.timedelta(hours=3),
        debrief_notes="Dana asked about the Leeds move; Raj showed me the planning tools.",
    )
    InterviewerFactory(round=round_, name="Dana Interviewer", email="dana@northwind.example")
    InterviewerFactory(round=round_, name="Raj Patel", email="raj@northwind.example")
    rounds_services.thank_you_notes_prepare(round=round_, by=candidate.user)
    return round_


def note_card(page, name: str):
    return page.get_by_role("article", name=re.compile(rf"^To {re.escape(name)}\b"))


def stored(round_, name: str) -> ThankYouNote:
    return ThankYouNote.objects.get(round=round_, interviewer__name=name)


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_notes_use_the_text_on_screen_and_keep_every_note(
    width, open_page, journey, notes, candidate, password
):
    viewport = DESKTOP if width == "desktop" else PHONE
    page = open_page(
        "candidate", viewport=viewport, permissions=["clipboard-read", "clipboard-write"]
    )
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "candidate-home")
    page.goto(reverse("me:round", args=[notes.pk]))
    dana, raj = note_card(page, "Dana Interviewer"), note_card(page, "Raj Patel")
    # Each draft starts from the interviewer's part of the debrief.
    expect(dana.get_by_label("Body")).to_have_value(re.compile(r"“Dana asked about the Leeds"))
    expect(raj.get_by_label("Body")).to_have_value(re.compile(r"“Raj showed me the planning"))
    # The script's buttons are there; the page-without-JavaScript open button is not.
    expect(raj.get_by_role("link", name="Open in my email program")).to_be_visible()
    expect(raj.get_by_role("button", name="Open in my email program")).to_have_count(0)
    expect(raj.get_by_role("button", name="Copy text")).to_be_visible()
    journey.check(page, "notes")
    page.locator("#notes").screenshot(path=str(journey.folder / f"notes-{width}.png"))

    # Typed into Dana's note, then Raj's "Save": Dana's text is kept and stored.
    dana.get_by_label("Body").fill(DANA_TYPED)
    raj.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Also saved: your note to Dana Interviewer.")).to_be_visible()
    journey.check(page, "saved-with-another-notes-button")
    expect(note_card(page, "Dana Interviewer").get_by_label("Body")).to_have_value(DANA_TYPED)
    assert stored(notes, "Dana Interviewer").body == DANA_TYPED

    # Edited on screen, not saved: the mail link and the copied text are what is shown.
    raj = note_card(page, "Raj Patel")
    raj.get_by_label("Subject").fill(RAJ_SUBJECT)
    raj.get_by_label("Body").fill(RAJ_TYPED)
    link = raj.get_by_role("link", name="Open in my email program")
    expect(link).to_have_attribute(
        "href", mailto_url("raj@northwind.example", RAJ_SUBJECT, RAJ_TYPED)
    )
    assert stored(notes, "Raj Patel").body != RAJ_TYPED
    # Handing over to the mail program leaves the page as it is: no "Leave site?"
    # for the typing not saved yet (Chromium asks before a mailto: link otherwise).
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    link.click()
    expect(raj.get_by_label("Body")).to_have_value(RAJ_TYPED)
    assert dialogs == []
    raj.get_by_role("button", name="Copy text").click()
    expect(raj.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == RAJ_TYPED
    page.locator("#notes").screenshot(path=str(journey.folder / f"notes-edited-{width}.png"))

    # "[one more thing]" is still in it: marking it sent asks first, and keeps the text.
    raj.get_by_role("button", name="Save and mark as sent").click()
    expect(page.get_by_text("Saved, but not marked as sent")).to_be_visible()
    raj = note_card(page, "Raj Patel")
    expect(raj.get_by_text("This note still has a placeholder in square brackets")).to_be_visible()
    expect(raj.get_by_label("Body")).to_have_value(RAJ_TYPED)
    journey.check(page, "placeholder-to-confirm")
    page.locator("#notes").screenshot(path=str(journey.folder / f"notes-confirm-{width}.png"))
    assert stored(notes, "Raj Patel").sent_at is None
    raj.get_by_role("button", name="Mark as sent anyway").click()
    expect(page.get_by_text("Saved, and marked as sent.")).to_be_visible()
    expect(note_card(page, "Raj Patel").get_by_text(re.compile(r"^Sent \d+ \w+"))).to_be_visible()
    journey.check(page, "sent-anyway")
    raj_note = stored(notes, "Raj Patel")
    assert (raj_note.subject, raj_note.body) == (RAJ_SUBJECT, RAJ_TYPED)
    assert raj_note.sent_at is not None


def test_without_javascript_open_saves_first_and_offers_the_link(
    new_context, notes, candidate, password
):
    context = new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(candidate.user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(reverse("me:round", args=[notes.pk]))
    dana, raj = note_card(page, "Dana Interviewer"), note_card(page, "Raj Patel")
    expect(raj.get_by_role("button", name="Copy text")).to_have_count(0)
    expect(raj.get_by_role("link", name="Open in my email program")).to_have_count(0)

    dana.get_by_label("Body").fill(DANA_TYPED)
    raj.get_by_label("Body").fill(RAJ_TYPED)
    raj.get_by_role("button", name="Open in my email program").click()
    saved = page.get_by_text("Saved. Your note to Raj Patel is ready to open below.")
    expect(saved).to_be_visible()
    open_link = note_card(page, "Raj Patel").get_by_role(
        "link", name="Open the note to Raj Patel in my email program"
    )
    raj_note = stored(notes, "Raj Patel")
    expect(open_link).to_have_attribute(
        "href", mailto_url(raj_note.to, raj_note.subject, RAJ_TYPED)
    )
    assert raj_note.body == RAJ_TYPED
    assert stored(notes, "Dana Interviewer").body == DANA_TYPED
    folder = ARTIFACTS / "thank-you-notes-without-javascript"
    folder.mkdir(parents=True, exist_ok=True)
    page.locator("#notes").screenshot(path=str(folder / "notes-phone.png"))
