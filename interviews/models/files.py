"""Private files: evidence a candidate attaches to a checklist item (a
portfolio PDF, a scanned certificate). The bytes live in the "private"
storage (settings.STORAGES) under a random key; the row keeps the original
name as data only, and the type as sniffed from the content
(interviews/lib/files.py). Files are served only by views that run an access
helper first (views/files.py).

One model for item files rather than a general "PrivateFile" with optional
owners: every file today hangs on an item, and the candidate record (the
quota, erasure and the export) is denormalised onto it so those read one
table. The adds and removals are kept as ``ItemFileEvent`` rows, which the
review's history lists beside the answer's revisions.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .accounts import User
from .caseload import Candidate, OwnedByCandidateQuerySet
from .checklists import AssignmentItem


class ItemFileQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "candidate"


class ItemFile(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="files")
    item = models.ForeignKey(AssignmentItem, on_delete=models.CASCADE, related_name="files")
    # Random (lib.files.new_key); never shown in a page or an address.
    key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ItemFileQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="interviews_itemfile_not_empty"),
        ]
        indexes = [
            # The quota: the sum of a candidate record's sizes.
            models.Index(fields=["candidate", "size"], name="itemfile_candidate_size_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/webp"}

    def get_candidate_url(self) -> str:
        return reverse("me:file", args=[self.pk])

    def get_coach_url(self) -> str:
        return reverse("coach:file", args=[self.pk])

    def get_lead_url(self) -> str:
        return reverse("practice:file", args=[self.pk])


class ItemFileAction(models.TextChoices):
    ADDED = "added", "added"
    REMOVED = "removed", "removed"


class ItemFileEvent(models.Model):
    """ "added <name>" / "removed <name>" in an item's history."""

    Action = ItemFileAction

    item = models.ForeignKey(AssignmentItem, on_delete=models.CASCADE, related_name="file_events")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    name = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ItemFileAction.values),
                name="interviews_itemfileevent_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.name}"
