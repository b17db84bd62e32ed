"""Rehearsal takes: an answer said out loud, recorded in the browser (or
uploaded as an audio file) against a timer, on a written-answer item of a
checklist or on a story. The bytes live in the "private" storage under a
random ``takes/…`` key (interviews/lib/files.py), like item files; the row
keeps the sniffed type, the size and what the browser reported.

The candidate record is denormalised onto the take, as on ItemFile, so the
quota (shared with item files), erasure and the data export read one table.
One take per item (or story) may be marked "for my coach"; the coach's
comment on it is stored on the take.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .accounts import User
from .caseload import Candidate, OwnedByCandidateQuerySet
from .checklists import AssignmentItem
from .stories import Story

#: The longest duration stored, in seconds: a take is at most a few minutes,
#: and a browser's report beyond this is not believed.
MAX_TAKE_SECONDS = 60 * 60


class RehearsalTimer(models.IntegerChoices):
    NONE = 0, "No timer"
    ONE = 60, "1 minute"
    TWO = 120, "2 minutes"
    THREE = 180, "3 minutes"


class RehearsalTakeQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "candidate"

    def sent_to_coach(self) -> RehearsalTakeQuerySet:
        """The takes marked "for my coach": the only ones the coach (and the
        practice lead) may hear."""
        return self.filter(for_coach=True)


class RehearsalTake(models.Model):
    Timer = RehearsalTimer

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="takes")
    item = models.ForeignKey(
        AssignmentItem, on_delete=models.CASCADE, null=True, blank=True, related_name="takes"
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, null=True, blank=True, related_name="takes"
    )
    # Random (lib.files.new_key("takes")); never shown in a page or an address.
    key = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # As the browser reported it (clamped); None for an upload without a player.
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    timer_seconds = models.PositiveSmallIntegerField(
        choices=RehearsalTimer.choices, default=RehearsalTimer.NONE
    )
    for_coach = models.BooleanField(default=False)
    coach_comment = models.TextField(blank=True, max_length=5000)
    comment_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RehearsalTakeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(item__isnull=False) & Q(story__isnull=True))
                | (Q(item__isnull=True) & Q(story__isnull=False)),
                name="interviews_rehearsaltake_item_xor_story",
            ),
            models.CheckConstraint(
                condition=Q(size__gt=0), name="interviews_rehearsaltake_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(timer_seconds__in=RehearsalTimer.values),
                name="interviews_rehearsaltake_timer_valid",
            ),
            models.CheckConstraint(
                condition=Q(duration_seconds__isnull=True)
                | Q(duration_seconds__lte=MAX_TAKE_SECONDS),
                name="interviews_rehearsaltake_duration_sane",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(for_coach=True, item__isnull=False),
                name="interviews_rehearsaltake_one_for_coach_per_item",
            ),
            models.UniqueConstraint(
                fields=["story"],
                condition=Q(for_coach=True, story__isnull=False),
                name="interviews_rehearsaltake_one_for_coach_per_story",
            ),
        ]
        indexes = [
            # The quota: the sum of a candidate record's sizes (with ItemFile's).
            models.Index(fields=["candidate", "size"], name="take_candidate_size_idx"),
            # The retention sweep: takes older than the cutoff.
            models.Index(fields=["created_at"], name="take_created_idx"),
        ]

    def __str__(self) -> str:
        on = f"item {self.item_id}" if self.item_id else f"story {self.story_id}"
        return f"Take {self.pk} of {on}"

    def clean(self) -> None:
        if (self.item_id is None) == (self.story_id is None):
            raise ValidationError("A take is of a checklist item or of a story, not both.")

    @property
    def name(self) -> str:
        """The download's name (views/files.py ``serve``): the date and the type."""
        extension = {
            "audio/webm": "webm",
            "audio/ogg": "ogg",
            "audio/mp4": "m4a",
            "audio/wav": "wav",
        }.get(self.content_type, "audio")
        return f"rehearsal-{self.created_at:%Y-%m-%d-%H%M}.{extension}"

    @property
    def duration_words(self) -> str:
        """ "1:02", or "" when the length is not known."""
        if self.duration_seconds is None:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"

    @property
    def timer_words(self) -> str:
        """ "2-minute timer", "no timer"."""
        if not self.timer_seconds:
            return "no timer"
        return f"{self.timer_seconds // 60}-minute timer"

    @property
    def over_time(self) -> bool:
        return bool(
            self.timer_seconds
            and self.duration_seconds is not None
            and self.duration_seconds > self.timer_seconds
        )

    def get_candidate_url(self) -> str:
        return reverse("me:take", args=[self.pk])

    def get_coach_url(self) -> str:
        return reverse("coach:take", args=[self.pk])

    def get_lead_url(self) -> str:
        return reverse("practice:take", args=[self.pk])
