"""The Coachsite domain: coaches, candidates, their interviews and prep checklists.

Ownership always runs up to a coach: Candidate.coach, and everything else
through the candidate (Opportunity -> InterviewRound, Assignment -> items).
The QuerySet methods ``for_coach`` / ``for_candidate_user`` put that ownership
in the query, so access helpers never filter in Python.
"""

from __future__ import annotations

import datetime
import secrets
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import dateformat, timezone

from .readiness import ReadinessAnnotated
from .validators import validate_single_line


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"{value!r} is not a known time zone.") from None


def time_zone_choices() -> list[tuple[str, str]]:
    """For forms only: the list depends on the machine's tz database, so it
    must not be frozen into a migration."""
    return sorted((tz, tz.replace("_", " ")) for tz in zoneinfo.available_timezones())


# ---------------------------------------------------------------- users


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.COACH)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        # Email is the login and is stored lower-cased; match it that way.
        if len(username) > self.model._meta.get_field("email").max_length:
            # No stored email is that long, and SQLite refuses a LIKE pattern
            # over 50 kB (the login form does not enforce the field's length).
            raise self.model.DoesNotExist
        return self.get(email__iexact=username)


def new_calendar_token() -> str:
    """The secret in a user's calendar-feed address: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class UserRole(models.TextChoices):
    COACH = "coach", "Coach"
    CANDIDATE = "candidate", "Candidate"


class User(AbstractBaseUser, PermissionsMixin):
    Role = UserRole

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CANDIDATE)
    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Dates and times are shown and entered in this time zone.",
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The private calendar feed's address, /calendar/<token>.ics; replacing it
    # (profile page) kills the old address.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # Part of every session's auth hash: raising it ("Log out everywhere")
    # ends every session signed in before.
    session_epoch = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=UserRole.values),
                name="interviews_user_role_valid",
            ),
            models.UniqueConstraint(Lower("email"), name="interviews_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def _get_session_auth_hash(self, secret=None) -> str:
        """Django's hash of the password, with ``session_epoch`` mixed in once
        it is raised, so a new epoch ends every session as a new password does
        (and sessions from before epochs existed stay valid)."""
        from django.utils.crypto import salted_hmac

        value = self.password if not self.session_epoch else f"{self.password}:{self.session_epoch}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def is_coach(self) -> bool:
        return self.role == self.Role.COACH

    @property
    def is_candidate(self) -> bool:
        return self.role == self.Role.CANDIDATE


# ---------------------------------------------------------------- single-use links


class LinkState(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REPLACED = "replaced", "Replaced"
    EXPIRED = "expired", "Expired"


class SingleUseLink:
    """The state of an invitation link (a candidate's, a coach's to a practice),
    from its ``accepted_at``, ``revoked_at`` and ``expires_at``."""

    State = LinkState

    @property
    def state(self) -> LinkState:
        if self.accepted_at:
            return LinkState.ACCEPTED
        if self.revoked_at:
            return LinkState.REPLACED
        if self.expires_at <= timezone.now():
            return LinkState.EXPIRED
        return LinkState.PENDING


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


# ---------------------------------------------------------------- candidates


class CandidateQuerySet(models.QuerySet):
    def for_coach(self, user) -> CandidateQuerySet:
        return self.filter(coach=user) if user.is_authenticated else self.none()

    def for_candidate_user(self, user) -> CandidateQuerySet:
        return self.filter(user=user) if user.is_authenticated else self.none()

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


class OpportunityQuerySet(models.QuerySet):
    def for_coach(self, user) -> OpportunityQuerySet:
        return self.filter(candidate__coach=user) if user.is_authenticated else self.none()

    def for_candidate_user(self, user) -> OpportunityQuerySet:
        return self.filter(candidate__user=user) if user.is_authenticated else self.none()


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


class InterviewRoundQuerySet(models.QuerySet):
    def for_coach(self, user) -> InterviewRoundQuerySet:
        return (
            self.filter(opportunity__candidate__coach=user)
            if user.is_authenticated
            else self.none()
        )

    def for_candidate_user(self, user) -> InterviewRoundQuerySet:
        return (
            self.filter(opportunity__candidate__user=user) if user.is_authenticated else self.none()
        )

    def same_kind_as(self, *, candidate, kind, company) -> InterviewRoundQuerySet:
        """Rounds of one candidate, of one kind, at one company over all that
        candidate's opportunities. ``company`` is an expression, compared
        lower-cased in the database: "Fabrikam" and "fabrikam" are one company."""
        return self.alias(company_key=Lower("opportunity__company")).filter(
            opportunity__candidate=candidate, kind=kind, company_key=Lower(company)
        )

    def with_kind_count(self) -> InterviewRoundQuerySet:
        """Annotate ``same_kind_rounds`` (one subquery), which
        ``InterviewRound.display_name`` reads, so a list of rounds names each
        round without a query per row."""
        same = (
            InterviewRound.objects.same_kind_as(
                candidate=OuterRef("opportunity__candidate_id"),
                kind=OuterRef("kind"),
                company=OuterRef("opportunity__company"),
            )
            .order_by()
            .values("opportunity__candidate")
            .annotate(n=models.Count("pk"))
            .values("n")[:1]
        )
        return self.annotate(
            same_kind_rounds=Coalesce(
                models.Subquery(same, output_field=models.IntegerField()), models.Value(0)
            )
        )


class RoundKind(models.TextChoices):
    SCREENING = "screening", "Screening"
    SECOND = "second", "Second round"
    FINAL = "final", "Final"
    OTHER = "other", "Other"


class RoundOutcome(models.TextChoices):
    PENDING = "pending", "Pending"
    ADVANCED = "advanced", "Advanced"
    OFFER = "offer", "Offer"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InterviewRound(ReadinessAnnotated, models.Model):
    Kind = RoundKind

    #: How a round of each kind is named on pages and in emails.
    KIND_NAMES = {
        Kind.SCREENING: "Screening interview",
        Kind.SECOND: "Second-round interview",
        Kind.FINAL: "Final interview",
        Kind.OTHER: "Interview",
    }

    Outcome = RoundOutcome

    #: The one place an outcome gets its colour; templates/interviews/_outcome_badge.html.
    OUTCOME_COLOURS = {
        Outcome.PENDING: "text-bg-light border",
        Outcome.ADVANCED: "text-bg-success",
        Outcome.OFFER: "text-bg-success",
        Outcome.REJECTED: "text-bg-danger",
        Outcome.WITHDRAWN: "text-bg-secondary",
    }

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="rounds")
    sequence = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SECOND)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(
        "format / location",
        max_length=200,
        blank=True,
        help_text="For example: video call, on site at the London office.",
        validators=[validate_single_line],
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(720)],
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_notes = models.TextField(blank=True, max_length=10000)
    # The debrief, written by the candidate after the interview.
    debrief_notes = models.TextField("how it went", blank=True, max_length=20000)
    debrief_differently = models.TextField(
        "what I would do differently", blank=True, max_length=10000
    )
    debriefed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterviewRoundQuerySet.as_manager()

    class Meta:
        ordering = ["opportunity_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "sequence"], name="interviews_round_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="interviews_round_sequence_positive"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RoundKind.values),
                name="interviews_round_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=RoundOutcome.values),
                name="interviews_round_outcome_valid",
            ),
        ]
        indexes = [
            # Dashboards: interviews in the next 7 days.
            models.Index(fields=["scheduled_at"], name="round_scheduled_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("coach:round_detail", args=[self.pk])

    @property
    def same_kind_count(self) -> int:
        """How many rounds of this kind the candidate has at this company, this
        one included: the ``with_kind_count()`` annotation when loaded with it,
        otherwise one query (kept on the instance)."""
        if getattr(self, "same_kind_rounds", None) is None:
            others = InterviewRound.objects.same_kind_as(
                candidate=self.opportunity.candidate_id,
                kind=self.kind,
                company=models.Value(self.opportunity.company),
            ).exclude(pk=self.pk)
            self.same_kind_rounds = others.count() + 1
        return self.same_kind_rounds

    @property
    def when_display(self) -> str:
        """The time as "Tue 1 Dec 14:30", in the active (the viewer's) time zone;
        the year only when it is not this year."""
        if self.scheduled_at is None:
            return "date not set"
        when = timezone.localtime(self.scheduled_at)
        same_year = when.year == timezone.localtime().year
        return dateformat.format(when, "D j M H:i" if same_year else "D j M Y H:i")

    @property
    def kind_name(self) -> str:
        """ "Second-round interview", with "(round 3)" only where the candidate has
        several rounds of that kind at that company."""
        name = self.KIND_NAMES.get(self.kind, "Interview")
        if self.same_kind_count > 1:
            name = f"{name} (round {self.sequence})"
        return name

    @property
    def display_name(self) -> str:
        """Kind, company and time: "Second-round interview at Fabrikam, Tue 1 Dec
        14:30". The sequence number only tells apart several rounds of one kind
        at one company: "Second-round interview (round 3) at Fabrikam, …"."""
        return f"{self.kind_name} at {self.opportunity.company}, {self.when_display}"

    @property
    def outcome_colour(self) -> str:
        return self.OUTCOME_COLOURS[self.outcome]

    #: An opportunity closed this way cancels its rounds that have no outcome yet.
    CLOSED_OPPORTUNITY = (OpportunityStatus.WITHDRAWN, OpportunityStatus.REJECTED)

    @classmethod
    def cancelled_q(cls, prefix: str = "") -> Q:
        """The SQL form of ``is_cancelled``; ``prefix`` reaches the round
        through a relation ("round__")."""
        return Q(**{f"{prefix}outcome": RoundOutcome.WITHDRAWN}) | Q(
            **{
                f"{prefix}outcome": RoundOutcome.PENDING,
                f"{prefix}opportunity__status__in": cls.CLOSED_OPPORTUNITY,
            }
        )

    @property
    def is_cancelled(self) -> bool:
        """Withdrawn from, or still waiting for an outcome when the opportunity
        was withdrawn or rejected: it will not take place. A round with an
        outcome took place, even though its rejection closed the opportunity.
        Calendars show it cancelled; reminders about it stop."""
        if self.outcome == RoundOutcome.WITHDRAWN:
            return True
        return (
            self.outcome == RoundOutcome.PENDING
            and self.opportunity.status in self.CLOSED_OPPORTUNITY
        )

    @property
    def has_started(self) -> bool:
        """From the scheduled start on, the debrief, outcome and thank-you open."""
        return self.scheduled_at is not None and self.scheduled_at <= timezone.now()

    #: Thank-you notes are due this long after the interview's start.
    THANK_YOU_WITHIN = datetime.timedelta(hours=24)

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def thank_you_due_at(self) -> datetime.datetime | None:
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + self.THANK_YOU_WITHIN

    @property
    def is_debriefed(self) -> bool:
        return self.debriefed_at is not None


class InterviewerRole(models.TextChoices):
    RECRUITER = "recruiter", "Recruiter"
    HIRING_MANAGER = "hiring_manager", "Hiring manager"
    TEAMMATE = "teammate", "Future teammate"
    EXECUTIVE = "executive", "Executive"
    OTHER = "other", "Other"


class Interviewer(models.Model):
    """Someone who interviews the candidate in a round (coach and candidate keep the list)."""

    Role = InterviewerRole

    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="interviewers")
    name = models.CharField(max_length=150, validators=[validate_single_line])
    job_title = models.CharField(max_length=150, blank=True, validators=[validate_single_line])
    role = models.CharField(
        "role in the process", max_length=20, choices=Role.choices, default=Role.OTHER
    )
    email = models.EmailField(blank=True, help_text="Optional: for the thank-you note.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=InterviewerRole.values),
                name="interviews_interviewer_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.job_title})" if self.job_title else self.name

    @property
    def first_name(self) -> str:
        return (self.name.split() or [""])[0]


class AskedQuestion(models.Model):
    """A question the candidate was really asked in a round (from the debrief)."""

    round = models.ForeignKey(
        InterviewRound, on_delete=models.CASCADE, related_name="asked_questions"
    )
    position = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=500, validators=[validate_single_line])
    covered = models.BooleanField("my preparation covered it", default=False)
    # The coach's own bank question this one was copied into, if they added it.
    bank_question = models.ForeignKey(
        "Question", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round_id", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ThankYouNote(models.Model):
    """A thank-you email the candidate writes after the interview to one
    interviewer (or to someone else), checked by the coach on request and sent
    by the candidate from their own mail program; Coachsite never sends it."""

    round = models.ForeignKey(
        InterviewRound, on_delete=models.CASCADE, related_name="thank_you_notes"
    )
    interviewer = models.ForeignKey(
        Interviewer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="thank_you_notes",
    )
    to_name = models.CharField(
        "to (name)", max_length=150, blank=True, validators=[validate_single_line]
    )
    to = models.EmailField("to (email)", blank=True)
    subject = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    body = models.TextField(blank=True, max_length=10000)
    check_requested_at = models.DateTimeField(null=True, blank=True)
    coach_comment = models.TextField(blank=True, max_length=5000)
    checked_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(default=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "interviewer"],
                condition=Q(interviewer__isnull=False),
                name="interviews_thankyou_one_per_interviewer",
            ),
        ]
        indexes = [
            # Coach dashboard: notes waiting for the coach's look, oldest first.
            models.Index(fields=["check_requested_at"], name="thankyou_check_requested_idx"),
        ]

    def __str__(self) -> str:
        return f"Thank-you to {self.recipient}"

    @property
    def recipient(self) -> str:
        if self.interviewer_id is not None:
            return str(self.interviewer.name)
        return self.to_name or self.to or "someone else"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def awaiting_check(self) -> bool:
        """Asked the coach to look, and the coach has not answered since."""
        return self.check_requested_at is not None and (
            self.checked_at is None or self.checked_at < self.check_requested_at
        )


# ---------------------------------------------------------------- question bank


class OwnedQuerySet(models.QuerySet):
    def builtin(self):
        return self.filter(owner__isnull=True)

    def visible_to(self, user):
        """Built-ins, the coach's own, and what their practice shares."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(owner__isnull=True) | Q(owner=user) | Q(practice__in=practice_ids_of(user))
        )

    def for_coach(self, user):
        """Only the coach's own rows."""
        return self.filter(owner=user) if user.is_authenticated else self.none()

    def editable_by(self, user):
        """What the coach may change: their own, and, for a practice's lead,
        what its members share."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(owner=user) | Q(practice__in=practice_ids_of(user, lead=True)))


class QuestionCategory(models.TextChoices):
    ASK = "ask", "Ask the interviewer"
    ANSWER = "answer", "Prepare an answer"
    BRING = "bring", "Bring / prepare"
    FOLLOW_UP = "follow_up", "Follow up"


class QuestionQuerySet(OwnedQuerySet):
    def in_bank_order(self) -> QuestionQuerySet:
        """Categories in the order a coach works through them (ask, answer,
        bring, follow up; not alphabetically by stored value), built-ins first
        within each, then by prompt."""
        categories = QuestionCategory.values
        category_order = models.Case(
            *(
                models.When(category=value, then=models.Value(n))
                for n, value in enumerate(categories)
            ),
            default=models.Value(len(categories)),
        )
        return self.order_by(category_order, F("owner_id").asc(nulls_first=True), "prompt", "id")


class Question(models.Model):
    Category = QuestionCategory

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="questions"
    )
    # Shared with the owner's practice: every member sees, copies and assigns it.
    practice = models.ForeignKey(
        Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    # Stable key of a built-in question, so the library loader can update in place.
    builtin_key = models.SlugField(max_length=80, blank=True)
    prompt = models.CharField(max_length=500, validators=[validate_single_line])
    guidance = models.TextField(blank=True, max_length=5000)
    category = models.CharField(max_length=20, choices=Category.choices)
    round_kind = models.CharField(
        "suggested round",
        max_length=20,
        choices=InterviewRound.Kind.choices,
        blank=True,
        help_text="Leave empty when the question suits any round.",
    )
    retired = models.BooleanField(default=False)
    # Where a question added from a debrief was really asked ("Fabrikam,
    # second-round interview"); never the candidate's name.
    source = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["category", "prompt", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["builtin_key"],
                condition=~Q(builtin_key=""),
                name="interviews_question_builtin_key_unique",
            ),
            models.CheckConstraint(
                condition=(Q(owner__isnull=True) & ~Q(builtin_key=""))
                | (Q(owner__isnull=False) & Q(builtin_key="")),
                name="interviews_question_builtin_has_key",
            ),
            models.CheckConstraint(
                condition=Q(practice__isnull=True) | Q(owner__isnull=False),
                name="interviews_question_builtin_not_shared",
            ),
            models.CheckConstraint(
                condition=Q(category__in=QuestionCategory.values),
                name="interviews_question_category_valid",
            ),
        ]
        indexes = [
            # Question bank: a coach's own questions by category.
            models.Index(fields=["owner", "category"], name="question_owner_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.prompt

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


# ---------------------------------------------------------------- templates


class ItemKind(models.TextChoices):
    TEXT = "text", "Written answer"
    CHECK = "check", "Tick-off task"
    EMAIL = "email", "Thank-you email"


class ChecklistTemplate(models.Model):
    #: A checklist longer than this is not a checklist any more; the cap also
    #: bounds the work one editor POST can ask for.
    MAX_ITEMS = 200

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="templates"
    )
    # Shared with the owner's practice: every member sees, copies and assigns it.
    practice = models.ForeignKey(
        Practice, on_delete=models.SET_NULL, null=True, blank=True, related_name="templates"
    )
    builtin_key = models.SlugField(max_length=80, blank=True)
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True, max_length=5000)
    round_kind = models.CharField(
        "suggested round", max_length=20, choices=InterviewRound.Kind.choices, blank=True
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["builtin_key"],
                condition=~Q(builtin_key=""),
                name="interviews_template_builtin_key_unique",
            ),
            models.CheckConstraint(
                condition=(Q(owner__isnull=True) & ~Q(builtin_key=""))
                | (Q(owner__isnull=False) & Q(builtin_key="")),
                name="interviews_template_builtin_has_key",
            ),
            models.CheckConstraint(
                condition=Q(practice__isnull=True) | Q(owner__isnull=False),
                name="interviews_template_builtin_not_shared",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class TemplateItem(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.TEXT)
    prompt = models.CharField(max_length=500, validators=[validate_single_line])
    guidance = models.TextField(blank=True, max_length=5000)
    required = models.BooleanField(default=True)
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="template_items"
    )

    class Meta:
        ordering = ["template_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values),
                name="interviews_templateitem_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.prompt}"


# ---------------------------------------------------------------- assignments


class AssignmentQuerySet(models.QuerySet):
    def for_coach(self, user) -> AssignmentQuerySet:
        return self.filter(candidate__coach=user) if user.is_authenticated else self.none()

    def for_candidate_user(self, user) -> AssignmentQuerySet:
        """What a candidate may see: their own, never withdrawn ones."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(candidate__user=user).exclude(status=Assignment.Status.WITHDRAWN)

    def awaiting_review(self) -> AssignmentQuerySet:
        return self.filter(status=Assignment.Status.SUBMITTED)

    def overdue(self, today=None) -> AssignmentQuerySet:
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today, status__in=Assignment.EDITABLE)

    def with_readiness(self) -> AssignmentQuerySet:
        """Annotate required_total and required_done (the readiness figures) in SQL."""
        return self.annotate(
            required_total=models.Count("items", filter=Q(items__required=True)),
            required_done=models.Count(
                "items", filter=Q(items__required=True) & _item_complete_q("items__")
            ),
        )


