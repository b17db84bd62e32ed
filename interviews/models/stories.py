"""The story bank: a candidate's examples (situation, task, action, result),
their competency tags, every saved version and the conversation about each.

A story belongs to one candidate record, like everything else of a
candidate's, so the isolation between coaches is the record's: a person who
is the client of two coaches has two banks, and copies a story from one to
the other explicitly (services/stories.py ``story_copy``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from ..lib.writing import speaking_seconds
from ..validators import validate_single_line
from .accounts import User
from .caseload import Candidate, OwnedByCandidateQuerySet
from .checklists import AssignmentItem

# ---------------------------------------------------------------- tags

#: The built-in competency tags, in the order pages list them: what second-
#: round interviewers most often ask an example for. Their slugs are stable
#: (links use them: ``/me/stories/?tag=ownership``); migration 0013 installs
#: them (with its own frozen copy of this list), and a later change to the
#: list needs its own data migration, as the built-in library's do.
BUILTIN_TAGS: tuple[tuple[str, str], ...] = (
    ("leadership", "Leadership"),
    ("ownership", "Ownership"),
    ("conflict", "Conflict"),
    ("failure-and-recovery", "Failure and recovery"),
    ("teamwork", "Teamwork"),
    ("influence", "Influence"),
    ("customer-focus", "Customer focus"),
    ("analysis-and-data", "Analysis and data"),
    ("delivery-under-pressure", "Delivery under pressure"),
    ("learning-fast", "Learning fast"),
)


class StoryTagQuerySet(models.QuerySet):
    def builtin(self) -> StoryTagQuerySet:
        return self.filter(owner__isnull=True)

    def for_coach(self, coach) -> StoryTagQuerySet:
        """The tags a coach's candidates can use: the built-ins and the coach's own."""
        return self.filter(Q(owner__isnull=True) | Q(owner=coach))

    def for_coach_ids(self, coach_ids) -> StoryTagQuerySet:
        """The built-ins and the own tags of any of these coaches (a person
        who is the client of several)."""
        return self.filter(Q(owner__isnull=True) | Q(owner__in=coach_ids))


class StoryTag(models.Model):
    """A competency: built-in (``owner`` empty, installed by migration 0013)
    or a coach's own, which the coach's candidates can put on their stories."""

    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="story_tags"
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=60, validators=[validate_single_line])
    # The built-ins' place in BUILTIN_TAGS; a coach's own come after, by name.
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = StoryTagQuerySet.as_manager()

    class Meta:
        ordering = [F("owner").asc(nulls_first=True), "position", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(owner__isnull=True),
                name="interviews_storytag_builtin_slug_unique",
            ),
            models.UniqueConstraint(
                fields=["owner", "slug"],
                condition=Q(owner__isnull=False),
                name="interviews_storytag_own_slug_unique",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="interviews_storytag_slug_set"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


# ---------------------------------------------------------------- stories


class StoryQuerySet(OwnedByCandidateQuerySet):
    candidate_path = "candidate"

    def live(self) -> StoryQuerySet:
        """Not archived: the bank's list, and what the coach's page counts."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> StoryQuerySet:
        return self.filter(archived_at__isnull=False)

    def tagged(self, slug: str) -> StoryQuerySet:
        return self.filter(tags__slug=slug).distinct()


