"""Checklists: assignments, their items, comments, every saved revision and
the coach's reviews.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..lib.readiness import ReadinessAnnotated
from ..validators import validate_single_line
from .accounts import User
from .caseload import Candidate, OwnedByCandidateQuerySet
from .library import ChecklistTemplate, ItemKind, Question
from .rounds import InterviewRound, same_kind_rounds

# ---------------------------------------------------------------- assignments


class AssignmentQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "candidate"

    def for_candidate_user(self, user) -> AssignmentQuerySet:
        """What a candidate may see: their own, never withdrawn ones."""
        return super().for_candidate_user(user).exclude(status=Assignment.Status.WITHDRAWN)

    def awaiting_review(self) -> AssignmentQuerySet:
        return self.filter(status=Assignment.Status.SUBMITTED)

    def overdue(self, today=None, now=None) -> AssignmentQuerySet:
        """Past their due date and still open, while their interview is still
        ahead: once it has started, a prep checklist is no longer pressing (its
        reminders stop too, services/reminders.py), so no list calls it overdue."""
        return self.filter(overdue_q(today or timezone.localdate(), now or timezone.now()))

    def with_round_kind_count(self) -> AssignmentQuerySet:
        """Annotate ``round_kind_rounds``: the checklist's round's
        ``same_kind_rounds`` (``InterviewRound.with_kind_count``), in the same
        query. ``Assignment.name_round`` hands it to the round, whose name then
        costs no query of its own (issue 25: one query less on the review and
        checklist pages)."""
        return self.annotate(round_kind_rounds=same_kind_rounds("round__"))

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

    def name_round(self) -> Assignment:
        """Hand the round (read with the checklist) the count that
        ``with_round_kind_count()`` read, as ``with_kind_count()`` would have
        given it, so ``round.kind_name`` asks nothing more."""
        count = getattr(self, "round_kind_rounds", None)
        if count and Assignment.round.is_cached(self):
            self.round.same_kind_rounds = count
        return self

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def get_candidate_url(self) -> str:
        return reverse("me:checklist", args=[self.pk])


class ItemMark(models.TextChoices):
    NONE = "", "Not reviewed"
    OK = "ok", "OK"
    NEEDS_WORK = "needs_work", "Needs work"


def overdue_q(today, now, prefix: str = "") -> Q:
    """The SQL form of "overdue" (``AssignmentQuerySet.overdue``); ``prefix``
    reaches the checklists through a relation ("candidates__assignments__"),
    for an aggregate's filter."""
    return Q(**{f"{prefix}due_date__lt": today, f"{prefix}status__in": Assignment.EDITABLE}) & (
        Q(**{f"{prefix}round__scheduled_at__isnull": True})
        | Q(**{f"{prefix}round__scheduled_at__gt": now})
    )


def _item_complete_q(prefix: str = "") -> Q:
    """The SQL form of AssignmentItem.is_complete; ``prefix`` reaches the items
    through a relation ("items__")."""
    return (
        (Q(**{f"{prefix}kind": ItemKind.TEXT}) & ~Q(**{f"{prefix}response_text": ""}))
        | (Q(**{f"{prefix}kind": ItemKind.CHECK}) & Q(**{f"{prefix}done": True}))
        | (Q(**{f"{prefix}kind": ItemKind.EMAIL}) & ~Q(**{f"{prefix}email_body": ""}))
    )


class AssignmentItemQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "assignment__candidate"

    def for_candidate_user(self, user) -> AssignmentItemQuerySet:
        """Items of the candidate's own, never withdrawn, checklists."""
        return (
            super().for_candidate_user(user).exclude(assignment__status=Assignment.Status.WITHDRAWN)
        )

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
