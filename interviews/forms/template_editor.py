"""The template editor's buttons that change the unsaved form, not the database.

"Move up", "Move down", "Remove", "Undo" and "Add ticked questions" are
submit buttons of the editor's one <form>, so they work without JavaScript and
carry every unsaved edit with them. Each rewrites the posted data (``rearrange``)
and the page comes back with the edited, reordered form; only "Save" writes.
Nothing here validates the items: a half-typed item elsewhere must not stop a
move, and its errors show when the coach saves.

``editor_rows`` lays the bound or unbound formset out in the order of its
position numbers, under the guide's sections, for the template and the script.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.forms.utils import ErrorDict
from django.http import QueryDict

from ..models import ChecklistTemplate, ItemKind, Question
from ..selectors.sections import GuideSection, SectionRun, guide_section, in_sections
from ..services.library import QUESTION_KIND
from .library import AddQuestionsForm, chosen_order_key

MOVE = "move"
REMOVE = "remove"
RESTORE = "restore"
ADD = "add_from_bank"
#: The buttons that rearrange the unsaved form, in the order they are looked for.
ACTIONS = (MOVE, REMOVE, RESTORE, ADD)
UNSAVED = "Nothing is saved until you press Save."


class Refused(Exception):
    """A rearranging button that cannot be done (stale or tampered): the form
    is sent back as it was."""


@dataclass
class Change:
    """What a button did to the posted form."""

    data: QueryDict
    message: str
    focus: str = ""  # the id of the element to focus on the re-rendered page


def action_of(post: QueryDict) -> tuple[str, str] | None:
    """The rearranging button pressed (its name and value), or None for Save."""
    for name in ACTIONS:
        if name in post:
            return name, post.get(name, "")
    return None


def _truthy(values: list[str]) -> bool:
    return bool(values) and forms.BooleanField().to_python(values[-1])


def _number(values: list[str]) -> int | None:
    try:
        return int(values[-1]) if values else None
    except ValueError:
        return None


@dataclass
class _Row:
    """One item's posted fields, by field name without the prefix."""

    existing: bool
    index: int
    values: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> str:
        values = self.values.get(name) or [""]
        return values[-1]

    @property
    def order(self) -> int | None:
        return _number(self.values.get(ORDERING_FIELD_NAME, []))

    @property
    def removed(self) -> bool:
        return self.existing and _truthy(self.values.get(DELETION_FIELD_NAME, []))

    @property
    def blank(self) -> bool:
        return not self.existing and not self.get("prompt").strip()


