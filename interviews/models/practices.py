"""Practices: teams of coaches, their members and the invitations to join."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..lib.links import SingleUseLink
from ..validators import validate_single_line
from .accounts import User

# ---------------------------------------------------------------- practices


class PracticeRole(models.TextChoices):
    LEAD = "lead", "Lead"
    COACH = "coach", "Coach"


class Practice(models.Model):
    """A team of coaches: a careers service, an outplacement firm. Members
    share a library; the lead sees every member's caseload (read-only).
    Candidates stay each coach's own."""

    name = models.CharField(max_length=120, validators=[validate_single_line])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PracticeMembership(models.Model):
    """A coach's place in a practice: at most one per coach (the one-to-one)."""

    Role = PracticeRole

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="practice_membership")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COACH)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "user__full_name", "user__email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=PracticeRole.values),
                name="interviews_membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.practice})"

    @property
    def is_lead(self) -> bool:
        return self.role == PracticeRole.LEAD


class PracticeInvitation(SingleUseLink, models.Model):
    """A single-use, expiring link that lets a coach join a practice; the
    same rules as a candidate's invitation (only the hash is stored)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when the lead cancels it or a newer invitation to the same address replaces it.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="interviews_practice_invitation_expires_after_created",
            ),
            models.UniqueConstraint(
                "practice",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="interviews_practice_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.practice} for {self.email}"


def practice_ids_of(user, *, lead: bool = False):
    """A subquery: the id of the practice ``user`` belongs to (leads), for
    filters that must not cost a query of their own."""
    memberships = PracticeMembership.objects.filter(user=user)
    if lead:
        memberships = memberships.filter(role=PracticeRole.LEAD)
    return memberships.values("practice_id")
