"""The library: retiring, restoring and copying questions, copying and editing
templates, sharing both with the practice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db import transaction

from ..models import (
    ChecklistTemplate,
    ItemKind,
    PracticeMembership,
    PracticeRole,
    Question,
    TemplateItem,
    User,
)
from . import NotAllowed, WrongState
from .practices import membership_of

# ---------------------------------------------------------------- question bank and templates


def check_visible(obj: Question | ChecklistTemplate, by: User) -> None:
    """A built-in, the coach's own or one their practice shares; else NotAllowed."""
    if obj.owner_id in (None, by.pk):
        return
    if not type(obj).objects.visible_to(by).filter(pk=obj.pk).exists():
        raise NotAllowed("You can only use built-ins, your own and your practice's.")


def _check_editable(obj: Question | ChecklistTemplate, by: User, what: str) -> None:
    """Its owner edits it; so does the lead of the practice it is shared with."""
    if obj.owner_id is None:
        raise NotAllowed(f"Built-in {what}s are read-only. Copy it first.")
    if obj.owner_id != by.pk and not (
        obj.practice_id is not None
        and PracticeMembership.objects.filter(
            user=by, practice_id=obj.practice_id, role=PracticeRole.LEAD
        ).exists()
    ):
        raise NotAllowed(f"You can only change your own {what}s.")


def _lock_own_question(question: Question, by: User) -> Question:
    """Re-read the question with its row locked; only its owner (or the lead
    of the practice it is shared with) may change it."""
    locked = Question.objects.select_for_update().get(pk=question.pk)
    _check_editable(locked, by, "question")
    return locked


@transaction.atomic
def question_retire(*, question: Question, by: User) -> Question:
    """Hide one of the coach's own questions from the bank. Templates and
    checklists that hold it keep their items."""
    question = _lock_own_question(question, by)
    if question.retired:
        raise WrongState(f"“{question.prompt}” was already retired.")
    question.retired = True
    question.save(update_fields=["retired"])
    return question


@transaction.atomic
def question_restore(*, question: Question, by: User) -> Question:
    """Put a retired question of the coach's back in their bank."""
    question = _lock_own_question(question, by)
    if not question.retired:
        raise WrongState(f"“{question.prompt}” is already in your bank.")
    question.retired = False
    question.save(update_fields=["retired"])
    return question


@transaction.atomic
def question_copy(*, question: Question, by: User) -> Question:
    """A coach-owned, editable copy of a built-in or own question."""
    check_visible(question, by)
    return Question.objects.create(
        owner=by,
        prompt=question.prompt,
        guidance=question.guidance,
        category=question.category,
        round_kind=question.round_kind,
    )


@transaction.atomic
def template_copy(*, template: ChecklistTemplate, by: User) -> ChecklistTemplate:
    """A coach-owned, editable copy of a template and its items."""
    check_visible(template, by)
    copy = ChecklistTemplate.objects.create(
        owner=by,
        title=f"{template.title} (copy)"[:200],
        description=template.description,
        round_kind=template.round_kind,
        copied_from=template,
    )
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=copy,
            position=item.position,
            kind=item.kind,
            prompt=item.prompt,
            guidance=item.guidance,
            required=item.required,
            question_id=item.question_id,
        )
        for item in template.items.all()
    )
    return copy


#: The kind of item a bank question becomes in a template.
QUESTION_KIND = {
    Question.Category.ASK: ItemKind.TEXT,
    Question.Category.ANSWER: ItemKind.TEXT,
    Question.Category.BRING: ItemKind.CHECK,
    Question.Category.FOLLOW_UP: ItemKind.TEXT,
}


@dataclass(frozen=True)
class TemplateItemData:
    """One item of a template as the editor sends it."""

    id: int | None  # a stored item of the template; None for a new one
    kind: str
    prompt: str
    guidance: str = ""
    required: bool = True
    question_id: int | None = None


