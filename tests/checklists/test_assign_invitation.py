"""Assigning to a candidate who has not joined: the form says so and offers the
invitation; every email and confirmation states only what is true (joined /
invited and pending / not invited)."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, Invitation
from interviews.services import caseload as caseload_services

from ..factories import (
    CandidateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
)

NEW = reverse("coach:assignment_create")


@pytest.fixture
def template(own_template):
    return own_template


@pytest.fixture
def newcomer(coach):
    """Added by the coach, with a round, never invited."""
    record = CandidateFactory(coach=coach, full_name="Nia Newcomer", email="nia@example.com")
    InterviewRoundFactory(opportunity=OpportunityFactory(candidate=record, company="Fabrikam"))
    return record


@pytest.fixture
def pending(coach):
    """Invited three days ago, not joined yet."""
    record = CandidateFactory(coach=coach, full_name="Pia Pending", email="pia@example.com")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
        caseload_services.invitation_create(candidate=record, by=coach)
    mail.outbox.clear()
    return record


@pytest.fixture
def assign(django_capture_on_commit_callbacks):
    """Post the assign form and run its after-commit emails, as a real request would."""

    def post(client, candidate, template, **extra):
        data = {"candidate": candidate.pk, "template": template.pk, "instructions": ""}
        data.update(extra)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(NEW, data, follow=True)

    return post


def _invite_links(body):
    return re.findall(r"http://testserver/invite/[\w-]+/", body)


# ---------------------------------------------------------------- the form


def test_the_form_says_a_never_invited_candidate_has_not_joined(newcomer, coach_client):
    html = coach_client.get(f"{NEW}?candidate={newcomer.pk}").content.decode()
    assert "Nia Newcomer has not joined Coachsite yet, and no invitation is pending." in html
    assert re.search(r'<input type="checkbox" name="send_invitation"[^>]*checked', html)
    assert "Send the invitation now" in html


def test_the_form_says_when_a_pending_candidate_was_invited(pending, coach_client):
    html = coach_client.get(f"{NEW}?candidate={pending.pk}").content.decode()
    invited = timezone.localtime(pending.invitations.get().sent_at)
    assert "Pia Pending has not joined Coachsite yet." in html
    assert f"You invited them on {invited:%-d %b %Y}" in html
    assert "Send a new invitation link now" in html


def test_the_form_offers_no_invitation_for_a_joined_candidate(candidate, coach_client):
    html = coach_client.get(f"{NEW}?candidate={candidate.pk}").content.decode()
    assert 'name="send_invitation"' not in html
    assert "has not joined" not in html


def test_the_candidate_choices_say_who_has_not_joined(newcomer, pending, candidate, coach_client):
    html = coach_client.get(NEW).content.decode()
    assert ">Nia Newcomer (not invited yet)</option>" in html
    assert ">Pia Pending (invited, not joined yet)</option>" in html
    assert f">{candidate.full_name}</option>" in html


# ---------------------------------------------------------------- joined


def test_a_joined_candidate_gets_the_link_and_the_coach_is_told_so(
    candidate, template, coach_client, assign
):
    response = assign(coach_client, candidate, template)
    assignment = Assignment.objects.get(candidate=candidate)
    assert "We emailed them the link." in response.content.decode()
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].to == [candidate.user.email]
    assert f"http://testserver{assignment.get_candidate_url()}" in body
    assert "invitation" not in body.lower()


# ---------------------------------------------------------------- not invited


def test_not_invited_with_the_box_ticked_gets_one_email_with_the_invitation(
    newcomer, template, coach_client, client, assign
):
    response = assign(coach_client, newcomer, template, send_invitation="on")
    html = response.content.decode()
    assert "we emailed them the invitation link together with this checklist" in html
    assert len(mail.outbox) == 1  # one email, not an invitation plus a checklist email
    message = mail.outbox[0]
    assert message.to == ["nia@example.com"]
    # The first email to a new person: who invites them and why, then the link.
    why = "Casey Coach invited you to prepare for your second-round interview at Fabrikam"
    assert message.subject == why
    lead = message.body.split("\n\n")[1]
    assert lead == f"{why}, with a checklist to work through: My second round."
    assert message.reply_to == ["coach@example.com"]
    links = _invite_links(message.body)
    assert message.body.index(why) < message.body.index(links[0])
    assert len(links) == 1
    assignment = Assignment.objects.get(candidate=newcomer)
    assert f"http://testserver{assignment.get_candidate_url()}" in message.body
    invitation = Invitation.objects.get(candidate=newcomer)
    assert invitation.sent_at is not None and invitation.accepted_at is None
    # The link in the email really opens the invitation.
    page = client.get(links[0].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "Nia Newcomer" in page.content.decode()


def test_not_invited_with_the_box_unticked_gets_no_email_and_the_coach_is_told(
    newcomer, template, coach_client, assign
):
    response = assign(coach_client, newcomer, template)  # unticked: not posted
    html = response.content.decode()
    assert Assignment.objects.filter(candidate=newcomer).exists()
    assert "Nia Newcomer has not been invited, so no email was sent" in html
    assert "We emailed" not in html
    assert mail.outbox == []
    assert not Invitation.objects.filter(candidate=newcomer).exists()


def test_an_expired_invitation_counts_as_not_invited(
    newcomer, template, coach, coach_client, assign
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30)):
        caseload_services.invitation_create(candidate=newcomer, by=coach)
    mail.outbox.clear()
    response = assign(coach_client, newcomer, template)
    assert "has not been invited, so no email was sent" in response.content.decode()
    assert mail.outbox == []


# ---------------------------------------------------------------- invited, pending


def test_pending_without_a_new_link_is_pointed_at_the_earlier_invitation(
    pending, template, coach_client, assign
):
    earlier = pending.invitations.get()
    response = assign(coach_client, pending, template)
    html = response.content.decode()
    assert "pointed them to the invitation you sent on" in html
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert _invite_links(body) == []  # the token of the earlier link is not stored
    sent = timezone.localtime(earlier.sent_at)
    assert f"emailed you on {sent:%-d %B %Y}" in body
    assert pending.invitations.count() == 1
    earlier.refresh_from_db()
    assert earlier.revoked_at is None


def test_pending_with_a_new_link_replaces_the_earlier_one(pending, template, coach_client, assign):
    earlier = pending.invitations.get()
    response = assign(coach_client, pending, template, send_invitation="on")
    assert "we emailed them the invitation link together" in response.content.decode()
    assert len(mail.outbox) == 1
    assert len(_invite_links(mail.outbox[0].body)) == 1
    earlier.refresh_from_db()
    assert earlier.revoked_at is not None
    assert pending.invitations.filter(revoked_at__isnull=True).count() == 1


def test_the_tick_is_ignored_for_a_joined_candidate(candidate, template, coach_client, assign):
    assign(coach_client, candidate, template, send_invitation="on")
    assert len(mail.outbox) == 1
    assert _invite_links(mail.outbox[0].body) == []


def test_the_email_gives_the_interview_time_in_the_candidates_zone(
    candidate, coach, template, coach_client, assign
):
    coach.time_zone = "Europe/London"
    coach.save()
    candidate.user.time_zone = "America/New_York"
    candidate.user.save()
    start = (timezone.now() + datetime.timedelta(days=5)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        scheduled_at=start,
    )
    assign(coach_client, candidate, template, round=round.pk)
    local = timezone.localtime(start, zoneinfo.ZoneInfo("America/New_York"))
    body = mail.outbox[0].body
    assert f"It is for: Second-round interview at Fabrikam, {local:%a} {local.day} " in body
    assert f"{local:%H:%M} {local:%Z}." in body  # with the zone: EST or EDT
    assert f" {start:%H:%M}." not in body  # not the UTC time