def rearrange(
    data: QueryDict,
    *,
    prefix: str,
    initial: int,
    total: int,
    action: tuple[str, str],
    add_form: AddQuestionsForm | None = None,
    sections: dict[int, GuideSection] | None = None,
    template_pk: int,
) -> Change:
    """The posted editor data with one button's change made, positions renumbered 1..n.

    ``initial`` and ``total`` are the formset's (already bounded) form counts;
    ``sections`` the guide's section of each row index, for placing added
    questions. Stored items keep their form index (the formset finds them by
    id); new ones are renumbered after them in the order shown.
    """
    rows = [_Row(existing=i < initial, index=i) for i in range(total)]
    others = QueryDict(mutable=True)
    for key, values in data.lists():
        head, _, rest = key.partition("-")
        index, _, name = rest.partition("-")
        if head == prefix and index.isdigit() and name and int(index) < total:
            rows[int(index)].values[name] = values
        elif key not in ACTIONS and key != "questions":
            others.setlist(key, values)
    shown = sorted(
        (row for row in rows if not row.removed and not row.blank),
        key=lambda row: chosen_order_key(row.order, row.index, initial),
    )
    name, value = action
    if name == ADD:
        message, focus_row = _add(rows, shown, add_form, sections or {}, template_pk)
        focus = "prompt"
    else:
        direction, _, raw_index = value.partition(":") if name == MOVE else ("", "", value)
        row = _row_at(rows, raw_index)
        if name == MOVE:
            message, focus = _move(shown, row, direction)
        elif name == REMOVE:
            if row is None or row not in shown:
                raise Refused("That item is not in the list (any more). Nothing was removed.")
            shown.remove(row)
            if row.existing:
                row.values[DELETION_FIELD_NAME] = ["on"]
            else:
                rows.remove(row)
            message, focus = f"Item removed. {UNSAVED}", "undo" if row.existing else ""
        else:  # RESTORE
            if row is None or not row.removed:
                raise Refused("That item is not removed. Nothing was put back.")
            row.values[DELETION_FIELD_NAME] = [""]
            # Back where it was: before the item now holding its old number.
            at = sum(
                1
                for other in shown
                if chosen_order_key(other.order, 0, 0) < chosen_order_key(row.order, 0, 0)
            )
            shown.insert(at, row)
            message, focus = f"Item put back. {UNSAVED}", "remove"
        focus_row = row
    for position, row in enumerate(shown, start=1):
        row.values[ORDERING_FIELD_NAME] = [str(position)]
    new_rows = [row for row in shown if not row.existing] + [row for row in rows if row.blank]
    if not any(row.blank for row in new_rows) and len(shown) < ChecklistTemplate.MAX_ITEMS:
        # Keep a blank row for writing a new item; posted like the page's own
        # blank row, so it counts as untouched.
        new_rows.append(
            _Row(
                existing=False,
                index=-1,
                values={
                    "kind": [ItemKind.TEXT],
                    "required": ["on"],
                    "template": [str(template_pk)],
                },
            )
        )
    for index, row in enumerate(new_rows, start=initial):
        row.index = index
    out = others
    for row in [row for row in rows if row.existing] + new_rows:
        for name_, values in row.values.items():
            out.setlist(f"{prefix}-{row.index}-{name_}", values)
    out[f"{prefix}-TOTAL_FORMS"] = str(initial + len(new_rows))
    target = ""
    if focus_row is not None and focus:
        target = f"{focus}-{focus_row.index}"
        if focus == "up" and shown and shown[0] is focus_row:
            target = f"down-{focus_row.index}"
        elif focus == "down" and shown and shown[-1] is focus_row:
            target = f"up-{focus_row.index}"
    return Change(data=out, message=message, focus=target)


def _row_at(rows: list[_Row], raw_index: str) -> _Row | None:
    if not raw_index.isdigit() or int(raw_index) >= len(rows):
        return None
    return rows[int(raw_index)]


def _move(shown: list[_Row], row: _Row | None, direction: str) -> tuple[str, str]:
    if row is None or row not in shown or direction not in ("up", "down"):
        raise Refused("That item is not in the list (any more). Nothing was moved.")
    at = shown.index(row)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(shown):
        raise Refused(f"That item is already {'first' if direction == 'up' else 'last'}.")
    shown[at], shown[to] = shown[to], shown[at]
    return f"Item moved. {UNSAVED}", direction


def _add(
    rows: list[_Row],
    shown: list[_Row],
    add_form: AddQuestionsForm | None,
    sections: dict[int, GuideSection],
    template_pk: int,
) -> tuple[str, _Row | None]:
    """Add the ticked bank questions as new rows, each after the last item of its section."""
    if add_form is None or not add_form.is_valid():
        errors = add_form.errors.get("questions") if add_form is not None else None
        raise Refused(errors[0] if errors else "Tick at least one question to add.")
    questions: list[Question] = add_form.cleaned_data["questions"]
    if len(shown) + len(questions) > ChecklistTemplate.MAX_ITEMS:
        room = max(ChecklistTemplate.MAX_ITEMS - len(shown), 0)
        raise Refused(
            f"A template can have at most {ChecklistTemplate.MAX_ITEMS} items; this one has "
            f"{len(shown)}, so add at most {room} more."
        )
    section_of = {id(row): sections.get(row.index, GuideSection.OTHER) for row in shown}
    first = None
    for question in questions:
        kind = QUESTION_KIND[question.category]
        section = guide_section(SimpleNamespace(kind=kind, question=question))
        row = _Row(
            existing=False,
            index=-1,
            values={
                "template": [str(template_pk)],
                "kind": [kind],
                "prompt": [question.prompt],
                "guidance": [question.guidance],
                "required": ["on"],
                "bank_question": [str(question.pk)],
            },
        )
        same = [i for i, other in enumerate(shown) if section_of[id(other)] == section]
        shown.insert(same[-1] + 1 if same else len(shown), row)
        section_of[id(row)] = section
        rows.append(row)
        first = first or row
    count = len(questions)
    return f"{count} question{'s' if count != 1 else ''} added. {UNSAVED}", first


