"""Interview rounds and what hangs on them: interviewers, the questions asked,
thank-you notes.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from ..lib.drafts import placeholders
from ..lib.readiness import ReadinessAnnotated
from ..lib.when import when
from ..validators import validate_single_line
from .accounts import TIME_ZONE_MAX_LENGTH
from .caseload import Opportunity, OpportunityStatus, OwnedByCandidateQuerySet


class InterviewRoundQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "opportunity__candidate"

    def same_kind_as(self, *, candidate, kind, company) -> InterviewRoundQuerySet:
        """Rounds of one candidate, of one kind, at one company over all that
        candidate's opportunities. ``company`` is an expression, compared
        lower-cased in the database: "Fabrikam" and "fabrikam" are one company."""
        return self.alias(company_key=Lower("opportunity__company")).filter(
            opportunity__candidate=candidate, kind=kind, company_key=Lower(company)
        )

    def coming(self, now: datetime.datetime | None = None) -> InterviewRoundQuerySet:
        """Rounds still ahead: scheduled after ``now`` or not dated yet, and
        not cancelled. What a coach assigns prep for."""
        now = now or timezone.now()
        return self.filter(Q(scheduled_at__gt=now) | Q(scheduled_at__isnull=True)).exclude(
            InterviewRound.cancelled_q()
        )

    def with_kind_count(self) -> InterviewRoundQuerySet:
        """Annotate ``same_kind_rounds`` (one subquery), which
        ``InterviewRound.display_name`` reads, so a list of rounds names each
        round without a query per row."""
        return self.annotate(same_kind_rounds=same_kind_rounds())


def same_kind_rounds(path: str = "") -> Coalesce:
    """How many rounds of its kind the candidate has at its company, for the
    round the outer query reaches through ``path`` ("round__" from a
    checklist), as one subquery: 0 when there is no round."""
    same = (
        InterviewRound.objects.same_kind_as(
            candidate=OuterRef(f"{path}opportunity__candidate_id"),
            kind=OuterRef(f"{path}kind"),
            company=OuterRef(f"{path}opportunity__company"),
        )
        .order_by()
        .values("opportunity__candidate")
        .annotate(n=models.Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(models.Subquery(same, output_field=models.IntegerField()), models.Value(0))


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
        """The time as "Tue 1 Dec, 14:30 CET", in the active (the viewer's, or
        an email's recipient's) time zone, with its abbreviation; the year only
        when it is not this year."""
        return when(self.scheduled_at)

    @property
    def kind_name(self) -> str:
        """ "Second-round interview", with "(round 3)" only where the candidate has
        several rounds of that kind at that company."""
        return self.name_kind(self.kind, sequence=self.sequence, same_kind=self.same_kind_count)

    @classmethod
    def name_kind(cls, kind: str, *, sequence: int, same_kind: int) -> str:
        """``kind_name`` from a row's values (``same_kind``: the
        ``with_kind_count()`` figure)."""
        name = cls.KIND_NAMES.get(kind, "Interview")
        if same_kind > 1:
            name = f"{name} (round {sequence})"
        return name

    @property
    def display_name(self) -> str:
        """Kind, company and time: "Second-round interview at Fabrikam, Tue 1 Dec,
        14:30 CET". The sequence number only tells apart several rounds of one kind
        at one company: "Second-round interview (round 3) at Fabrikam, …"."""
        return f"{self.kind_name} at {self.opportunity.company}, {self.when_display}"

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
        return self.started_by(timezone.now())

    def started_by(self, now: datetime.datetime) -> bool:
        """``has_started`` read at a given moment: a page read model reads every
        date against the one ``now`` it was given."""
        return self.scheduled_at is not None and self.scheduled_at <= now

    #: Thank-you notes are due this long after the interview's start.
    THANK_YOU_WITHIN = datetime.timedelta(hours=24)
    #: The reminders, and the lead's overview, follow a past interview this long.
    AFTER_INTERVIEW_WINDOW = datetime.timedelta(days=14)

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


class RoundPartQuerySet(OwnedByCandidateQuerySet):
    """Interviewers, asked questions and thank-you notes: owned through their round."""

    candidate_path = "round__opportunity__candidate"


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
    # The calendar feed names interviewers in the round's event: an edit must
    # change the feed's version and the event's SEQUENCE (selectors/calendar.py).
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoundPartQuerySet.as_manager()

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

    objects = RoundPartQuerySet.as_manager()

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

    objects = RoundPartQuerySet.as_manager()

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
        name = self.interviewer.name if self.interviewer_id is not None else None
        return self.recipient_of(name, self.to_name, self.to)

    @staticmethod
    def recipient_of(interviewer_name: str | None, to_name: str, to: str) -> str:
        """Whom a note thanks, from its values: its interviewer's name when it has
        one (``interviewer_name`` not None), else the name or address typed in."""
        if interviewer_name is not None:
            return str(interviewer_name)
        return to_name or to or "someone else"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @staticmethod
    def fingerprint_of(*, to_name: str, to: str, subject: str, body: str) -> str:
        """A short digest of a note's text (name, address, subject, body), line
        breaks as stored. The round page posts back the digest it was rendered
        from, so a save can tell a note changed elsewhere since then."""
        text = "\x1f".join([to_name, to.strip(), subject, body.replace("\r\n", "\n")])
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def placeholders(self) -> list[str]:
        """Placeholders ("[…]", ``lib.drafts.PLACEHOLDER``) left in the subject
        and the body: marking the note as sent asks for a confirmation then."""
        return placeholders(self.subject) + placeholders(self.body)

    @property
    def text_fingerprint(self) -> str:
        return self.fingerprint_of(
            to_name=self.to_name, to=self.to, subject=self.subject, body=self.body
        )

    @property
    def awaiting_check(self) -> bool:
        """Asked the coach to look, and the coach has not answered since."""
        return self.check_requested_at is not None and (
            self.checked_at is None or self.checked_at < self.check_requested_at
        )


class BriefPdf(models.Model):
    """The interview brief's PDF of one round as one side sees it (the coach's
    and the candidate's differ: the draft banner speaks to each, and times are
    in the viewer's zone). The worker makes it (``tasks.build_brief_pdf``) and
    it is served until the brief's content changes: ``fingerprint`` is the
    digest of the HTML document the PDF was made from, so any change that shows
    on the brief (an answer, a status, an interviewer, a zone, the template
    itself) makes it stale. One row per side: a new build replaces the old file.
    """

    class Side(models.TextChoices):
        COACH = "coach", "Coach"
        CANDIDATE = "candidate", "Candidate"

    class Status(models.TextChoices):
        PENDING = "pending", "Being made"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        UNAVAILABLE = "unavailable", "This server cannot make PDFs"

    #: A build asked for longer ago than this is taken as lost (the worker
    #: stopped, the task was dropped) and asked for again.
    PENDING_TIMEOUT = datetime.timedelta(minutes=10)

    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="brief_pdfs")
    side = models.CharField(max_length=10, choices=Side.choices)
    # The zone the next build renders the times in: the last requester's.
    time_zone = models.CharField(max_length=TIME_ZONE_MAX_LENGTH)
    # The state of the last build asked for.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField()
    # The stored file and the digest of what it was made from ("" until the first build).
    pdf = models.BinaryField(default=b"", blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["round_id", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "side"], name="interviews_briefpdf_one_per_side"
            ),
            models.CheckConstraint(
                condition=Q(side__in=["coach", "candidate"]), name="interviews_briefpdf_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "ready", "failed", "unavailable"]),
                name="interviews_briefpdf_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Brief PDF of {self.round} ({self.get_side_display().lower()})"

    def is_current(self, fingerprint: str) -> bool:
        """Holds a file made from exactly this content (a fingerprint is stored
        with a file only, so this reads neither the file nor its deferred field)."""
        return bool(self.fingerprint) and self.fingerprint == fingerprint

    def is_building(self, *, now: datetime.datetime, time_zone: str | None = None) -> bool:
        """A build was asked for less than ``PENDING_TIMEOUT`` ago (in
        ``time_zone``, when given) and has not finished: no need to ask again."""
        return (
            self.status == self.Status.PENDING
            and (time_zone is None or self.time_zone == time_zone)
            and self.requested_at > now - self.PENDING_TIMEOUT
        )
