"""CSV that is safe to open in a spreadsheet: no cell starts a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

#: A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula ("=HYPERLINK(…)",
    "+1 555", "@SUM(…)") gets a leading single quote, so it shows as the text
    it is; numbers and other text pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(out, header: list[str], rows: Iterable[list[Any]]) -> None:
    """``header`` and ``rows`` as CSV to the file-like ``out``, every cell
    spreadsheet-safe."""
    writer = csv.writer(out)
    for row in [header, *rows]:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