# ---------------------------------------------------------------- laying the editor out


@dataclass(frozen=True)
class EditorRow:
    """One item form as the editor shows it."""

    form: forms.Form
    number: int  # 1.. in the order shown
    new: bool
    first: bool
    last: bool
    item: SimpleNamespace  # what ``guide_section`` reads: kind and question
    focus: str = ""  # the control to focus: "up", "down", "remove", "prompt" or ""

    @property
    def index(self) -> str:
        return self.form.prefix.rpartition("-")[2]

    @property
    def section(self) -> GuideSection:
        return guide_section(self.item)


@dataclass(frozen=True)
class RemovedRow:
    form: forms.Form
    focus: bool

    @property
    def index(self) -> str:
        return self.form.prefix.rpartition("-")[2]


@dataclass(frozen=True)
class EditorLayout:
    runs: list[SectionRun[EditorRow]]
    blank: list[forms.Form]  # untouched rows for a new item, at the end
    removed: list[RemovedRow]  # stored items taken out, deleted on Save

    @property
    def rows(self) -> list[EditorRow]:
        return [row for run in self.runs for row in run.rows]


def _value(form: forms.Form, name: str) -> str:
    value = form[name].value() if name in form.fields else None
    return "" if value is None else str(value)


def editor_layout(formset, bank: dict[int, Question], focus: str = "") -> EditorLayout:
    """The formset's forms in position order, cut into the guide's sections.

    A stored item's section follows its question; a new one follows the bank
    question it was added from (``bank`` by pk), if any. ``focus`` names the
    control to focus as ``rearrange`` does ("up-3").
    """
    initial = formset.initial_form_count()
    focus_name, _, focus_index = focus.partition("-")
    kept, blank, removed = [], [], []
    for index, form in enumerate(formset.forms):
        is_new = index >= initial
        if not is_new and forms.BooleanField().to_python(_value(form, DELETION_FIELD_NAME)):
            removed.append(RemovedRow(form=form, focus=focus == f"undo-{index}"))
        elif is_new and not _value(form, "prompt").strip():
            blank.append(form)
        else:
            kept.append((index, form))
    kept.sort(
        key=lambda pair: chosen_order_key(
            _number([_value(pair[1], ORDERING_FIELD_NAME)]), pair[0], initial
        )
    )

    def item_of(index: int, form) -> SimpleNamespace:
        if index < initial:
            question = form.instance.question if form.instance.question_id else None
        else:
            question = bank.get(_number([_value(form, "bank_question")]) or 0)
        return SimpleNamespace(kind=_value(form, "kind"), question=question)

    rows = []
    for number, (index, form) in enumerate(kept, start=1):
        row_focus = focus_name if focus_index == str(index) else ""
        if row_focus == "prompt":
            form.fields["prompt"].widget.attrs["autofocus"] = True
        rows.append(
            EditorRow(
                form=form,
                number=number,
                new=index >= initial,
                first=number == 1,
                last=number == len(kept),
                item=item_of(index, form),
                focus=row_focus,
            )
        )
    runs = in_sections(rows, item_of=lambda row: row.item)
    return EditorLayout(runs=runs, blank=blank, removed=removed)


def sections_by_index(layout: EditorLayout) -> dict[int, GuideSection]:
    """Each shown row's section by its form index, for ``rearrange``'s placing."""
    return {int(row.index): row.section for row in layout.rows}


def without_errors(form: forms.Form, formset) -> None:
    """Show a rearranged form as typed, without running validation: errors
    appear when the coach saves, not when they move an item."""
    form._errors = ErrorDict(renderer=form.renderer)
    formset._non_form_errors = formset.error_class(renderer=formset.renderer)
    formset._errors = []
    for item_form in formset.forms:
        item_form._errors = ErrorDict(renderer=item_form.renderer)
        formset._errors.append(item_form._errors)
