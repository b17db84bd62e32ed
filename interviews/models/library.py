"""The library: the question bank and checklist templates (built-in, a coach's
own, shared with a practice).
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from ..validators import validate_single_line
from .accounts import User
from .practices import Practice, practice_ids_of
from .rounds import InterviewRound

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
