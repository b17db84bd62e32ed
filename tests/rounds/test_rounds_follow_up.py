"""The candidate's round page after the interview: interviewers, the debrief (asked
questions, coverage), thank-you notes per interviewer, and the outcome. The clock
is moved with time-machine."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import AskedQuestion, Interviewer, InterviewRound, Opportunity, ThankYouNote
from interviews.services import rounds as rounds_services

from ..checklist_helpers import fill_all, messages_of
from ..factories import (
    AssignmentItemFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    make_assignment,
)

START = (timezone.now() - datetime.timedelta(hours=5)).replace(second=0, microsecond=0)


@pytest.fixture
def round(candidate):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=candidate, company="Northwind", position="Senior Analyst"
        ),
        scheduled_at=START,
        location="Video call",
        outcome_notes="COACH-ONLY outcome notes",
    )
    InterviewerFactory(
        round=round, name="Tom Becker", job_title="Head of Analytics", email="tom@example.com"
    )
    InterviewerFactory(round=round, name="Ann Lee", job_title="Analyst", email="ann@example.com")
    InterviewerFactory(round=round, name="Sam Noemail", email="")
    return round


def url(round):
    return reverse("me:round", args=[round.pk])


def note_data(note, action="save", **values):
    """The round's notes form as posted with ``note``'s button ``action``."""
    fields = {"to": note.to, "subject": note.subject, "body": note.body, "to_name": note.to_name}
    fields.update(values, seen=note.text_fingerprint)
    data = {f"note-{note.pk}-{name}": value for name, value in fields.items()}
    data["action"] = f"{action}:{note.pk}"
    return data


def notes_url(note):
    return reverse("me:notes_save", args=[note.round_id])


# ---------------------------------------------------------------- the page


def test_the_page_shows_the_round_and_its_interviewers(round, candidate_client):
    html = candidate_client.get(url(round)).content.decode()
    for text in ("Northwind", "Senior Analyst", "Video call", "Tom Becker", "Head of Analytics"):
        assert text in html
    assert "Hiring manager" in html  # the role, in words
    assert "COACH-ONLY" not in html


def next_line(client, round) -> str:
    """The words of the line at the top of the round page: where it stands, what is next."""
    html = client.get(url(round)).content.decode()
    line = html.split('class="round-timeline', 1)[1].split("</p>", 1)[0]
    return " ".join(re.sub(r"<[^>]+>", "", line.split(">", 1)[1]).split())


def test_the_page_says_what_is_next(round, candidate_client):
    user = round.opportunity.candidate.user
    with time_machine.travel(START - datetime.timedelta(days=2, hours=1), tick=False):
        assert next_line(candidate_client, round) == "Interview in 2 days Next: Prepare"
    with time_machine.travel(START + datetime.timedelta(hours=5), tick=False):
        assert next_line(candidate_client, round) == (
            "The interview has taken place Next: Send your thank-you notes to Tom Becker"
            " and Ann Lee Due in 19 h, then your debrief and the outcome"
        )
    with time_machine.travel(START + datetime.timedelta(hours=25), tick=False):
        assert "Ann Lee Overdue by 1 h, then" in next_line(candidate_client, round)
        rounds_services.thank_you_notes_prepare(round=round, by=user)
        for note in round.thank_you_notes.all():
            rounds_services.thank_you_note_mark_sent(note=note, by=user)
        assert next_line(candidate_client, round) == (
            "The interview has taken place Next: Write your debrief, then the outcome"
        )
        rounds_services.round_record_debrief(
            round=round, by=user, debrief_notes="Fine.", debrief_differently="", asked=[]
        )
        assert next_line(candidate_client, round) == (
            "The interview has taken place Next: Record the outcome when you hear back"
        )
        rounds_services.round_record_outcome(round=round, by=user, outcome="advanced")
        assert next_line(candidate_client, round) == (
            "The interview has taken place Next: Outcome: Advanced"
        )


# ---------------------------------------------------------------- interviewers


def test_the_candidate_adds_edits_and_removes_an_interviewer(round, candidate_client):
    response = candidate_client.post(
        reverse("me:interviewer_add", args=[round.pk]),
        {"name": "Jo Park", "job_title": "CTO", "role": "executive", "email": "jo@example.com"},
    )
    assert response.status_code == 302
    jo = round.interviewers.get(name="Jo Park")
    assert (jo.job_title, jo.role, jo.email) == ("CTO", "executive", "jo@example.com")
    candidate_client.post(
        reverse("me:interviewer_edit", args=[jo.pk]),
        {"name": "Jo Park", "job_title": "Chief Technology Officer", "role": "executive"},
    )
    jo.refresh_from_db()
    assert (jo.job_title, jo.email) == ("Chief Technology Officer", "")
    candidate_client.post(reverse("me:interviewer_remove", args=[jo.pk]))
    assert not Interviewer.objects.filter(pk=jo.pk).exists()


def test_a_bad_interviewer_email_is_a_form_error(round, candidate_client):
    response = candidate_client.post(
        reverse("me:interviewer_add", args=[round.pk]),
        {"name": "Jo Park", "role": "executive", "email": "not an email"},
    )
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()
    assert not round.interviewers.filter(name="Jo Park").exists()


def test_removing_an_interviewer_keeps_the_note_to_them(round, candidate, candidate_client):
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    tom = round.interviewers.get(name="Tom Becker")
    note = tom.thank_you_notes.get()
    candidate_client.post(reverse("me:interviewer_remove", args=[tom.pk]))
    note.refresh_from_db()
    assert (note.interviewer, note.to_name, note.to) == (None, "Tom Becker", "tom@example.com")
    assert note.body.startswith("Dear Tom,")


def test_another_candidate_cannot_touch_the_interviewers(round, other_candidate_client):
    tom = round.interviewers.get(name="Tom Becker")
    for name, args in (
        ("me:interviewer_add", [round.pk]),
        ("me:interviewer_edit", [tom.pk]),
        ("me:interviewer_remove", [tom.pk]),
    ):
        assert other_candidate_client.post(reverse(name, args=args), {}).status_code == 404
    assert round.interviewers.count() == 3


# ---------------------------------------------------------------- the debrief


def _debrief(client, round, **extra):
    data = {
        "debrief_notes": "It went well.\r\nThey liked the audit story.",
        "debrief_differently": "Slow down.",
        "asked": "Why Northwind?\r\n\r\n  Tell us about the audit.  \r\n",
    }
    data.update(extra)
    return client.post(reverse("me:round_debrief", args=[round.pk]), data)


def test_the_debrief_records_how_it_went_and_the_questions_asked(round, candidate_client):
    assert _debrief(candidate_client, round).status_code == 302
    round.refresh_from_db()
    assert round.debrief_notes == "It went well.\nThey liked the audit story."
    assert round.debrief_differently == "Slow down."
    assert round.debriefed_at is not None
    assert list(round.asked_questions.values_list("position", "text")) == [
        (1, "Why Northwind?"),
        (2, "Tell us about the audit."),
    ]


def test_coverage_and_came_up_are_recorded(round, candidate, candidate_client):
    assignment = make_assignment(candidate, round=round, kinds=())
    prepared = AssignmentItemFactory(
        assignment=assignment,
        position=1,
        kind="text",
        question=QuestionFactory(owner=None, builtin_key="q-strengths", category="answer"),
        prompt="Your matching strengths",
    )
    _debrief(candidate_client, round)
    asked = round.asked_questions.get(position=2)
    html = candidate_client.get(url(round)).content.decode()
    assert "Your matching strengths" in html
    _debrief(
        candidate_client, round, **{f"covered-{asked.pk}": "on", f"came_up-{prepared.pk}": "on"}
    )
    asked.refresh_from_db()
    prepared.refresh_from_db()
    assert (asked.covered, prepared.came_up) == (True, True)


def test_editing_the_list_keeps_the_coachs_bank_link(round, candidate, coach, candidate_client):
    _debrief(candidate_client, round)
    audit = round.asked_questions.get(text="Tell us about the audit.")
    rounds_services.asked_question_add_to_bank(asked=audit, by=coach)
    _debrief(candidate_client, round, asked="Tell us about the audit.\nWhat salary?")
    assert list(round.asked_questions.values_list("text", flat=True)) == [
        "Tell us about the audit.",
        "What salary?",
    ]
    audit.refresh_from_db()
    assert audit.position == 1
    assert audit.bank_question is not None
    assert not AskedQuestion.objects.filter(text="Why Northwind?").exists()


def test_a_question_with_a_control_character_is_a_form_error(round, candidate_client):
    response = _debrief(candidate_client, round, asked="Why us?\x1b[31m")
    assert response.status_code == 200
    assert "Use a single line" in response.content.decode()
    round.refresh_from_db()
    assert round.debriefed_at is None


# ---------------------------------------------------------------- thank-you notes


def test_drafts_are_prepared_for_interviewers_with_an_email(round, candidate_client):
    response = candidate_client.post(reverse("me:notes_prepare", args=[round.pk]))
    assert response.status_code == 302
    notes = {n.interviewer.name: n for n in round.thank_you_notes.select_related("interviewer")}
    assert set(notes) == {"Tom Becker", "Ann Lee"}
    tom = notes["Tom Becker"]
    assert tom.to == "tom@example.com"
    assert tom.body.startswith("Dear Tom,")
    assert "Senior Analyst" in tom.body
    assert "[One specific thing from your conversation with Tom Becker" in tom.body
    # Once more: nothing new.
    candidate_client.post(reverse("me:notes_prepare", args=[round.pk]))
    assert round.thank_you_notes.count() == 2


def test_a_note_to_someone_else(round, candidate_client):
    candidate_client.post(reverse("me:note_add_other", args=[round.pk]))
    note = round.thank_you_notes.get()
    assert (note.interviewer, note.to) == (None, "")
    candidate_client.post(
        notes_url(note),
        note_data(note, to_name="Kim Recruiter", to="kim@example.com"),
    )
    note.refresh_from_db()
    assert (note.to_name, note.to, note.recipient) == (
        "Kim Recruiter",
        "kim@example.com",
        "Kim Recruiter",
    )


def test_editing_asking_the_coach_and_marking_sent(
    round, candidate, coach, candidate_client, mailoutbox, django_capture_on_commit_callbacks
):
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    note = round.thank_you_notes.get(interviewer__name="Tom Becker")
    with django_capture_on_commit_callbacks(execute=True):
        candidate_client.post(
            notes_url(note),
            note_data(note, "check", body="Dear Tom,\r\nThanks for the audit chat."),
        )
    note.refresh_from_db()
    assert note.body == "Dear Tom,\nThanks for the audit chat."
    assert note.awaiting_check
    assert [m.to for m in mailoutbox] == [[coach.email]]
    rounds_services.thank_you_note_check(note=note, by=coach, comment="Name the audit.")
    html = candidate_client.get(url(round)).content.decode()
    assert "Name the audit." in html
    response = candidate_client.post(notes_url(note), note_data(note, "sent"))
    note.refresh_from_db()
    assert note.sent_at is not None
    assert ("success", "Saved, and marked as sent.") in messages_of(response)
    # A sent note is kept as it was sent.
    candidate_client.post(notes_url(note), note_data(note, body="Changed later"))
    note.refresh_from_db()
    assert note.body == "Dear Tom,\nThanks for the audit chat."


def test_the_mailto_link_carries_to_subject_and_body(round, candidate, candidate_client):
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    html = candidate_client.get(url(round)).content.decode()
    assert 'href="mailto:tom@example.com?subject=Thank%20you%20for%20our%20conversation' in html
    assert "body=Dear%20Tom%2C" in html


def test_a_note_without_an_address_cannot_be_marked_sent(round, candidate, candidate_client):
    note = rounds_services.thank_you_note_add_other(round=round, by=candidate.user)
    response = candidate_client.post(notes_url(note), note_data(note, "sent"))
    assert ("error", "Write the note and its address before marking it as sent.") in (
        messages_of(response)
    )
    note.refresh_from_db()
    assert note.sent_at is None


def test_an_invalid_note_keeps_the_text_and_saves_nothing(round, candidate, candidate_client):
    rounds_services.thank_you_notes_prepare(round=round, by=candidate.user)
    note = round.thank_you_notes.get(interviewer__name="Ann Lee")
    response = candidate_client.post(
        notes_url(note),
        note_data(note, to="not an email", body="My new words"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid email address." in html
    assert "My new words" in html
    note.refresh_from_db()
    assert note.to == "ann@example.com"


def test_another_candidate_cannot_touch_a_note(round, candidate, other_candidate_client):
    note = rounds_services.thank_you_note_add_other(round=round, by=candidate.user)
    response = other_candidate_client.post(notes_url(note), note_data(note, body="Hijack"))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.body != "Hijack"


def test_the_old_checklist_thank_you_and_the_new_notes_coexist(round, candidate, candidate_client):
    """A checklist assigned before the change keeps its email item; the round's
    notes are the place for new thank-yous."""
    assignment = make_assignment(candidate, round=round)
    fill_all(assignment)
    html = candidate_client.get(url(round)).content.decode()
    assert "Thank-you notes" in html


# ---------------------------------------------------------------- the outcome


@pytest.mark.parametrize(
    ("outcome", "status"),
    [("offer", "offer"), ("rejected", "rejected"), ("advanced", "active")],
)
def test_the_outcome_moves_the_opportunity_where_it_obviously_should(
    round, candidate_client, outcome, status
):
    response = candidate_client.post(
        reverse("me:round_outcome", args=[round.pk]), {"outcome": outcome}
    )
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.outcome == outcome
    assert round.opportunity.status == status


def test_an_accepted_offer_is_not_undone_by_a_later_outcome(round, candidate_client):
    Opportunity.objects.filter(pk=round.opportunity_id).update(status="accepted")
    candidate_client.post(reverse("me:round_outcome", args=[round.pk]), {"outcome": "offer"})
    round.opportunity.refresh_from_db()
    assert round.opportunity.status == "accepted"


def test_an_unknown_outcome_is_a_clear_error(round, candidate_client):
    response = candidate_client.post(
        reverse("me:round_outcome", args=[round.pk]), {"outcome": "hired"}
    )
    assert response.status_code == 200
    assert "Choose one of the outcomes listed." in response.content.decode()
    round.refresh_from_db()
    assert round.outcome == InterviewRound.Outcome.PENDING


def test_the_coach_cannot_write_the_candidates_debrief(round, coach):
    with pytest.raises(services.NotAllowed):
        rounds_services.round_record_debrief(
            round=round, by=coach, debrief_notes="x", debrief_differently="", asked=[]
        )
    assert ThankYouNote.objects.count() == 0