@transaction.atomic
def template_save(
    *,
    template: ChecklistTemplate,
    by: User,
    title: str,
    description: str,
    round_kind: str,
    items: Sequence[TemplateItemData],
    removed: Collection[int] = (),
) -> ChecklistTemplate:
    """Save one of the coach's own templates as the editor sent it: the title,
    and the ``items`` in the order given, numbered 1..n; the ``removed`` items
    are deleted.

    Built-ins and other coaches' templates are refused. A stored item that was
    neither sent nor removed (added in another tab meanwhile) is kept, after the
    sent ones. Refused, with nothing saved: an item that is no longer stored (a
    stale tab), the same item twice, a question not in the coach's bank, and
    more than ``ChecklistTemplate.MAX_ITEMS`` items. Only rows that differ from
    what is stored are written.
    """
    # Every writer of a template's items locks the template row first, so the
    # lock covers the items too.
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    _check_editable(template, by, "template")
    stored = {item.pk: item for item in template.items.all()}
    sent = [row.id for row in items if row.id is not None]
    removed = set(removed)
    if len(set(sent)) != len(sent) or removed.intersection(sent):
        raise WrongState("The same item was sent twice. Nothing was saved: reload the page.")
    if not set(sent) <= set(stored):
        raise WrongState(
            "An item was removed elsewhere since you opened this page. Nothing was saved: "
            "reload the page to see the current items."
        )
    unsent = [item for pk, item in stored.items() if pk not in removed and pk not in sent]
    total = len(items) + len(unsent)
    if total > ChecklistTemplate.MAX_ITEMS:
        raise WrongState(
            f"A template can have at most {ChecklistTemplate.MAX_ITEMS} items; "
            f"this one would have {total}."
        )
    for row in items:
        if row.kind not in ItemKind.values:
            raise ValueError(f"Unknown item kind {row.kind!r}")
    linked = {
        row.question_id
        for row in items
        if row.question_id is not None
        and (row.id is None or row.question_id != stored[row.id].question_id)
    }
    if linked and Question.objects.visible_to(by).filter(pk__in=linked).count() != len(linked):
        raise NotAllowed("Some of the questions sent are not in your bank.")

    if removed:
        TemplateItem.objects.filter(template=template, pk__in=removed).delete()
    new, changed = [], []
    for position, row in enumerate(items, start=1):
        values = {
            "position": position,
            "kind": row.kind,
            "prompt": row.prompt,
            "guidance": row.guidance,
            "required": row.required,
            "question_id": row.question_id,
        }
        if row.id is None:
            new.append(TemplateItem(template=template, **values))
            continue
        item = stored[row.id]
        if any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            changed.append(item)
    for position, item in enumerate(unsent, start=len(items) + 1):
        if item.position != position:
            item.position = position
            changed.append(item)
    TemplateItem.objects.bulk_create(new)
    TemplateItem.objects.bulk_update(
        changed, ["position", "kind", "prompt", "guidance", "required", "question"]
    )
    template.title = title
    template.description = description
    template.round_kind = round_kind
    template.save(update_fields=["title", "description", "round_kind", "updated_at"])
    return template


@transaction.atomic
def library_share(
    *, obj: Question | ChecklistTemplate, by: User, shared: bool
) -> Question | ChecklistTemplate:
    """Share one of the coach's questions or templates with their practice,
    or stop sharing it (its owner or the practice's lead). Checklists already
    assigned from it are copies and do not change."""
    model = type(obj)
    what = "question" if model is Question else "template"
    obj = model.objects.select_for_update(of=("self",)).get(pk=obj.pk)
    if obj.owner_id is None:
        raise NotAllowed(f"Built-in {what}s are in every coach's library already.")
    if shared:
        if obj.owner_id != by.pk:
            raise NotAllowed(f"Only its owner can share a {what}.")
        membership = membership_of(by)
        if membership is None:
            raise WrongState("Join or create a practice to share with it.")
        if obj.practice_id == membership.practice_id:
            raise WrongState(f"This {what} is already shared with {membership.practice}.")
        obj.practice = membership.practice
    else:
        if obj.practice_id is None:
            raise WrongState(f"This {what} is not shared.")
        _check_editable(obj, by, what)
        obj.practice = None
    obj.save(update_fields=["practice"])
    return obj
