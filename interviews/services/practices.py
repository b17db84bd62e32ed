"""Practices: creating and renaming one, inviting coaches, roles, removing a
member, reassigning a candidate.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..lib.links import token_hash
from ..models import (
    Candidate,
    ChecklistTemplate,
    Practice,
    PracticeInvitation,
    PracticeMembership,
    PracticeRole,
    Question,
    SetAsideNotes,
    User,
    first_known_time_zone,
)
from . import InvitationInvalid, NotAllowed, WrongState, emails

# ---------------------------------------------------------------- practices


def membership_of(user: User, *, lock: bool = False) -> PracticeMembership | None:
    """The coach's place in a practice, or None for a coach working alone."""
    memberships = PracticeMembership.objects.select_related("practice", "user")
    if lock:
        memberships = memberships.select_for_update(of=("self",))
    return memberships.filter(user=user).first()


def _lock_lead(practice: Practice, by: User) -> PracticeMembership:
    """The lead's own membership, locked; anyone else is refused."""
    membership = membership_of(by, lock=True)
    if membership is None or membership.practice_id != practice.pk or not membership.is_lead:
        raise NotAllowed("Only the practice's lead can do this.")
    return membership


def _require_another_lead(membership: PracticeMembership, what: str) -> None:
    others = (
        PracticeMembership.objects.filter(
            practice_id=membership.practice_id, role=PracticeRole.LEAD
        )
        .exclude(pk=membership.pk)
        .exists()
    )
    if not others:
        raise WrongState(
            f"{membership.user} is the practice's only lead. Make another coach lead "
            f"before you {what}."
        )


@transaction.atomic
def practice_create(*, by: User, name: str) -> Practice:
    """A new practice, with its creator as lead."""
    if not by.is_coach:
        raise NotAllowed("Only coaches can create a practice.")
    User.objects.select_for_update().get(pk=by.pk)  # one practice at a time, even in two tabs
    existing = membership_of(by)
    if existing is not None:
        raise WrongState(f"You already belong to {existing.practice}. A coach has one practice.")
    practice = Practice.objects.create(name=name.strip())
    PracticeMembership.objects.create(practice=practice, user=by, role=PracticeRole.LEAD)
    return practice


@transaction.atomic
def practice_rename(*, practice: Practice, by: User, name: str) -> Practice:
    _lock_lead(practice, by)
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    practice.name = name.strip()
    practice.save(update_fields=["name"])
    return practice


