"""The caseload: a coach's candidates, their invitations and opportunities."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from ..lib.links import SingleUseLink
from ..validators import validate_single_line
from .accounts import User

# ---------------------------------------------------------------- ownership


class OwnedByCandidateQuerySet(models.QuerySet):
    """Rows that belong to one candidate record: everything of a candidate's is
    the record's coach's to manage and, once the invitation is accepted, the
    candidate's own to see. The one spelling of that rule; access helpers and
    selectors call these instead of typing the joins.

    ``candidate_path`` is the lookup from a row to its Candidate ("" for the
    Candidate itself)."""

    candidate_path = ""

    def _by_candidate(self, lookup: str, value):
        path = f"{self.candidate_path}__{lookup}" if self.candidate_path else lookup
        return self.filter(**{path: value})

    def for_coach(self, user):
        """The rows of the coach's own candidates."""
        return self._by_candidate("coach", user) if user.is_authenticated else self.none()

    def for_coaches(self, coaches):
        """The rows of any of these coaches' candidates (``coaches``: users or a
        subquery of user ids), for a practice lead's read-only pages."""
        return self._by_candidate("coach__in", coaches)

    def for_candidate_user(self, user):
        """The rows of the candidate records this login joined (one per coach)."""
        return self._by_candidate("user", user) if user.is_authenticated else self.none()


# ---------------------------------------------------------------- candidates


class CandidateQuerySet(OwnedByCandidateQuerySet):
    def active(self) -> CandidateQuerySet:
        return self.filter(archived=False)


class Candidate(models.Model):
    coach = models.ForeignKey(User, on_delete=models.PROTECT, related_name="candidates")
    full_name = models.CharField(max_length=150, validators=[validate_single_line])
    email = models.EmailField()
    headline = models.CharField(
        "headline / target role", max_length=200, blank=True, validators=[validate_single_line]
    )
    notes = models.TextField(
        "private notes", blank=True, max_length=10000, help_text="Only you see these."
    )
    user = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="candidate_records",
        help_text="The login linked when the invitation is accepted.",
    )
    archived = models.BooleanField(default=False)
    # Erased at the candidate's (or coach's) request: the record stays as a
    # "former candidate" with no personal data (README, "Privacy").
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                "coach", Lower("email"), name="interviews_candidate_email_unique_per_coach"
            ),
            models.UniqueConstraint(
                fields=["coach", "user"],
                condition=Q(user__isnull=False),
                name="interviews_candidate_user_unique_per_coach",
            ),
        ]
        indexes = [
            # Candidate list: a coach's active or archived candidates by name.
            models.Index(
                fields=["coach", "archived", "full_name"], name="cand_coach_arch_name_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("coach:candidate_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = self.email.strip().lower()


class Invitation(SingleUseLink, models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="invitations")
    # sha256 of the token in the link; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer invitation replaces this one (re-sending).
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="interviews_invitation_expires_after_created",
            ),
            models.UniqueConstraint(
                fields=["candidate"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="interviews_invitation_one_open_per_candidate",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.candidate} ({self.state})"


# ---------------------------------------------------------------- opportunities


class OpportunityQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "candidate"


class OpportunityStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    OFFER = "offer", "Offer"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Opportunity(models.Model):
    Status = OpportunityStatus

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="opportunities")
    company = models.CharField(max_length=200, validators=[validate_single_line])
    position = models.CharField(max_length=200, validators=[validate_single_line])
    link = models.URLField("job link", max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OpportunityStatus.values),
                name="interviews_opportunity_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} at {self.company}"

    def get_absolute_url(self) -> str:
        return reverse("coach:opportunity_detail", args=[self.pk])


# ---------------------------------------------------------------- notes set aside


class SetAsideNotes(models.Model):
    """A coach's private notes on a candidate who was handed to another coach:
    private notes stay with their author (README, "Practices"), so a
    reassignment sets them aside here, where no page shows them, and hands
    them back if the candidate returns to their author. Erasure deletes them;
    the candidate's download includes them."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="set_aside_notes"
    )
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    notes = models.TextField(max_length=10000)
    set_aside_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["set_aside_at", "id"]
        verbose_name_plural = "set-aside notes"
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "author"], name="interviews_setasidenotes_one_per_author"
            ),
        ]

    def __str__(self) -> str:
        return f"Notes of {self.author_id} on candidate {self.candidate_id}"
