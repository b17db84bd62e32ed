"""Word-level diffs of checklist answers, for the coach's "changed since the last review".

A unified diff of lines is unreadable for prose, so answers are compared word by
word (whitespace kept as its own token, so line breaks survive) and rendered as
escaped HTML with <del> for removed and <ins> for added words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..models import ItemKind

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")


def tokens(text: str) -> list[str]:
    """Words, punctuation and the whitespace between them; joined, they give the text back."""
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> SafeString:
    """``new`` as escaped HTML: words removed since ``old`` in <del>, added ones in <ins>."""
    before, after = tokens(old), tokens(new)
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed = escape("".join(before[i1:i2]))
        added = escape("".join(after[j1:j2]))
        if op == "equal":
            parts.append(added)
            continue
        if op in ("delete", "replace") and removed:
            parts.append(f"<del>{removed}</del>")
        if op in ("insert", "replace") and added:
            parts.append(f"<ins>{added}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece above is escaped


@dataclass
class FieldChange:
    label: str
    html: SafeString


def _yes_no(done: bool) -> str:
    return "Done" if done else "Not done"


def response_changes(kind: str, old: dict, new: dict) -> list[FieldChange]:
    """What changed between two responses of an item, field by field (empty when nothing did)."""
    if kind == ItemKind.CHECK:
        fields = [("done", "Task"), ("response_text", "Note")]
    elif kind == ItemKind.EMAIL:
        fields = [("email_to", "To"), ("email_subject", "Subject"), ("email_body", "Body")]
    else:
        fields = [("response_text", "Answer")]
    changes = []
    for name, label in fields:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name == "done":
            html = format_html(
                "<del>{}</del> <ins>{}</ins>", _yes_no(bool(before)), _yes_no(bool(after))
            )
        else:
            html = word_diff(before or "", after or "")
        changes.append(FieldChange(label=label, html=html))
    return changes


#: A frozen story's parts as the review page names them, in its order.
STORY_FIELDS = (
    ("title", "Title"),
    ("situation", "Situation"),
    ("task", "Task"),
    ("action", "Action"),
    ("result", "Result"),
    ("measurable_result", "Measurable result"),
    ("learned", "What I learned"),
    ("tags", "Tags"),
)


def story_changes(old: dict, new: dict) -> list[FieldChange]:
    """What changed between two frozen copies of a story, part by part (the
    tags as one comma-separated text); empty when nothing did."""
    return [
        FieldChange(label=label, html=word_diff(old.get(name) or "", new.get(name) or ""))
        for name, label in STORY_FIELDS
        if (old.get(name) or "") != (new.get(name) or "")
    ]
