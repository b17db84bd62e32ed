"""The writing checks under thank-you notes (lib.writing.note_findings): on the
candidate's round page after saving, and beside the note the coach is asked to
look at. Suggestions only: marking as sent stays as it was."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.services import rounds as rounds_services

from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory

START = (timezone.now() - datetime.timedelta(hours=5)).replace(second=0, microsecond=0)
DEMANDING = "“let me know by” can read as pressing"
CLEAN = "Dear Tom,\nThank you for walking me through the audit dashboard.\n\nBest regards,\nCam"


@pytest.fixture
def round(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind", position="Senior Analyst"
        ),
        scheduled_at=START,
        debrief_notes="Tom showed me the audit dashboard; Ann asked about forecasting.",
    )
    InterviewerFactory(round=round, name="Tom Becker", email="tom@example.com")
    InterviewerFactory(round=round, name="Ann Lee", email="ann@example.com")
    return round


@pytest.fixture
def notes(round, candidate):
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    notes = round.thank_you_notes.select_related("interviewer")
    return {note.interviewer.first_name: note for note in notes}


def posted(*notes, action, **bodies):
    data = {"action": action}
    for note in notes:
        fields = {"to": note.to, "subject": note.subject, "body": note.body}
        fields["body"] = bodies.get(note.interviewer.first_name, note.body)
        fields["seen"] = note.text_fingerprint
        data |= {f"note-{note.pk}-{name}": value for name, value in fields.items()}
    return data


def article(html: str, note) -> str:
    start = html.index(f'id="note-{note.pk}"')
    return html[start : html.index("</article>", start)]


def suggestions(section: str) -> list[str]:
    block = re.search(
        r'<div class="writing-findings[^"]*" role="note" aria-label="Suggestions">'
        r"(.*?)</div>",
        section,
        re.S,
    )
    return re.findall(r"<li [^>]*>(.*?)</li>", block.group(1), re.S) if block else []


def candidate_page(client, round) -> str:
    return client.get(reverse("me:round", args=[round.pk])).content.decode()


def test_a_saved_demanding_note_shows_the_suggestion_under_it(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    body = CLEAN.replace("dashboard.", "dashboard. Please let me know by Friday.")
    response = candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"save:{tom.pk}", Tom=body),
    )
    assert response.status_code == 302
    tom.refresh_from_db()
    assert tom.body == body

    html = candidate_page(candidate_client, round)
    found = suggestions(article(html, tom))
    assert len(found) == 1 and DEMANDING in found[0]
    # Suggestions, not an error: no alert style, no invalid field.
    assert "alert-danger" not in article(html, tom) and "is-invalid" not in article(html, tom)


def test_a_clean_note_shows_no_suggestions(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"save:{tom.pk}", Tom=CLEAN),
    )
    html = candidate_page(candidate_client, round)
    assert suggestions(article(html, tom)) == []
    assert "Suggestions" not in article(html, tom)
    # Ann's note is still the untouched draft: its placeholder is pointed out.
    (placeholder,) = suggestions(article(html, ann))
    assert placeholder.startswith("Replace “[One specific thing")


def test_an_empty_note_shows_no_suggestions(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"save:{tom.pk}", Tom=""),
    )
    assert suggestions(article(candidate_page(candidate_client, round), tom)) == []


def test_two_copies_of_one_note_are_both_pointed_out(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"save:{tom.pk}", Tom=CLEAN, Ann=CLEAN.replace("Tom", "Ann")),
    )
    html = candidate_page(candidate_client, round)
    copy = "This note is almost the same as another note of this round"
    assert any(copy in text for text in suggestions(article(html, tom)))
    assert any(copy in text for text in suggestions(article(html, ann)))


def test_a_finding_does_not_hold_up_marking_as_sent(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    body = CLEAN + "\nPlease let me know by Friday. What is the salary?"
    response = candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"sent:{tom.pk}", Tom=body),
    )
    assert response.status_code == 302
    assert "confirm=" not in response.url
    tom.refresh_from_db()
    assert tom.sent_at is not None and tom.body == body


def test_the_coach_asked_to_look_sees_the_same_suggestions(
    round, notes, candidate, candidate_client, coach_client
):
    tom, ann = notes["Tom"], notes["Ann"]
    body = CLEAN.replace("dashboard.", "dashboard. Please let me know by Friday.")
    candidate_client.post(
        reverse("me:notes_save", args=[round.pk]),
        posted(tom, ann, action=f"check:{tom.pk}", Tom=body),
    )
    tom.refresh_from_db()
    assert tom.awaiting_check

    coach_html = coach_client.get(reverse("coach:round_detail", args=[round.pk])).content.decode()
    candidate_html = candidate_page(candidate_client, round)
    assert suggestions(article(coach_html, tom)) == suggestions(article(candidate_html, tom))
    assert DEMANDING in suggestions(article(coach_html, tom))[0]
    assert "note-check" in article(coach_html, tom)  # the coach's answer form is there too
