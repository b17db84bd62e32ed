"""The candidate's round page: debrief, outcome and the thank-you email."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import InterviewRound

from .checklist_helpers import fill_all, item
from .factories import InterviewRoundFactory, OpportunityFactory, make_assignment


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind", position="Senior Analyst"
        ),
        scheduled_at=timezone.now() - datetime.timedelta(hours=5),
        interviewer_names="Tom Becker (Head of Analytics)",
        interviewer_email="tom@example.com",
        location="Video call",
        outcome_notes="COACH-ONLY outcome notes",
    )


def url(round):
    return reverse("me:round", args=[round.pk])


def test_the_page_shows_the_round(round, candidate_client):
    response = candidate_client.get(url(round))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Northwind" in html
    assert "Senior Analyst" in html
    assert "Tom Becker (Head of Analytics)" in html
    assert "Video call" in html
    assert 'name="debrief_notes"' in html
    assert 'name="outcome"' in html
    for outcome in ("Pending", "Advanced", "Offer", "Rejected", "Withdrawn"):
        assert f">{outcome}</option>" in html


def test_the_thank_you_draft_is_prefilled_on_first_view(round, candidate, candidate_client):
    html = candidate_client.get(url(round)).content.decode()
    assert 'value="tom@example.com"' in html
    assert "Thank you — Senior Analyst interview" in html
    assert "Dear Tom Becker," in html
    assert candidate.user.get_full_name() in html
    round.refresh_from_db()
    assert round.thank_you_body == ""  # only a suggestion until saved


def test_saving_records_debrief_outcome_and_draft(round, candidate_client):
    response = candidate_client.post(
        url(round),
        {
            "debrief_notes": "They asked about churn models.",
            "outcome": "advanced",
            "thank_you_to": "tom@example.com",
            "thank_you_subject": "Thank you",
            "thank_you_body": "Dear Tom, thanks!",
        },
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.debrief_notes == "They asked about churn models."
    assert round.outcome == InterviewRound.Outcome.ADVANCED
    assert round.thank_you_body == "Dear Tom, thanks!"
    html = candidate_client.get(url(round)).content.decode()
    assert (
        'href="mailto:tom@example.com?subject=Thank%20you&amp;body=Dear%20Tom%2C%20thanks%21"'
        in (html)
    )
    assert reverse("me:round_thank_you_sent", args=[round.pk]) in html


def test_bad_input_is_a_field_error_and_keeps_the_text(round, candidate_client):
    response = candidate_client.post(
        url(round),
        {
            "debrief_notes": "Kept debrief",
            "outcome": "hired-on-the-spot",
            "thank_you_to": "not an email",
            "thank_you_subject": "s" * 201,
            "thank_you_body": "Kept body",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Select a valid choice" in html
    assert "Enter a valid email address" in html
    assert "at most 200 characters" in html
    assert "Kept debrief" in html and "Kept body" in html
    round.refresh_from_db()
    assert round.debrief_notes == ""


def test_marking_the_thank_you_as_sent(round, candidate_client):
    round.thank_you_body = "Dear Tom"
    round.save()
    response = candidate_client.post(reverse("me:round_thank_you_sent", args=[round.pk]))
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.thank_you_sent_at is not None
    assert "Marked as sent" in candidate_client.get(url(round)).content.decode()


def test_save_and_mark_as_sent_keeps_everything_typed_on_the_page(round, candidate_client):
    response = candidate_client.post(
        reverse("me:round_thank_you_sent", args=[round.pk]),
        {
            "debrief_notes": "They asked about churn.",
            "outcome": "advanced",
            "thank_you_to": "tom@example.com",
            "thank_you_subject": "Thank you",
            "thank_you_body": "Dear Tom, thank you.",
        },
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.debrief_notes == "They asked about churn."
    assert round.outcome == "advanced"
    assert round.thank_you_body == "Dear Tom, thank you."
    assert round.thank_you_sent_at is not None


def test_save_and_mark_as_sent_with_a_bad_field_saves_nothing(round, candidate_client):
    response = candidate_client.post(
        reverse("me:round_thank_you_sent", args=[round.pk]),
        {
            "debrief_notes": "Kept",
            "outcome": "advanced",
            "thank_you_to": "not-an-email",
            "thank_you_subject": "",
            "thank_you_body": "Body kept",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address" in html
    assert "Kept" in html and "Body kept" in html
    round.refresh_from_db()
    assert (round.debrief_notes, round.thank_you_sent_at) == ("", None)


def test_the_mark_as_sent_button_belongs_to_the_follow_up_form(round, candidate_client):
    html = candidate_client.get(url(round)).content.decode()
    form = html[
        html.index('id="follow-up-form"') : html.index("</form>", html.index('id="follow-up-form"'))
    ]
    assert f'formaction="{reverse("me:round_thank_you_sent", args=[round.pk])}"' in form


def test_marking_an_unwritten_thank_you_as_sent_is_refused(round, candidate_client):
    response = candidate_client.post(
        reverse("me:round_thank_you_sent", args=[round.pk]), follow=True
    )
    assert "Write the thank-you email before marking it as sent." in response.content.decode()
    round.refresh_from_db()
    assert round.thank_you_sent_at is None


def test_marking_twice_is_refused_with_a_message(round, candidate_client):
    round.thank_you_body = "Dear Tom"
    round.thank_you_sent_at = timezone.now()
    round.save()
    response = candidate_client.post(
        reverse("me:round_thank_you_sent", args=[round.pk]), follow=True
    )
    assert "already marked as sent" in response.content.decode()


def test_a_checklist_email_item_replaces_the_round_draft(round, candidate, candidate_client):
    assignment = make_assignment(candidate, round=round, title="After the interview")
    email = item(assignment, 3)
    html = candidate_client.get(url(round)).content.decode()
    assert f"{assignment.get_candidate_url()}#item-{email.pk}" in html
    assert 'name="thank_you_body"' not in html
    # Saving the debrief does not touch the round's own draft fields.
    response = candidate_client.post(url(round), {"debrief_notes": "Went well", "outcome": "offer"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.outcome == "offer"
    assert round.thank_you_body == ""


def test_the_checklist_email_status_is_shown(round, candidate, candidate_client):
    assignment = make_assignment(candidate, round=round)
    fill_all(assignment)
    services.item_mark_email_sent(item=item(assignment, 3), by=candidate.user)
    assert "Sent " in candidate_client.get(url(round)).content.decode()


def test_a_withdrawn_checklists_email_is_not_offered(round, candidate, coach, candidate_client):
    assignment = make_assignment(candidate, round=round)
    services.assignment_withdraw(assignment=assignment, by=coach)
    html = candidate_client.get(url(round)).content.decode()
    assert 'name="thank_you_body"' in html
    assert assignment.get_candidate_url() not in html


def test_coach_only_fields_are_not_shown(round, candidate, candidate_client):
    candidate.notes = "PRIVATE-COACH-NOTE"
    candidate.save()
    html = candidate_client.get(url(round)).content.decode()
    assert "PRIVATE-COACH-NOTE" not in html
    assert "COACH-ONLY outcome notes" not in html


def test_another_candidate_gets_404(round, other_candidate_client):
    assert other_candidate_client.get(url(round)).status_code == 404
    response = other_candidate_client.post(url(round), {"debrief_notes": "x", "outcome": "offer"})
    assert response.status_code == 404
    response = other_candidate_client.post(reverse("me:round_thank_you_sent", args=[round.pk]))
    assert response.status_code == 404
    round.refresh_from_db()
    assert round.debrief_notes == ""


def test_line_breaks_from_the_browser_are_stored_as_plain_newlines(round, candidate):
    services.round_record_follow_up(
        round=round, by=candidate.user, debrief_notes="One\r\nTwo", thank_you_body="Hi\r\n\r\nBye"
    )
    round.refresh_from_db()
    assert (round.debrief_notes, round.thank_you_body) == ("One\nTwo", "Hi\n\nBye")


def test_follow_up_fields_left_out_stay_as_stored(round, candidate):
    services.round_record_follow_up(
        round=round, by=candidate.user, thank_you_body="Draft", thank_you_to="tom@example.com"
    )
    services.round_record_follow_up(
        round=round, by=candidate.user, debrief_notes="Went well", outcome="advanced"
    )
    round.refresh_from_db()
    assert (round.debrief_notes, round.outcome) == ("Went well", InterviewRound.Outcome.ADVANCED)
    assert (round.thank_you_to, round.thank_you_body) == ("tom@example.com", "Draft")


def test_follow_up_refuses_fields_it_does_not_record(round, candidate):
    with pytest.raises(TypeError):
        services.round_record_follow_up(round=round, by=candidate.user, outcome_notes="x")
