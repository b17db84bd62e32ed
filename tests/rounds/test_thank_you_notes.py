"""Thank-you notes that are safe to send, on the candidate's round page: every
note in one form (a button of one note saves what was typed into all of them,
without overwriting a note changed in another tab), the mail link of a page
without JavaScript, and the confirmation asked before a note still holding a
placeholder is marked as sent."""

import datetime
import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.lib.drafts import mailto_url
from interviews.services import rounds as rounds_services

from ..checklist_helpers import messages_of
from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory

START = (timezone.now() - datetime.timedelta(hours=5)).replace(second=0, microsecond=0)
PLACEHOLDER = "[One specific thing from your conversation with"


@pytest.fixture
def round(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind", position="Senior Analyst"
        ),
        scheduled_at=START,
    )
    InterviewerFactory(round=round, name="Tom Becker", email="tom@example.com")
    InterviewerFactory(round=round, name="Ann Lee", email="ann@example.com")
    return round


@pytest.fixture
def notes(round, candidate):
    """Tom's and Ann's drafts, as the page shows them."""
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    notes = round.thank_you_notes.select_related("interviewer")
    return {note.interviewer.first_name: note for note in notes}


def page_url(round, **query):
    url = reverse("me:round", args=[round.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def posted(*notes, action=None, **typed):
    """The notes form as the browser posts it: every note shown, with its
    fingerprint as rendered; ``typed`` maps a note's pk to the fields changed."""
    data = {}
    for note in notes:
        fields = {"to": note.to, "subject": note.subject, "body": note.body}
        if note.interviewer_id is None:
            fields["to_name"] = note.to_name
        fields.update(typed.get(f"n{note.pk}", {}))
        fields["seen"] = note.text_fingerprint
        data |= {f"note-{note.pk}-{name}": value for name, value in fields.items()}
    if action:
        data["action"] = action
    return data


def posted_text(note, **values):
    """``note`` as a service call gets it, with ``values`` typed in."""
    fields = {"to": note.to, "subject": note.subject, "body": note.body, **values}
    return {note.pk: rounds_services.NoteText(seen=note.text_fingerprint, **fields)}


def save_url(round):
    return reverse("me:notes_save", args=[round.pk])


# ---------------------------------------------------------------- one form for every note


def test_the_page_has_one_form_for_every_note(round, notes, candidate_client):
    html = candidate_client.get(page_url(round)).content.decode()
    forms = re.findall(r"<form [^>]*>", html)
    [notes_form] = [form for form in forms if save_url(round) in form]
    assert 'id="notes-form"' in notes_form
    start = html.index('id="notes-form"')
    section = html[start : html.index("</form>", start)]
    for note in notes.values():
        assert f'name="note-{note.pk}-body"' in section
        assert f'value="save:{note.pk}"' in section
        assert f'value="sent:{note.pk}"' in section
        assert f'name="note-{note.pk}-seen" value="{note.text_fingerprint}"' in section
    # Enter in a field presses the first button: a plain save of every note.
    first_button = re.search(r"<button [^>]*>[^<]*</button>", section).group(0)
    assert "formaction" not in first_button and 'name="action"' not in first_button


def test_pressing_one_notes_button_saves_what_was_typed_in_the_other(
    round, notes, candidate_client
):
    tom, ann = notes["Tom"], notes["Ann"]
    data = posted(
        tom,
        ann,
        action=f"save:{ann.pk}",
        **{f"n{tom.pk}": {"body": "Dear Tom,\r\nThe audit story stayed with me."}},
        **{f"n{ann.pk}": {"subject": "Thanks, Ann"}},
    )
    response = candidate_client.post(save_url(round), data)
    assert response.status_code == 302
    assert response.url == f"{page_url(round)}#note-{ann.pk}"
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert tom.body == "Dear Tom,\nThe audit story stayed with me."
    assert ann.subject == "Thanks, Ann"
    assert messages_of(response) == [
        ("info", "Also saved: your note to Tom Becker."),
        ("success", "Saved."),
    ]


def test_marking_one_note_sent_saves_the_other_too(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    data = posted(
        tom,
        ann,
        action=f"sent:{tom.pk}",
        **{f"n{tom.pk}": {"body": "Dear Tom,\nThank you."}},
        **{f"n{ann.pk}": {"body": "Dear Ann,\nHalf written"}},
    )
    candidate_client.post(save_url(round), data)
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert tom.sent_at is not None
    assert (ann.sent_at, ann.body) == (None, "Dear Ann,\nHalf written")


def test_an_untouched_note_does_not_overwrite_a_newer_text_from_another_tab(
    round, notes, candidate_client
):
    tom, ann = notes["Tom"], notes["Ann"]
    stale = posted(tom, ann, action=f"save:{ann.pk}", **{f"n{ann.pk}": {"body": "Ann v2"}})
    candidate_client.post(
        save_url(round),
        posted(tom, action=f"save:{tom.pk}", **{f"n{tom.pk}": {"body": "Tom, from the other tab"}}),
    )
    response = candidate_client.post(save_url(round), stale)
    assert response.status_code == 302
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert (tom.body, ann.body) == ("Tom, from the other tab", "Ann v2")


def test_a_note_changed_in_both_tabs_is_a_conflict_and_nothing_is_saved(
    round, notes, candidate_client
):
    tom, ann = notes["Tom"], notes["Ann"]
    mine = posted(
        tom,
        ann,
        action=f"save:{tom.pk}",
        **{f"n{tom.pk}": {"body": "MY TOM TEXT"}},
        **{f"n{ann.pk}": {"body": "MY ANN TEXT"}},
    )
    candidate_client.post(
        save_url(round), posted(tom, **{f"n{tom.pk}": {"body": "OTHER TAB TEXT"}})
    )
    response = candidate_client.post(save_url(round), mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "was changed in another tab" in html
    assert "OTHER TAB TEXT" in html and "MY TOM TEXT" in html and "MY ANN TEXT" in html
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert (tom.body, ann.body) == ("OTHER TAB TEXT", notes["Ann"].body)
    # The form now answers to the stored version: saving again replaces it.
    seen = re.search(rf'name="note-{tom.pk}-seen" value="(\w+)"', html).group(1)
    assert seen == tom.text_fingerprint
    mine[f"note-{tom.pk}-seen"] = seen
    candidate_client.post(save_url(round), mine)
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert (tom.body, ann.body) == ("MY TOM TEXT", "MY ANN TEXT")


def test_typing_into_a_note_sent_from_another_tab_is_shown_not_dropped(
    round, notes, candidate_client
):
    tom = notes["Tom"]
    rounds_services.thank_you_notes_save(
        round=round,
        by=round.opportunity.candidate.user,
        typed=posted_text(tom, body="Dear Tom, sent version"),
    )
    tom.refresh_from_db()
    rounds_services.thank_you_note_mark_sent(note=tom, by=round.opportunity.candidate.user)
    response = candidate_client.post(
        save_url(round),
        posted(notes["Tom"], action=f"save:{tom.pk}", **{f"n{tom.pk}": {"body": "LATE EDIT"}}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "marked as sent in another tab" in html
    assert "LATE EDIT" in html
    tom.refresh_from_db()
    assert tom.body == "Dear Tom, sent version"


def test_a_note_drafted_since_the_page_was_opened_is_left_as_stored(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    # The page showed Tom's note only (Ann's was drafted later, in another tab).
    response = candidate_client.post(
        save_url(round), posted(tom, action=f"save:{tom.pk}", **{f"n{tom.pk}": {"body": "T"}})
    )
    assert response.status_code == 302
    body = ann.body
    ann.refresh_from_db()
    assert ann.body == body


def test_an_invalid_note_keeps_every_text_and_saves_nothing(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    data = posted(
        tom,
        ann,
        action=f"save:{ann.pk}",
        **{f"n{tom.pk}": {"to": "not an email", "body": "TOM TYPED"}},
        **{f"n{ann.pk}": {"body": "ANN TYPED"}},
    )
    response = candidate_client.post(save_url(round), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="form-errors"' in html
    assert f'href="#id_note-{tom.pk}-to">To Tom Becker, email address</a>' in html
    assert "TOM TYPED" in html and "ANN TYPED" in html
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert (tom.to, ann.body) == ("tom@example.com", notes["Ann"].body)


def test_drafting_more_notes_saves_what_was_typed_first(round, notes, candidate_client):
    tom = notes["Tom"]
    InterviewerFactory(round=round, name="Kim Park", email="kim@example.com")
    data = posted(tom, notes["Ann"], **{f"n{tom.pk}": {"body": "Tom, kept"}})
    response = candidate_client.post(reverse("me:notes_prepare", args=[round.pk]), data)
    assert response.status_code == 302
    tom.refresh_from_db()
    assert tom.body == "Tom, kept"
    assert round.thank_you_notes.filter(interviewer__name="Kim Park").exists()
    candidate_client.post(
        reverse("me:note_add_other", args=[round.pk]),
        posted(tom, **{f"n{tom.pk}": {"body": "Tom, kept again"}}),
    )
    tom.refresh_from_db()
    assert tom.body == "Tom, kept again"
    assert round.thank_you_notes.filter(interviewer=None).count() == 1


def test_a_button_naming_another_rounds_note_only_saves(round, notes, candidate, candidate_client):
    other = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate), scheduled_at=START
    )
    stranger = rounds_services.thank_you_note_add_other(round=other, by=candidate.user)
    tom = notes["Tom"]
    data = posted(tom, action=f"sent:{stranger.pk}", **{f"n{tom.pk}": {"body": "Dear Tom"}})
    response = candidate_client.post(save_url(round), data)
    assert response.url == f"{page_url(round)}#notes"
    stranger.refresh_from_db()
    tom.refresh_from_db()
    assert (stranger.sent_at, tom.body, tom.sent_at) == (None, "Dear Tom", None)


# ---------------------------------------------------------------- open in my email program


def test_without_javascript_open_saves_and_offers_the_saved_texts_link(
    round, notes, candidate_client
):
    tom = notes["Tom"]
    data = posted(
        tom,
        notes["Ann"],
        action=f"open:{tom.pk}",
        **{f"n{tom.pk}": {"body": "Dear Tom,\nEdited on screen."}},
    )
    response = candidate_client.post(save_url(round), data)
    assert response.url == f"{page_url(round, open=tom.pk)}#note-{tom.pk}"
    assert ("success", "Saved. Your note to Tom Becker is ready to open below.") in (
        messages_of(response)
    )
    tom.refresh_from_db()
    assert tom.body == "Dear Tom,\nEdited on screen."
    html = candidate_client.get(response.url).content.decode()
    link = mailto_url(tom.to, tom.subject, "Dear Tom,\nEdited on screen.")
    assert f'href="{escape(link)}">Open the note to Tom Becker in my email program</a>' in html
    # Only that note's link is put up front.
    assert "Open the note to Ann Lee" not in html


def test_the_buttons_that_need_javascript_are_hidden_without_it(round, notes, candidate_client):
    html = candidate_client.get(page_url(round)).content.decode()
    tom = notes["Tom"]
    assert re.search(rf'<button type="submit" name="action" value="open:{tom.pk}"[^>]*>', html)
    assert re.search(r"<a [^>]*data-mailto hidden>Open in my email program</a>", html)
    assert re.search(r'<button type="button" [^>]*data-copy-text hidden>Copy text</button>', html)
    assert html.count('role="status" aria-live="polite" data-copy-status') == 2
    assert "opens the last saved version" not in html


# ---------------------------------------------------------------- placeholders


def test_marking_sent_with_a_placeholder_asks_once_and_loses_nothing(
    round, notes, candidate_client
):
    tom, ann = notes["Tom"], notes["Ann"]
    assert PLACEHOLDER in tom.body
    data = posted(
        tom,
        ann,
        action=f"sent:{tom.pk}",
        **{f"n{tom.pk}": {"subject": "Thanks from Cam"}},
        **{f"n{ann.pk}": {"body": "ANN TYPED"}},
    )
    response = candidate_client.post(save_url(round), data)
    assert response.url == f"{page_url(round, confirm=tom.pk)}#note-{tom.pk}"
    assert (
        "warning",
        "Saved, but not marked as sent: the note still has a placeholder in "
        "square brackets. Replace it with your own words, or mark it as sent anyway.",
    ) in (messages_of(response))
    tom.refresh_from_db()
    ann.refresh_from_db()
    assert (tom.sent_at, tom.subject, ann.body) == (None, "Thanks from Cam", "ANN TYPED")

    html = candidate_client.get(response.url).content.decode()
    assert "This note still has a placeholder in square brackets" in html
    assert PLACEHOLDER in html
    assert f'<input type="hidden" name="confirm_placeholder" value="{tom.pk}">' in html
    assert f'name="action" value="sent:{tom.pk}" class="btn btn-sm btn-outline-dark">' in html
    # Confirmed: marked as sent, as it is.
    confirmed = posted(tom, ann, action=f"sent:{tom.pk}") | {"confirm_placeholder": str(tom.pk)}
    response = candidate_client.post(save_url(round), confirmed)
    assert ("success", "Saved, and marked as sent.") in messages_of(response)
    tom.refresh_from_db()
    assert tom.sent_at is not None
    assert PLACEHOLDER in tom.body


def test_the_confirmation_counts_for_its_own_note_only(round, notes, candidate_client):
    tom, ann = notes["Tom"], notes["Ann"]
    data = posted(tom, ann, action=f"sent:{ann.pk}") | {"confirm_placeholder": str(tom.pk)}
    candidate_client.post(save_url(round), data)
    ann.refresh_from_db()
    assert ann.sent_at is None


def test_a_placeholder_in_the_subject_asks_too(round, notes, candidate_client):
    tom = notes["Tom"]
    data = posted(
        tom,
        action=f"sent:{tom.pk}",
        **{f"n{tom.pk}": {"subject": "Thank you, [name]", "body": "Dear Tom, thanks."}},
    )
    response = candidate_client.post(save_url(round), data)
    assert "confirm=" in response.url
    tom.refresh_from_db()
    assert tom.sent_at is None


def test_a_note_without_placeholders_is_marked_sent_at_once(round, notes, candidate_client):
    tom = notes["Tom"]
    body = re.sub(r"\[[^\]]*\]", "The audit story stayed with me.", tom.body)
    data = posted(tom, action=f"sent:{tom.pk}", **{f"n{tom.pk}": {"body": body}})
    response = candidate_client.post(save_url(round), data)
    assert response.url == f"{page_url(round)}#note-{tom.pk}"
    tom.refresh_from_db()
    assert tom.sent_at is not None


def test_a_note_that_cannot_be_sent_says_so_before_asking_about_placeholders(
    round, candidate, candidate_client
):
    note = rounds_services.thank_you_note_add_other(round=round, by=candidate.user)
    response = candidate_client.post(save_url(round), posted(note, action=f"sent:{note.pk}"))
    assert response.url == f"{page_url(round)}#note-{note.pk}"
    assert ("error", "Write the note and its address before marking it as sent.") in (
        messages_of(response)
    )


def test_the_confirmation_is_not_offered_for_a_note_without_placeholders(
    round, notes, candidate_client
):
    tom = notes["Tom"]
    rounds_services.thank_you_notes_save(
        round=round, by=round.opportunity.candidate.user, typed=posted_text(tom, body="Done.")
    )
    html = candidate_client.get(page_url(round, confirm=tom.pk)).content.decode()
    assert "Mark as sent anyway" not in html
