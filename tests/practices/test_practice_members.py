"""A practice's own pages: creating one, the lead's members page (rename,
invitations, roles, removal) and joining through the emailed link."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from interviews import throttle
from interviews.models import (
    ChecklistTemplate,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    User,
)
from interviews.services import practices as practices_services

from ..factories import (
    PASSWORD,
    CandidateFactory,
    ChecklistTemplateFactory,
    CoachFactory,
    MembershipFactory,
    QuestionFactory,
)

pytestmark = pytest.mark.django_db

NEW_EMAIL = "new.coach@example.com"
NEW_PASSWORD = "plenty-long-password-7"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/practice/join/\S+/)", message.body).group(1)


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


@pytest.fixture
def invite(lead, django_capture_on_commit_callbacks):
    """Invite an address to Northstar as its lead; (invitation, token)."""

    def send(email: str = NEW_EMAIL):
        with django_capture_on_commit_callbacks(execute=True):
            return practices_services.practice_invite(
                practice=lead.practice_membership.practice, by=lead, email=email
            )

    return send


def membership(user) -> PracticeMembership | None:
    return PracticeMembership.objects.filter(user=user).first()


# ---------------------------------------------------------------- creating a practice


def test_a_coach_working_alone_creates_a_practice_and_leads_it(other_coach, other_coach_client):
    response = other_coach_client.post(reverse("practice:create"), {"name": "  Harbour Coaching "})
    assert response.status_code == 302
    assert response.url == reverse("practice:home")
    assert any("Harbour Coaching is created" in text for text in messages_of(response))
    created = membership(other_coach)
    assert created.practice.name == "Harbour Coaching"
    assert created.role == PracticeRole.LEAD


def test_a_coach_already_in_a_practice_cannot_create_another(coach, coach_client, practice):
    response = coach_client.post(reverse("practice:create"), {"name": "Second one"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert b"You already belong to Northstar. A coach has one practice." in response.content
    assert not Practice.objects.filter(name="Second one").exists()
    assert membership(coach).practice == practice


def test_a_blank_name_is_a_form_error_on_a_page_of_its_own(other_coach, other_coach_client):
    response = other_coach_client.post(reverse("practice:create"), {"name": "   "})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    assert b"Nothing you typed was lost" in response.content
    overlong = other_coach_client.post(reverse("practice:create"), {"name": "N" * 121})
    assert overlong.status_code == 200
    assert b"at most 120 characters" in overlong.content
    assert membership(other_coach) is None


def test_creating_is_post_only_and_for_coaches(other_coach_client, candidate_client, client):
    url = reverse("practice:create")
    assert other_coach_client.get(url).status_code == 405
    assert candidate_client.post(url, {"name": "Mine"}).status_code == 404
    assert client.post(url, {"name": "Mine"}).status_code == 302  # to the log-in page
    assert not Practice.objects.filter(name="Mine").exists()


def test_the_profile_shows_the_practice_or_offers_to_create_one(
    coach_client, lead_client, other_coach_client, candidate_client
):
    member = coach_client.get(reverse("profile")).content.decode()
    assert "a coach of <strong>Northstar</strong>" in member
    assert f'href="{reverse("practice:home")}"' in member
    lead_page = lead_client.get(reverse("profile")).content.decode()
    assert "the lead of <strong>Northstar</strong>" in lead_page
    alone = other_coach_client.get(reverse("profile")).content.decode()
    assert f'action="{reverse("practice:create")}"' in alone
    assert "Create a practice" in alone
    candidate_page = candidate_client.get(reverse("profile")).content.decode()
    assert 'id="practice-heading"' not in candidate_page
    assert reverse("practice:create") not in candidate_page


# ---------------------------------------------------------------- the members page


def test_the_lead_sees_members_with_roles_caseloads_and_the_removal_rule(
    lead_client, coach, colleague, candidate, invite
):
    invite()
    page = lead_client.get(reverse("practice:members"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Members of Northstar" in html
    for person in ("Casey Coach", "Cole Colleague", "Lee Lead"):
        assert person in html
    assert "their candidates must be reassigned first" in html
    assert "1 candidate to reassign first" in html  # the coach's, removal disabled
    assert reverse("practice:member_remove", args=[membership(coach).pk]) not in html
    assert reverse("practice:member_remove", args=[membership(colleague).pk]) in html
    assert "The only lead" in html  # the lead cannot demote or remove themselves
    assert NEW_EMAIL in html
    assert "Pending" in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "every id on the page is unique (labels point at them)"


def test_the_members_page_costs_the_same_whatever_its_size(
    lead, lead_client, practice, invite, django_assert_max_num_queries
):
    def load() -> str:
        with django_assert_max_num_queries(9):
            response = lead_client.get(reverse("practice:members"))
        assert response.status_code == 200
        return response.content.decode()

    load()
    for n in range(8):
        user = MembershipFactory(practice=practice).user
        CandidateFactory(coach=user)
        invite(f"invitee{n}@example.com")
    html = load()
    assert html.count("invitee") >= 8


def test_non_leads_get_404_on_the_members_page(
    coach_client, colleague_client, other_coach_client, candidate_client
):
    for client in (coach_client, colleague_client, other_coach_client, candidate_client):
        assert client.get(reverse("practice:members")).status_code == 404


def test_a_rival_lead_sees_only_their_own_practice(rival_client, lead, coach):
    html = rival_client.get(reverse("practice:members")).content.decode()
    assert "Members of Elsewhere" in html
    assert "Members of Northstar" not in html
    assert "Casey Coach" not in html


def test_anonymous_visitors_are_sent_to_log_in(client, lead):
    response = client.get(reverse("practice:members"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "name", ["member_invite", "practice_rename", "member_role", "member_remove", "cancel"]
)
def test_every_write_is_post_only(lead_client, lead, invite, name):
    invitation, _ = invite()
    urls = {
        "member_invite": reverse("practice:member_invite"),
        "practice_rename": reverse("practice:rename"),
        "member_role": reverse("practice:member_role", args=[membership(lead).pk]),
        "member_remove": reverse("practice:member_remove", args=[membership(lead).pk]),
        "cancel": reverse("practice:invitation_cancel", args=[invitation.pk]),
    }
    assert lead_client.get(urls[name]).status_code == 405


def test_non_leads_get_404_on_every_write(coach, colleague, lead, practice, invite, request):
    invitation, _ = invite()
    target = membership(colleague)
    writes = [
        (reverse("practice:rename"), {"name": "Taken over"}),
        (reverse("practice:member_invite"), {"email": "intruder@example.com"}),
        (reverse("practice:member_role", args=[target.pk]), {"role": PracticeRole.LEAD}),
        (reverse("practice:member_remove", args=[target.pk]), {}),
        (reverse("practice:invitation_cancel", args=[invitation.pk]), {}),
    ]
    for fixture in ("coach_client", "colleague_client", "other_coach_client", "candidate_client"):
        client = request.getfixturevalue(fixture)
        for url, data in writes:
            assert client.post(url, data).status_code == 404, (fixture, url)
    # A lead of another practice reaches none of Northstar's members or invitations.
    rival_client = request.getfixturevalue("rival_client")
    for url, data in writes[2:]:
        assert rival_client.post(url, data).status_code == 404, ("rival", url)
    practice.refresh_from_db()
    invitation.refresh_from_db()
    target.refresh_from_db()
    assert practice.name == "Northstar"
    assert invitation.revoked_at is None
    assert target.role == PracticeRole.COACH
    assert not PracticeInvitation.objects.filter(email="intruder@example.com").exists()


# ---------------------------------------------------------------- renaming


def test_the_lead_renames_the_practice(lead_client, practice):
    response = lead_client.post(reverse("practice:rename"), {"name": " Northstar Careers "})
    assert response.status_code == 302
    assert response.url == reverse("practice:members")
    practice.refresh_from_db()
    assert practice.name == "Northstar Careers"


def test_a_blank_new_name_keeps_the_page_and_the_old_name(lead_client, practice):
    response = lead_client.post(reverse("practice:rename"), {"name": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Members of Northstar" in html
    practice.refresh_from_db()
    assert practice.name == "Northstar"


# ---------------------------------------------------------------- invitations


def test_inviting_emails_a_link_that_opens_the_join_page(
    lead_client, practice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(
            reverse("practice:member_invite"), {"email": " New.Coach@Example.com "}
        )
    assert response.status_code == 302
    assert response.url == reverse("practice:members")
    assert any("Invitation sent to new.coach@example.com" in m for m in messages_of(response))
    invitation = PracticeInvitation.objects.get(practice=practice)
    assert invitation.email == NEW_EMAIL
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [NEW_EMAIL]
    assert "Lee Lead invited you to join Northstar" in message.subject
    page = Client().get(link_path(message))
    assert page.status_code == 200
    assert b"Join Northstar" in page.content
    assert b"Create your coach login" in page.content


def test_a_bad_email_is_a_form_error_that_keeps_what_was_typed(lead_client, mailoutbox):
    response = lead_client.post(reverse("practice:member_invite"), {"email": "not-an-email"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="not-an-email"' in html
    assert mailoutbox == []


def test_inviting_a_member_is_refused_with_a_message(lead_client, coach, mailoutbox):
    response = lead_client.post(
        reverse("practice:member_invite"), {"email": coach.email}, follow=True
    )
    assert b"coach@example.com is already a member of Northstar." in response.content
    assert not PracticeInvitation.objects.exists()


def test_re_inviting_revokes_the_older_link(lead_client, practice, invite):
    first, old_token = invite()
    response = lead_client.post(reverse("practice:member_invite"), {"email": NEW_EMAIL})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.revoked_at is not None
    newest = PracticeInvitation.objects.get(
        practice=practice, accepted_at__isnull=True, revoked_at__isnull=True
    )
    assert newest.pk != first.pk
    old = Client().get(reverse("practice_join", args=[old_token]))
    assert old.status_code == 410
    assert b"replaced by a newer one" in old.content
    html = lead_client.get(reverse("practice:members")).content.decode()
    assert reverse("practice:invitation_cancel", args=[newest.pk]) in html
    assert reverse("practice:invitation_cancel", args=[first.pk]) not in html


def test_the_lead_cancels_an_invitation(lead_client, invite):
    invitation, token = invite()
    response = lead_client.post(reverse("practice:invitation_cancel", args=[invitation.pk]))
    assert response.status_code == 302
    assert any("is cancelled" in m for m in messages_of(response))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    page = Client().get(reverse("practice_join", args=[token]))
    assert page.status_code == 410
    assert b"cancelled" in page.content
    again = lead_client.post(
        reverse("practice:invitation_cancel", args=[invitation.pk]), follow=True
    )
    assert b"was already cancelled" in again.content
    assert b"No open invitations." in again.content


# ---------------------------------------------------------------- joining


def test_a_new_coach_joins_with_a_new_account_and_is_logged_in(client, practice, invite):
    invitation, token = invite()
    url = reverse("practice_join", args=[token])
    response = client.post(
        url, {"full_name": "Nia Newcoach", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("practice:home")
    assert "Welcome to Northstar!" in messages_of(response)
    user = User.objects.get(email=NEW_EMAIL)
    assert user.role == User.Role.COACH
    assert user.full_name == "Nia Newcoach"
    assert user.check_password(NEW_PASSWORD)
    joined = membership(user)
    assert joined.practice == practice
    assert joined.role == PracticeRole.COACH
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert logged_in_user_id(client) == user.pk


def test_weak_or_mismatched_passwords_are_form_errors(client, invite):
    _, token = invite()
    url = reverse("practice_join", args=[token])
    weak = client.post(url, {"full_name": "Nia", "password1": "abc", "password2": "abc"})
    assert weak.status_code == 200
    assert b"too short" in weak.content
    mismatch = client.post(
        url, {"full_name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert b"do not match" in mismatch.content
    assert b'value="Nia"' in mismatch.content  # the name typed is kept
    assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_an_existing_coach_logs_in_to_join(client, other_coach, practice, invite):
    invitation, token = invite(other_coach.email)
    url = reverse("practice_join", args=[token])
    page = client.get(url).content.decode()
    assert "You already have a Coachsite login" in page
    assert f'value="{other_coach.email}"' in page  # the email, filled in
    wrong = client.post(url, {"password": "not-the-password"})
    assert b"not right" in wrong.content
    assert membership(other_coach) is None
    response = client.post(url, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("practice:home")
    assert membership(other_coach).practice == practice
    assert logged_in_user_id(client) == other_coach.pk
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_a_signed_in_coach_just_confirms(other_coach, other_coach_client, practice, invite):
    _, token = invite(other_coach.email)
    url = reverse("practice_join", args=[token])
    page = other_coach_client.get(url).content.decode()
    assert "You are logged in as <strong" in page
    assert "Join Northstar</button>" in page
    assert 'type="password"' not in page
    response = other_coach_client.post(url)
    assert response.status_code == 302
    assert "Welcome to Northstar!" in messages_of(response)
    assert membership(other_coach).practice == practice


def test_a_two_factor_account_joins_through_the_log_in_page(client, other_coach, invite):
    TOTPDevice.objects.create(user=other_coach, name="Authenticator app", confirmed=True)
    _, token = invite(other_coach.email)
    url = reverse("practice_join", args=[token])
    page = client.get(url).content.decode()
    assert "with two-factor login" in page
    assert f"{reverse('login')}?next=" in page
    # A password alone does not log this account in, here or anywhere.
    client.post(url, {"password": PASSWORD})
    assert logged_in_user_id(client) is None
    assert membership(other_coach) is None


def test_another_coachs_login_is_refused_with_the_services_message(
    other_coach, other_coach_client, invite
):
    invitation, token = invite()
    response = other_coach_client.post(reverse("practice_join", args=[token]))
    assert response.status_code == 200
    assert (
        f"This invitation is for {NEW_EMAIL}, but you are logged in as othercoach@example.com."
        in response.content.decode()
    )
    assert membership(other_coach) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_candidate_login_is_refused_with_the_services_message(
    candidate, candidate_client, invite
):
    invitation, token = invite()
    response = candidate_client.post(reverse("practice_join", args=[token]))
    assert b"You are logged in with a candidate account." in response.content
    assert membership(candidate.user) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_link_gives_410_with_the_reason(client, invite):
    _, token = invite()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        response = client.get(reverse("practice_join", args=[token]))
        assert response.status_code == 410
        assert b"This invitation expired on" in response.content
        assert not User.objects.filter(email=NEW_EMAIL).exists()


def test_a_used_link_gives_410_with_the_reason(client, invite):
    invitation, token = invite()
    practices_services.practice_invitation_accept(
        invitation=invitation, password=NEW_PASSWORD, full_name="Nia Newcoach"
    )
    response = Client().get(reverse("practice_join", args=[token]))
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_too_many_bad_links_are_throttled_but_a_good_one_still_opens(client, invite):
    _, token = invite()
    for n in range(throttle.INVITE_LOOKUP_IP.limit):
        assert client.get(reverse("practice_join", args=[f"made-up-{n}"])).status_code == 410
    assert client.get(reverse("practice_join", args=["made-up-x"])).status_code == 429
    assert client.get(reverse("practice_join", args=[token])).status_code == 200


# ---------------------------------------------------------------- roles


def test_the_lead_makes_a_coach_lead(lead_client, coach):
    target = membership(coach)
    response = lead_client.post(
        reverse("practice:member_role", args=[target.pk]), {"role": PracticeRole.LEAD}
    )
    assert response.status_code == 302
    assert response.url == reverse("practice:members")
    assert "Casey Coach is now lead." in messages_of(response)
    target.refresh_from_db()
    assert target.role == PracticeRole.LEAD


def test_the_only_lead_cannot_be_demoted(lead, lead_client):
    own = membership(lead)
    response = lead_client.post(
        reverse("practice:member_role", args=[own.pk]), {"role": PracticeRole.COACH}, follow=True
    )
    assert b"Lee Lead is the practice&#x27;s only lead." in response.content
    own.refresh_from_db()
    assert own.role == PracticeRole.LEAD


def test_an_unknown_role_is_refused(lead_client, coach):
    target = membership(coach)
    response = lead_client.post(
        reverse("practice:member_role", args=[target.pk]), {"role": "owner"}, follow=True
    )
    assert b"Choose lead or coach." in response.content
    target.refresh_from_db()
    assert target.role == PracticeRole.COACH


def test_a_lead_who_steps_down_lands_on_the_profile(lead, lead_client, coach):
    PracticeMembership.objects.filter(user=coach).update(role=PracticeRole.LEAD)
    response = lead_client.post(
        reverse("practice:member_role", args=[membership(lead).pk]), {"role": PracticeRole.COACH}
    )
    assert response.url == reverse("profile")
    assert membership(lead).role == PracticeRole.COACH
    assert lead_client.get(reverse("practice:members")).status_code == 404


# ---------------------------------------------------------------- removing


def test_a_coach_with_candidates_cannot_be_removed(lead_client, coach, candidate):
    CandidateFactory(coach=coach, archived=True)
    target = membership(coach)
    response = lead_client.post(reverse("practice:member_remove", args=[target.pk]), follow=True)
    assert (
        b"Casey Coach still coaches 2 candidates (archived ones included). Reassign them"
        in response.content
    )
    assert PracticeMembership.objects.filter(pk=target.pk).exists()


def test_a_coach_without_candidates_is_removed_and_their_shares_unshared(
    lead_client, colleague, practice
):
    template = ChecklistTemplateFactory(owner=colleague, practice=practice)
    question = QuestionFactory(owner=colleague, practice=practice)
    target = membership(colleague)
    response = lead_client.post(reverse("practice:member_remove", args=[target.pk]))
    assert response.status_code == 302
    assert response.url == reverse("practice:members")
    assert any("Cole Colleague has left Northstar" in m for m in messages_of(response))
    assert membership(colleague) is None
    assert ChecklistTemplate.objects.get(pk=template.pk).practice is None
    assert Question.objects.get(pk=question.pk).practice is None


def test_a_lead_can_leave_once_another_lead_remains(lead, lead_client, practice):
    MembershipFactory(practice=practice, user=CoachFactory(), role=PracticeRole.LEAD)
    response = lead_client.post(reverse("practice:member_remove", args=[membership(lead).pk]))
    assert response.url == reverse("profile")
    assert membership(lead) is None