class AssignmentStatus(models.TextChoices):
    # Nothing saved by the candidate yet.
    ASSIGNED = "assigned", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for review"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Assignment(ReadinessAnnotated, models.Model):
    Status = AssignmentStatus

    # The candidate may edit in these states; read-only otherwise.
    EDITABLE = (Status.ASSIGNED, Status.IN_PROGRESS, Status.CHANGES_REQUESTED)

    #: The one place a status gets its colour (Bootstrap badge classes); the
    #: label is the choice's. Drawn by templates/interviews/_status_badge.html.
    STATUS_COLOURS = {
        Status.ASSIGNED: "text-bg-secondary",
        Status.IN_PROGRESS: "text-bg-info",
        Status.SUBMITTED: "text-bg-primary",
        Status.CHANGES_REQUESTED: "text-bg-warning",
        Status.APPROVED: "text-bg-success",
        Status.WITHDRAWN: "text-bg-dark",
    }

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="assignments")
    round = models.ForeignKey(
        InterviewRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments",
        help_text="The template this checklist was copied from.",
    )
    title = models.CharField(max_length=200, validators=[validate_single_line])
    description = models.TextField(blank=True, max_length=5000)
    instructions = models.TextField(blank=True, max_length=5000)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASSIGNED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AssignmentStatus.values),
                name="interviews_assignment_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.SUBMITTED) | Q(submitted_at__isnull=False),
                name="interviews_assignment_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=AssignmentStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
                name="interviews_assignment_withdrawn_has_time",
            ),
        ]
        indexes = [
            # Coach dashboard: waiting for review, oldest first.
            models.Index(fields=["status", "submitted_at"], name="asg_status_submitted_idx"),
            # Coach dashboard and candidate home: overdue / due soonest.
            models.Index(fields=["status", "due_date"], name="asg_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.candidate}"

    def get_absolute_url(self) -> str:
        return reverse("coach:assignment_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def status_colour(self) -> str:
        return self.STATUS_COLOURS[self.status]

    def get_candidate_url(self) -> str:
        return reverse("me:checklist", args=[self.pk])


class ItemMark(models.TextChoices):
    NONE = "", "Not reviewed"
    OK = "ok", "OK"
    NEEDS_WORK = "needs_work", "Needs work"


def _item_complete_q(prefix: str = "") -> Q:
    """The SQL form of AssignmentItem.is_complete; ``prefix`` reaches the items
    through a relation ("items__")."""
    return (
        (Q(**{f"{prefix}kind": ItemKind.TEXT}) & ~Q(**{f"{prefix}response_text": ""}))
        | (Q(**{f"{prefix}kind": ItemKind.CHECK}) & Q(**{f"{prefix}done": True}))
        | (Q(**{f"{prefix}kind": ItemKind.EMAIL}) & ~Q(**{f"{prefix}email_body": ""}))
    )


class AssignmentItemQuerySet(models.QuerySet):
    def complete(self) -> AssignmentItemQuerySet:
        """Items answered as is_complete says, in SQL (for readiness counts)."""
        return self.filter(_item_complete_q())

    def incomplete(self) -> AssignmentItemQuerySet:
        return self.exclude(_item_complete_q())


class AssignmentItem(models.Model):
    Mark = ItemMark

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    # Snapshot of the template item at assignment time.
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    prompt = models.CharField(max_length=500, validators=[validate_single_line])
    guidance = models.TextField(blank=True, max_length=5000)
    required = models.BooleanField(default=True)
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The candidate's response. response_text is the written answer, or the
    # optional note of a tick-off task.
    response_text = models.TextField(blank=True, max_length=20000)
    done = models.BooleanField(default=False)
    email_to = models.CharField(max_length=254, blank=True, validators=[validate_single_line])
    email_subject = models.CharField(max_length=200, blank=True, validators=[validate_single_line])
    email_body = models.TextField(blank=True, max_length=10000)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    review_mark = models.CharField(max_length=20, choices=Mark.choices, blank=True)
    # From the debrief: did this prepared answer come up in the interview?
    came_up = models.BooleanField(null=True, blank=True)
    # The item version the coach's mark refers to: a later version means the
    # candidate revised the answer since, so a "needs work" mark no longer
    # stands in the way of approval.
    marked_version = models.PositiveIntegerField(null=True, blank=True)
    # Optimistic locking: a save names the version it started from.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentItemQuerySet.as_manager()

    RESPONSE_FIELDS = ("response_text", "done", "email_to", "email_subject", "email_body")
    # The response before the candidate's first save (item version 1).
    EMPTY_RESPONSE = {
        "response_text": "",
        "done": False,
        "email_to": "",
        "email_subject": "",
        "email_body": "",
    }

    class Meta:
        ordering = ["assignment_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ItemKind.values),
                name="interviews_assignmentitem_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(review_mark__in=ItemMark.values),
                name="interviews_assignmentitem_mark_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.prompt}"

    @property
    def is_complete(self) -> bool:
        if self.kind == ItemKind.TEXT:
            return bool(self.response_text.strip())
        if self.kind == ItemKind.CHECK:
            return self.done
        return bool(self.email_body.strip())

    def response(self) -> dict:
        return {name: getattr(self, name) for name in self.RESPONSE_FIELDS}

    @property
    def revised_since_mark(self) -> bool:
        """Marked "needs work", and the candidate has changed the answer since."""
        return (
            self.review_mark == self.Mark.NEEDS_WORK
            and self.marked_version is not None
            and self.version > self.marked_version
        )

    @property
    def needs_work(self) -> bool:
        """Marked "needs work" and not revised since: this blocks approval."""
        return self.review_mark == self.Mark.NEEDS_WORK and not self.revised_since_mark


class Comment(models.Model):
    item = models.ForeignKey(AssignmentItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="comment_item_created_idx")]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class AnswerRevision(models.Model):
    """One saved change of an item's response: the full new value, who and when."""

    item = models.ForeignKey(AssignmentItem, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    item_version = models.PositiveIntegerField()
    response_text = models.TextField(blank=True)
    done = models.BooleanField(default=False)
    email_to = models.CharField(max_length=254, blank=True)
    email_subject = models.CharField(max_length=200, blank=True)
    email_body = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "item_version"], name="interviews_revision_item_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Revision {self.item_version} of item {self.item_id}"

    def response(self) -> dict:
        return {name: getattr(self, name) for name in AssignmentItem.RESPONSE_FIELDS}


class ReviewVerdict(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"


class Review(models.Model):
    Verdict = ReviewVerdict

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    note = models.TextField(blank=True, max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verdict__in=ReviewVerdict.values),
                name="interviews_review_verdict_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} — {self.assignment}"


# ---------------------------------------------------------------- notifications


class NotificationKind(models.TextChoices):
    """What a notice is about. The first group are events (something just
    happened), the second reminders (the sweep found something due), and the
    coach's daily digest."""

    # Events
    ASSIGNMENT_CREATED = "assignment_created", "A new checklist from my coach"
    ASSIGNMENT_REVIEWED = "assignment_reviewed", "My coach reviewed a checklist"
    THANK_YOU_CHECKED = "thank_you_checked", "My coach looked at a thank-you note"
    ASSIGNMENT_SUBMITTED = "assignment_submitted", "A candidate submitted a checklist"
    THANK_YOU_CHECK_REQUESTED = "thank_you_check_requested", "A candidate asks me to check a note"
    # Reminders to candidates
    DUE_SOON = "due_soon", "A checklist is due in two days"
    DUE_TODAY = "due_today", "A checklist is due today"
    OVERDUE = "overdue", "A checklist is overdue"
    INTERVIEW_TOMORROW = "interview_tomorrow", "My interview is tomorrow"
    THANK_YOU_WAITING = "thank_you_waiting", "Thank-you notes still to send after an interview"
    FOLLOW_UP_WAITING = "follow_up_waiting", "Debrief or outcome still to record"
    # Reminders to coaches
    REVIEW_WAITING = "review_waiting", "A submission has waited two days for my review"
    PREP_NOT_READY = "prep_not_ready", "An interview tomorrow with prep not complete"
    DIGEST = "digest", "Daily digest"


class NotificationDelivery(models.TextChoices):
    INSTANT = "instant", "Straight away"
    DIGEST = "digest", "In one daily digest at 08:00"


class Notification(models.Model):
    """One notice to one user: an event email or a reminder, kept in the app.

    ``object_key`` names what it is about (``assignment:12``, ``round:7``) and
    ``occasion`` which time it is for (the due date, the interview's start), so
    the unique constraint lets each reminder go out once per occasion: moving
    a due date or an interview gives a new occasion, which re-arms it.
    """

    Kind = NotificationKind

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    object_key = models.CharField(max_length=80)
    occasion = models.CharField(max_length=80)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    #: When the email for it was handed to the queue; empty when it was not
    #: emailed (switched off, or left to the daily digest).
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key", "occasion"],
                name="interviews_notification_once_per_occasion",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values),
                name="interviews_notification_kind_valid",
            ),
        ]
        indexes = [
            # /notifications/ and the unread count in the navigation.
            models.Index(fields=["user", "-created_at"], name="notification_user_created_idx"),
            models.Index(
                fields=["user"],
                condition=Q(read_at__isnull=True),
                name="notification_user_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user}: {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind of email; no row means on and instant."""

    Delivery = NotificationDelivery

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    enabled = models.BooleanField("email me", default=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.INSTANT)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="interviews_notificationpreference_unique"
            ),
        ]

    def __str__(self) -> str:
        state = self.get_delivery_display() if self.enabled else "off"
        return f"{self.user}: {self.kind} ({state})"


class OutgoingEmailQuerySet(models.QuerySet):
    def failed(self) -> OutgoingEmailQuerySet:
        return self.filter(failed_at__isnull=False)


class OutgoingEmail(models.Model):
    """An email handed to the worker: what it says, how many tries it took and
    how the last one failed. The admin lists those that finally failed.

    Emails that carry a secret link (invitations, password resets) have their
    body blanked once sent, so the table holds no usable token.
    """

    MAX_ATTEMPTS = 5

    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    secret = models.BooleanField(
        default=False, help_text="Carries a secret link: the body is blanked once sent."
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The admin's "finally failed" filter.
            models.Index(
                fields=["-created_at"],
                condition=Q(failed_at__isnull=False),
                name="outgoingemail_failed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"To {self.to}: {self.subject}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "retrying" if self.attempts else "queued"


class ReminderSweep(models.Model):
    """One row: when the reminder sweep last ran. The worker's sweep chain
    reads it so that two chains (two workers started at once) fold into one."""

    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_created = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "reminder sweep"

    def __str__(self) -> str:
        return f"Reminder sweep, last started {self.last_started_at or 'never'}"


# ---------------------------------------------------------------- throttling


class ThrottleHit(models.Model):
    """One counted attempt (a password-reset request, an invitation re-send, a
    failed invitation lookup) under a scope and key, such as
    ("reset-email", "ada@example.com") or ("reset-ip", "203.0.113.9"). A limit
    is the number of hits of a scope and key within a window; the state lives
    in the database, so every app server sees the same counts."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=254)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Counting the hits of one scope and key in the last window.
            models.Index(fields=["scope", "key", "created_at"], name="throttlehit_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} at {self.created_at:%Y-%m-%d %H:%M}"
