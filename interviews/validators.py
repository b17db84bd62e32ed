"""Validators shared by model fields and plain form fields."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError

SINGLE_LINE_MESSAGE = "Use a single line: line breaks and control characters are not allowed here."

# Cc: the C0 and C1 control characters (\r, \n, \t, ESC, DEL, NEL…).
# Zl, Zp: the Unicode line and paragraph separators, which also break lines.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def validate_single_line(value: str) -> None:
    """Refuse line breaks and control characters in a one-line field.

    A name or subject with a line break can rewrite an email's headers or
    first lines, and a control character is never something a person meant
    to type into a one-line box.
    """
    if any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")
