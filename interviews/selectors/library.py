"""Reads of the library: the question bank and templates each coach may see,
with their rights.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    Q,
    QuerySet,
    Value,
    When,
)

from ..models import (
    Assignment,
    ChecklistTemplate,
    InterviewRound,
    PracticeMembership,
    Question,
    User,
    practice_ids_of,
)

# ---------------------------------------------------------------- question bank and templates


def with_library_rights(qs: QuerySet, user: User) -> QuerySet:
    """Questions or templates with their owner and practice loaded, and what
    ``user`` may do with each, as annotations (no query per row):
    ``can_edit`` (their own, or as lead what the practice shares),
    ``can_share`` (their own, not shared yet, and they belong to a practice) and
    ``can_unshare`` (shared, and they are its owner or the practice's lead)."""
    led = practice_ids_of(user, lead=True)
    return qs.select_related("owner", "practice").annotate(
        can_edit=ExpressionWrapper(Q(owner=user) | Q(practice__in=led), BooleanField()),
        can_share=ExpressionWrapper(
            Q(owner=user, practice__isnull=True)
            & Q(Exists(PracticeMembership.objects.filter(user=user))),
            BooleanField(),
        ),
        can_unshare=ExpressionWrapper(
            Q(owner=user, practice__isnull=False) | Q(practice__in=led), BooleanField()
        ),
    )


def question_bank(user: User) -> QuerySet[Question]:
    """Built-ins, the coach's own and their practice's questions (retired ones
    too), in bank order, with what the coach may do with each."""
    return with_library_rights(Question.objects.visible_to(user), user).in_bank_order()


def questions_to_add(user: User) -> QuerySet[Question]:
    """What "Add from the question bank" offers: built-ins, own and the
    practice's, not retired."""
    return Question.objects.visible_to(user).filter(retired=False).in_bank_order()


def _library_group(user: User) -> Case:
    """Sorts the coach's own first (0), their practice's next (1), built-ins last (2)."""
    return Case(
        When(owner=user, then=Value(0)),
        When(owner__isnull=True, then=Value(2)),
        default=Value(1),
    )


def template_list(user: User) -> QuerySet[ChecklistTemplate]:
    """The coach's own templates first, then their practice's, then the
    built-ins, each with ``item_count`` and what the coach may do with it."""
    return (
        with_library_rights(ChecklistTemplate.objects.visible_to(user), user)
        .annotate(item_count=Count("items"))
        .order_by(_library_group(user), "title", "id")
    )


def templates_to_assign(user: User) -> QuerySet[ChecklistTemplate]:
    """What the assign form offers: own, the practice's, built-ins, in that order."""
    return (
        ChecklistTemplate.objects.visible_to(user)
        .select_related("owner", "practice")
        .order_by(_library_group(user), "title", "id")
    )


def library_template(user: User, template: ChecklistTemplate) -> ChecklistTemplate:
    """One template the coach may see (checked by the access helper first), as
    the list shows it: owner, practice and the coach's rights loaded."""
    return with_library_rights(ChecklistTemplate.objects.filter(pk=template.pk), user).get()


def template_for_round(coach: User, round: InterviewRound) -> ChecklistTemplate | None:
    """The template the assign form preselects for a round: the one the coach
    last assigned for a round of the same kind (if they can still see it),
    else the built-in suggested for that kind, else none."""
    visible = ChecklistTemplate.objects.visible_to(coach)
    last = (
        Assignment.objects.for_coach(coach)
        .filter(round__kind=round.kind, template__in=visible)
        .select_related("template")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is not None:
        return last.template
    return visible.builtin().filter(round_kind=round.kind).order_by("title", "id").first()


def visible_template(coach: User, pk: int) -> ChecklistTemplate | None:
    return ChecklistTemplate.objects.visible_to(coach).filter(pk=pk).first()
