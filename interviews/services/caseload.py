"""Candidates and their invitations: archive, restore, invite, accept."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..lib.links import token_hash
from ..models import Candidate, Invitation, User, first_known_time_zone
from . import InvitationInvalid, NotAllowed, WrongState, emails

# ---------------------------------------------------------------- candidates


def _lock_candidate(candidate: Candidate, by: User) -> Candidate:
    """Re-read the candidate with its row locked; only their coach may change it."""
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if locked.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can do this.")
    return locked


@transaction.atomic
def candidate_archive(*, candidate: Candidate, by: User) -> Candidate:
    """Hide a candidate from the coach's active list. Nothing is deleted, and
    restoring brings them back as they were."""
    candidate = _lock_candidate(candidate, by)
    if candidate.archived:
        raise WrongState(f"{candidate} was already archived.")
    candidate.archived = True
    candidate.save(update_fields=["archived", "updated_at"])
    return candidate


@transaction.atomic
def candidate_restore(*, candidate: Candidate, by: User) -> Candidate:
    """Bring an archived candidate back to the coach's active list."""
    candidate = _lock_candidate(candidate, by)
    if candidate.erased_at is not None:
        raise WrongState("An erased candidate stays archived: their data is gone.")
    if not candidate.archived:
        raise WrongState(f"{candidate} is already active.")
    candidate.archived = False
    candidate.save(update_fields=["archived", "updated_at"])
    return candidate


@transaction.atomic
def invitation_create(*, candidate: Candidate, by: User) -> tuple[Invitation, str]:
    """Create a fresh single-use link and email it; any earlier open link stops working."""
    candidate = Candidate.objects.select_for_update().select_related("coach").get(pk=candidate.pk)
    if candidate.coach_id != by.pk:
        raise NotAllowed("Only the candidate's coach can invite them.")
    if candidate.archived:
        raise WrongState(f"{candidate} is archived. Restore them before sending an invitation.")
    if candidate.user_id is not None:
        raise WrongState(f"{candidate} has already joined; no invitation is needed.")
    invitation, token = invitation_issue(candidate)
    emails.send_invitation(invitation, token)
    return invitation, token


def invitation_issue(candidate: Candidate) -> tuple[Invitation, str]:
    """A new link for a locked, not yet joined candidate; earlier open links stop
    working. The caller emails it."""
    now = timezone.now()
    candidate.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        candidate=candidate,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
        sent_at=now,
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link, or InvitationInvalid saying why not."""
    invitation = (
        Invitation.objects.select_related("candidate__coach", "candidate__user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask your coach to send a new one."
        )
    coach = invitation.candidate.coach
    if invitation.accepted_at:
        raise InvitationInvalid(
            "This invitation has already been used. Log in with your email and password."
        )
    if invitation.revoked_at:
        raise InvitationInvalid(
            f"A newer invitation has replaced this link. Use the latest email from {coach}."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %b %Y}. "
            f"Ask {coach} to send a new one."
        )
    if invitation.candidate.archived:
        raise InvitationInvalid(f"This invitation is no longer active. Contact {coach}.")
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    password: str = "",
    full_name: str = "",
    time_zone: str = "",
) -> User:
    """Link the candidate record to a login: the given existing user, or a new
    candidate account created with ``password``. The link is single-use.

    A new account's time zone is ``time_zone`` (the browser's) when the zone
    database knows it, else the inviting coach's: the candidate is never left
    on UTC by default while their coach schedules in another zone."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation can no longer be used.")
    candidate = Candidate.objects.select_for_update().get(pk=invitation.candidate_id)
    if user is None:
        if User.objects.filter(email__iexact=candidate.email).exists():
            raise WrongState("An account with this email already exists. Log in to accept.")
        user = User.objects.create_user(
            email=candidate.email,
            password=password,
            full_name=full_name or candidate.full_name,
            role=User.Role.CANDIDATE,
            time_zone=first_known_time_zone(time_zone, candidate.coach.time_zone),
        )
    elif user.role != User.Role.CANDIDATE:
        raise WrongState(
            "You are logged in with a coach account. Log out and accept the invitation "
            "with the candidate's email."
        )
    elif user.email.lower() != candidate.email.lower():
        raise WrongState(
            f"This invitation is for {candidate.email}, but you are logged in as {user.email}."
        )
    if Candidate.objects.filter(coach_id=candidate.coach_id, user=user).exclude(pk=candidate.pk):
        raise WrongState("Your account is already linked to another record of this coach.")
    candidate.user = user
    candidate.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user
