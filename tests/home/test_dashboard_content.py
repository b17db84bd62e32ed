"""What the coach's dashboard shows, read off the page (its words and links),
one row of each card: pinned before the page was rebuilt for speed (issue 25)
and unchanged after, so nothing it shows is lost."""

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from interviews.lib import when as when_lib

from ..conftest import client_for
from ..page_content import in_order, links, section, words
from .conftest import DAY, NOW

URL = reverse("coach:dashboard")


@pytest.fixture
def body(world, coach):
    response = client_for(coach).get(URL)
    assert response.status_code == 200
    return response.content.decode()


def _local(value, format_):
    return dateformat.format(timezone.localtime(value), format_)


def test_the_review_card_shows_who_what_when_and_readiness(body, world, coach):
    card = section(body, "review-heading")
    with timezone.override(coach.time_zone):
        at = _local(world["submitted"].submitted_at, "D j M H:i")
    text = words(card)
    assert in_order(text, "Waiting for your review", "1", "Cam Candidate", "0 of 3 required done")
    assert f"Panel prep · Fabrikam · submitted {at} (2 hours ago)" in text
    assert reverse("coach:assignment_detail", args=[world["submitted"].pk]) in links(card)


def test_the_notes_card_shows_each_note_waiting_with_its_round(body, world, coach):
    card = section(body, "notes-heading")
    with timezone.override(coach.time_zone):
        at = _local(world["note"].check_requested_at, "D j M H:i")
    text = words(card)
    assert in_order(text, "Thank-you notes to check", "1", "Cam Candidate", f"asked {at}")
    assert "To Ann Lee · Contoso" in text
    url = f"{world['past'].get_absolute_url()}#note-{world['note'].pk}"
    assert url in links(card)


def test_the_upcoming_card_shows_each_interview_with_readiness_or_an_offer_to_assign(
    body, world, coach, candidate
):
    card = section(body, "upcoming-heading")
    text = words(card)
    with timezone.override(coach.time_zone):
        first = when_lib.when(world["at_risk"].scheduled_at)
        second = when_lib.when(world["bare"].scheduled_at)
    assert in_order(
        text,
        "Interviews in the next 7 days",
        "2",
        f"{first}",
        "Cam Candidate",
        "1 of 3 required done",
        "Second-round interview · Analyst at Northwind",
        "Under half ready and the interview is within 48 hours. Check in with Cam Candidate.",
        f"{second}",
        "Cam Candidate",
        "No checklist yet",
        "Final interview · Analyst at Tailspin",
        "Assign a checklist for this round",
    )
    hrefs = links(card)
    assert world["at_risk"].get_absolute_url() in hrefs
    assert world["bare"].get_absolute_url() in hrefs
    assign = reverse("coach:assignment_create")
    assert f"{assign}?candidate={candidate.pk}&round={world['bare'].pk}" in hrefs


def test_the_after_card_shows_what_each_interview_over_still_waits_for(body, world, coach):
    card = section(body, "after-heading")
    text = words(card)
    with timezone.override(coach.time_zone):
        at = when_lib.when(world["past"].scheduled_at)
    assert in_order(
        text, "After interviews", "1", "Cam Candidate", at, "Second-round interview · Contoso"
    )
    assert "Notes " in text and "No debrief 2 days after" in text
    assert "No outcome 2 days after" in text
    assert world["past"].get_absolute_url() in links(card)


def test_the_overdue_card_shows_each_late_checklist_with_its_status(body, world):
    card = section(body, "overdue-heading")
    text = words(card)
    due = dateformat.format(world["late"].due_date, "j M Y")
    assert in_order(
        text,
        "Overdue checklists",
        "1",
        "Late one",
        "0 of 3 required done",
        f"Cam Candidate · was due {due} · Not started",
    )
    assert reverse("coach:assignment_detail", args=[world["late"].pk]) in links(card)


def test_the_invited_card_shows_each_pending_invitation_with_a_way_to_resend(body, world, coach):
    card = section(body, "invited-heading")
    text = words(card)
    with timezone.override(coach.time_zone):
        sent = _local(NOW, "j M Y")
        expires = _local(NOW + 7 * DAY, "j M Y, H:i")
    assert in_order(
        text, "Invited, not yet joined", "Ivy Invited", f"Invited {sent} · link expires {expires}"
    )
    assert "Re-invite Ivy Invited" in text
    assert world["ivy"].get_absolute_url() in links(card)
    assert f'action="{reverse("coach:candidate_invite", args=[world["ivy"].pk])}"' in card