class Story(models.Model):
    """One example of the candidate's, told as situation, task, action, result."""

    #: The parts spoken aloud, in order (the speaking time counts these).
    STAR_FIELDS = ("situation", "task", "action", "result")
    #: Everything a revision keeps (with the tags).
    CONTENT_FIELDS = ("title", *STAR_FIELDS, "learned", "measurable_result")

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="stories")
    title = models.CharField(
        max_length=120,
        validators=[validate_single_line],
        help_text="A few words you will recognise it by, e.g. “Rescued the Q3 launch”.",
    )
    situation = models.TextField(blank=True, max_length=5000)
    task = models.TextField(blank=True, max_length=5000)
    action = models.TextField(blank=True, max_length=5000)
    result = models.TextField(blank=True, max_length=5000)
    learned = models.TextField("what I learned", blank=True, max_length=5000)
    measurable_result = models.CharField(
        "measurable result",
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text="Optional: one number or observable change, e.g. “cut churn 12 %”.",
    )
    tags = models.ManyToManyField(StoryTag, blank=True, related_name="stories")
    archived_at = models.DateTimeField(null=True, blank=True)
    # Marked by the candidate's coach: "this one is strong, use it".
    strong_at = models.DateTimeField(null=True, blank=True)
    strong_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the story's text or tags last changed (not its marks): "last change".
    updated_at = models.DateTimeField(default=timezone.now)
    # Optimistic locking: an edit names the version it started from.
    version = models.PositiveIntegerField(default=1)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name_plural = "stories"
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="interviews_story_title_set"),
            models.CheckConstraint(
                condition=Q(strong_by__isnull=True) | Q(strong_at__isnull=False),
                name="interviews_story_strong_has_time",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="interviews_story_version_set"
            ),
        ]
        indexes = [
            # /me/stories/ and the coach's candidate page: a record's live
            # stories, last changed first.
            models.Index(
                fields=["candidate", "archived_at", "-updated_at"], name="story_cand_arch_upd_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coach:story", args=[self.pk])

    def get_candidate_url(self) -> str:
        return reverse("me:story", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_strong(self) -> bool:
        return self.strong_at is not None

    @property
    def spoken_text(self) -> str:
        return "\n".join(getattr(self, name) for name in self.STAR_FIELDS)

    @property
    def speaking_seconds(self) -> int:
        """About how long telling situation, task, action and result takes."""
        return speaking_seconds(self.spoken_text)

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}


class StoryRevision(models.Model):
    """A story as it stood after one save: its text and the names of its tags
    (a tag renamed or deleted later does not change what was saved), who
    saved it and when. Version 1 is the story as created."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    story_version = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    learned = models.TextField(blank=True)
    measurable_result = models.CharField(max_length=200, blank=True)
    tag_names = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["story_id", "-story_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "story_version"], name="interviews_storyrevision_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.story_version} of story {self.story_id}"

    def content(self) -> dict:
        return {name: getattr(self, name) for name in Story.CONTENT_FIELDS}


class StoryComment(models.Model):
    """A note on a story by the candidate or their coach: a conversation."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # A story's page: its comments, oldest first.
            models.Index(fields=["story", "created_at"], name="storycomment_story_created_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="interviews_storycomment_body_set"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


# ---------------------------------------------------------------- stories in checklists


class ItemStory(models.Model):
    """A story a written-answer item of a checklist uses (an item can use
    several: "two examples"). Live: what the fill page shows while the
    checklist is editable; a submit freezes it into SubmittedStory."""

    item = models.ForeignKey(AssignmentItem, on_delete=models.CASCADE, related_name="story_links")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="item_links")
    # The order the candidate added them in: the first example first.
    position = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "story"], name="interviews_itemstory_item_story_unique"
            ),
        ]
        indexes = [
            # selectors.stories.used_in: where each of a list of stories is used.
            models.Index(fields=["story", "item"], name="itemstory_story_item_idx"),
        ]

    def __str__(self) -> str:
        return f"Story {self.story_id} in item {self.item_id}"


class SubmittedStory(models.Model):
    """A story as it stood when its checklist was submitted: what the coach
    reviewed, kept even if the story is edited, archived or deleted later
    (``story`` then empty). One row per story used per item per submission;
    ``submitted_at`` is that submission's ``Assignment.submitted_at``."""

    item = models.ForeignKey(
        AssignmentItem, on_delete=models.CASCADE, related_name="submitted_stories"
    )
    story = models.ForeignKey(
        Story, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()
    position = models.PositiveSmallIntegerField(default=1)
    story_version = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    situation = models.TextField(blank=True)
    task = models.TextField(blank=True)
    action = models.TextField(blank=True)
    result = models.TextField(blank=True)
    learned = models.TextField(blank=True)
    measurable_result = models.CharField(max_length=200, blank=True)
    tag_names = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["item_id", "submitted_at", "position", "id"]
        indexes = [
            # The review page and the candidate's read-only checklist: an
            # item's stories per submission.
            models.Index(fields=["item", "submitted_at"], name="substory_item_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (submitted {self.submitted_at:%Y-%m-%d %H:%M})"

    def content(self) -> dict:
        return {name: getattr(self, name) for name in Story.CONTENT_FIELDS}

    @property
    def spoken_text(self) -> str:
        return "\n".join(getattr(self, name) for name in Story.STAR_FIELDS)

    @property
    def speaking_seconds(self) -> int:
        return speaking_seconds(self.spoken_text)
