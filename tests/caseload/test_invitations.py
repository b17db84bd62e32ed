"""The invitation lifecycle: send, accept, expire, reuse, re-send, existing account."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import Invitation, User
from interviews.services import caseload as caseload_services

from ..factories import PASSWORD, CandidateFactory, UserFactory, make_assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(coach, django_capture_on_commit_callbacks, mailoutbox):
    record = CandidateFactory(coach=coach, email="new.person@example.com", full_name="New Person")
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = caseload_services.invitation_create(candidate=record, by=coach)
    return record, invitation, token


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invite/\S+/)", message.body).group(1)


def test_invitation_email_carries_a_single_use_link(invited, mailoutbox):
    _record, invitation, token = invited
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.person@example.com"]
    assert "Casey Coach invited you" in message.subject
    assert link_path(message) == reverse("invite_accept", args=[token])
    assert token not in invitation.token_hash  # only the hash is stored
    assert len(invitation.token_hash) == 64


def test_accepting_sets_a_password_links_the_record_and_lands_on_me(client, invited, mailoutbox):
    record, invitation, token = invited
    page = client.get(link_path(mailoutbox[0]))
    assert page.status_code == 200
    assert b"Choose a password" in page.content
    response = client.post(
        reverse("invite_accept", args=[token]),
        {
            "full_name": "New Person",
            "password1": "plenty-long-password-7",
            "password2": "plenty-long-password-7",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("me:home")
    record.refresh_from_db()
    invitation.refresh_from_db()
    assert record.user.email == "new.person@example.com"
    assert record.user.role == User.Role.CANDIDATE
    assert record.user.check_password("plenty-long-password-7")
    assert invitation.accepted_at is not None
    assert client.get(reverse("me:home")).status_code == 200


@pytest.mark.parametrize(
    ("open_checklists", "lands_on"),
    [(0, "home"), (1, "the checklist"), (2, "home")],
)
def test_a_new_login_lands_on_the_one_open_checklist(client, invited, open_checklists, lands_on):
    """Invited for one checklist: straight to it; for none or several, the home page."""
    record, _invitation, token = invited
    made = [make_assignment(record, title=f"Prep {n}") for n in range(open_checklists)]
    make_assignment(record, title="Done already", status="approved")
    response = client.post(
        reverse("invite_accept", args=[token]),
        {
            "full_name": "New Person",
            "password1": "plenty-long-password-7",
            "password2": "plenty-long-password-7",
        },
    )
    assert response.status_code == 302
    expected = made[0].get_candidate_url() if lands_on == "the checklist" else reverse("me:home")
    assert response.url == expected
    assert client.get(response.url).status_code == 200


def test_weak_or_mismatched_passwords_are_form_errors(client, invited):
    _, _, token = invited
    url = reverse("invite_accept", args=[token])
    response = client.post(url, {"full_name": "N", "password1": "abc", "password2": "abc"})
    assert response.status_code == 200
    assert b"too short" in response.content
    response = client.post(
        url,
        {"full_name": "N", "password1": "long-enough-pass-1", "password2": "long-enough-pass-2"},
    )
    assert b"do not match" in response.content
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_a_used_link_cannot_be_used_again(client, invited):
    _record, invitation, token = invited
    caseload_services.invitation_accept(invitation=invitation, password="plenty-long-password-7")
    response = client.get(reverse("invite_accept", args=[token]))
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_an_expired_link_gets_a_clear_page(client, invited):
    _, invitation, token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = client.get(reverse("invite_accept", args=[token]))
    assert response.status_code == 410
    assert b"expired" in response.content


def test_an_unknown_link_gets_a_clear_page(client, db):
    response = client.get(reverse("invite_accept", args=["made-up-token"]))
    assert response.status_code == 410
    assert b"not valid" in response.content


def test_resending_invalidates_the_previous_link(client, coach, invited):
    record, first, old_token = invited
    _second, new_token = caseload_services.invitation_create(candidate=record, by=coach)
    first.refresh_from_db()
    assert first.revoked_at is not None
    old = client.get(reverse("invite_accept", args=[old_token]))
    assert old.status_code == 410
    assert b"newer invitation" in old.content
    assert client.get(reverse("invite_accept", args=[new_token])).status_code == 200


def test_invitation_expires_after_seven_days(invited):
    _, invitation, _ = invited
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)


def test_an_existing_account_logs_in_to_accept(client, coach, other_coach):
    person = UserFactory(email="shared@example.com")
    CandidateFactory(coach=other_coach, email="shared@example.com", user=person)
    record = CandidateFactory(coach=coach, email="shared@example.com")
    _, token = caseload_services.invitation_create(candidate=record, by=coach)
    url = reverse("invite_accept", args=[token])
    page = client.get(url)
    assert b"already have a Coachsite login" in page.content
    wrong = client.post(url, {"password": "wrong"})
    assert b"not right" in wrong.content
    record.refresh_from_db()
    assert record.user is None
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.user == person
    assert User.objects.filter(email="shared@example.com").count() == 1


def test_coach_cannot_invite_another_coachs_candidate(other_coach, invited):
    record, _, _ = invited
    with pytest.raises(services.NotAllowed):
        caseload_services.invitation_create(candidate=record, by=other_coach)


def test_archived_or_joined_candidates_are_not_invited(coach, candidate):
    with pytest.raises(services.WrongState, match="already joined"):
        caseload_services.invitation_create(candidate=candidate, by=coach)
    archived = CandidateFactory(coach=coach, archived=True)
    with pytest.raises(services.WrongState, match="archived"):
        caseload_services.invitation_create(candidate=archived, by=coach)


def test_a_coach_account_cannot_accept_a_candidate_invitation(coach, invited):
    _, invitation, _ = invited
    with pytest.raises(services.WrongState, match="coach account"):
        caseload_services.invitation_accept(invitation=invitation, user=coach)