@transaction.atomic
def practice_invite(*, practice: Practice, by: User, email: str) -> tuple[PracticeInvitation, str]:
    """A single-use, expiring link for ``email`` to join the practice as a
    coach; any earlier open link to that address stops working."""
    _lock_lead(practice, by)
    email = User.objects.normalize_email(email.strip()).lower()
    if PracticeMembership.objects.filter(practice=practice, user__email__iexact=email).exists():
        raise WrongState(f"{email} is already a member of {practice}.")
    if User.objects.filter(email__iexact=email, role=User.Role.CANDIDATE).exists():
        raise WrongState(
            f"{email} is a candidate's login. Invite the coach's own work address instead."
        )
    now = timezone.now()
    practice.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = PracticeInvitation.objects.create(
        practice=practice,
        email=email,
        invited_by=by,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    emails.send_practice_invitation(invitation, token)
    return invitation, token


@transaction.atomic
def practice_invitation_revoke(*, invitation: PracticeInvitation, by: User) -> None:
    _lock_lead(invitation.practice, by)
    invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise WrongState(f"{invitation.email} has already joined.")
    if invitation.revoked_at:
        raise WrongState(f"The invitation to {invitation.email} was already cancelled.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def practice_invitation_for_token(token: str) -> PracticeInvitation:
    """The open invitation behind a link, or InvitationInvalid saying why not."""
    invitation = (
        PracticeInvitation.objects.select_related("practice", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid(
            "This invitation link is not valid. Check that you copied the whole link, "
            "or ask the practice's lead to send a new one."
        )
    if invitation.accepted_at:
        raise InvitationInvalid(
            "This invitation has already been used. Log in with your email and password."
        )
    if invitation.revoked_at:
        raise InvitationInvalid(
            "This invitation was cancelled or replaced by a newer one. "
            "Use the latest email, or ask the practice's lead for a new link."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%d %b %Y}. "
            "Ask the practice's lead to send a new one."
        )
    return invitation


def _inviting_zone(invitation: PracticeInvitation) -> str | None:
    """Whose zone a new coach starts with when their browser gave none: the
    lead who invited them, or (that account gone) the practice's
    longest-standing lead."""
    if invitation.invited_by_id is not None:
        return invitation.invited_by.time_zone
    leads = PracticeMembership.objects.filter(
        practice_id=invitation.practice_id, role=PracticeRole.LEAD
    ).order_by("joined_at", "pk")
    return leads.values_list("user__time_zone", flat=True).first()


@transaction.atomic
def practice_invitation_accept(
    *,
    invitation: PracticeInvitation,
    user: User | None = None,
    password: str = "",
    full_name: str = "",
    time_zone: str = "",
) -> PracticeMembership:
    """Join the practice: as the given (logged-in) coach, or as a new coach
    account created with ``password``. The link is single-use.

    A new account's time zone is ``time_zone`` (the browser's) when the zone
    database knows it, else the zone of the lead who sent the invitation (of
    the practice's first lead, when that lead has gone), never UTC by default."""
    invitation = PracticeInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationInvalid("This invitation can no longer be used.")
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise WrongState("An account with this email already exists. Log in to accept.")
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            full_name=full_name,
            role=User.Role.COACH,
            time_zone=first_known_time_zone(time_zone, _inviting_zone(invitation)),
        )
    else:
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_coach:
            raise WrongState(
                "You are logged in with a candidate account. Log out and accept the "
                "invitation with the coach's email."
            )
        if user.email.lower() != invitation.email.lower():
            raise WrongState(
                f"This invitation is for {invitation.email}, but you are logged in as {user.email}."
            )
    existing = membership_of(user)
    if existing is not None:
        if existing.practice_id == invitation.practice_id:
            raise WrongState(f"You are already a member of {existing.practice}.")
        raise WrongState(
            f"You already belong to {existing.practice}. A coach has one practice: "
            "ask its lead to remove you first."
        )
    membership = PracticeMembership.objects.create(
        practice_id=invitation.practice_id, user=user, role=PracticeRole.COACH
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _lock_member(membership: PracticeMembership, by: User) -> PracticeMembership:
    """A member of the lead's own practice, locked (after the lead's row)."""
    lead = _lock_lead(membership.practice, by)
    locked = (
        PracticeMembership.objects.select_for_update(of=("self",))
        .select_related("user", "practice")
        .filter(pk=membership.pk, practice_id=lead.practice_id)
        .first()
    )
    if locked is None:
        raise WrongState("This coach is no longer a member of the practice.")
    return locked


@transaction.atomic
def membership_set_role(
    *, membership: PracticeMembership, by: User, role: str
) -> PracticeMembership:
    if role not in PracticeRole.values:
        raise WrongState("Choose lead or coach.")
    membership = _lock_member(membership, by)
    if membership.role == role:
        return membership
    if membership.is_lead:
        _require_another_lead(membership, "change their role")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: PracticeMembership, by: User) -> None:
    """Take a coach out of the practice. Their candidates (archived too) must
    have been reassigned first; what they shared goes back to being theirs only."""
    membership = _lock_member(membership, by)
    if membership.is_lead:
        _require_another_lead(membership, "remove them")
    count = Candidate.objects.filter(coach_id=membership.user_id).count()
    if count:
        raise WrongState(
            f"{membership.user} still coaches {count} candidate{'s' if count != 1 else ''} "
            "(archived ones included). Reassign them to another coach of the practice first."
        )
    for model in (Question, ChecklistTemplate):
        model.objects.filter(
            owner_id=membership.user_id, practice_id=membership.practice_id
        ).update(practice=None)
    membership.delete()


@transaction.atomic
def candidate_reassign(*, candidate: Candidate, by: User, to: User) -> Candidate:
    """The lead hands a candidate to another coach of the practice (themselves
    included). Reviews, comments and revisions keep their authors; private
    notes stay with theirs: the previous coach's are set aside, never shown to
    the new coach, and handed back if the candidate returns to them. The
    candidate and both coaches are told."""
    lead = _lock_lead(_practice_of(by), by)
    candidate = _lock_candidate_row(candidate)
    members = PracticeMembership.objects.filter(practice_id=lead.practice_id)
    if not members.filter(user_id=candidate.coach_id).exists():
        raise NotAllowed("This candidate's coach is not a member of your practice.")
    target = members.select_related("user").filter(user=to).first()
    if target is None:
        raise WrongState(f"{to} is not a member of {lead.practice} any more.")
    if candidate.coach_id == to.pk:
        raise WrongState(f"{to} is already {candidate}'s coach.")
    clash = Candidate.objects.filter(coach=to, email__iexact=candidate.email).exists() or (
        candidate.user_id is not None
        and Candidate.objects.filter(coach=to, user_id=candidate.user_id).exists()
    )
    if clash:
        raise WrongState(
            f"{to} already has a candidate record for {candidate.email}. "
            "Archive or erase one of the two first."
        )
    previous = candidate.coach
    # Private notes stay with their author (README, "Practices"): the
    # previous coach's are set aside, unseen, and the new coach finds their
    # own from an earlier time, or none. A lead who takes a member's
    # candidate does not read the member's notes.
    if candidate.notes:
        SetAsideNotes.objects.update_or_create(
            candidate=candidate,
            author=previous,
            defaults={"notes": candidate.notes, "set_aside_at": timezone.now()},
        )
    own = SetAsideNotes.objects.filter(candidate=candidate, author=to).first()
    candidate.notes = own.notes if own else ""
    if own:
        own.delete()
    candidate.coach = to
    candidate.save(update_fields=["coach", "notes", "updated_at"])
    emails.send_candidate_reassigned(candidate, previous=previous, by=by)
    return candidate


def _practice_of(user: User) -> Practice:
    membership = membership_of(user)
    if membership is None:
        raise NotAllowed("You are not a member of a practice.")
    return membership.practice


def _lock_candidate_row(candidate: Candidate) -> Candidate:
    return (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("coach")
        .get(pk=candidate.pk)
    )
