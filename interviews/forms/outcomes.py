"""The outcomes pages' period: from / to dates in the query string."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import dateformat

from ..selectors.outcomes import Period

#: Dates outside these are typing mistakes; they also keep the period's
#: bounds far from the calendar's ends when turned into times.
EARLIEST = datetime.date(2000, 1, 1)
LATEST = datetime.date(2099, 12, 31)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PeriodForm(forms.Form):
    """``from`` and ``to`` (both days included, in the user's time zone). Left
    blank: the last 12 months up to today (or up to ``to``). The field
    names are the query string's, so they are added in ``__init__`` (``from``
    is a Python keyword)."""

    def __init__(self, data, *, today: datetime.date):
        data = data.copy()
        if not (data.get("to") or "").strip():
            data["to"] = today.isoformat()
        if not (data.get("from") or "").strip():
            # Twelve months up to the last day asked for (or up to today).
            try:
                end = datetime.date.fromisoformat(data["to"].strip())
            except ValueError:
                end = today
            if not EARLIEST <= end <= LATEST:
                end = today  # "to" gets its error; "from" needs no second one
            data["from"] = Period.last_year(end).start.isoformat()
        super().__init__(data)
        self.fields["from"] = _date_field("From")
        self.fields["to"] = _date_field("To")

    def _clean_day(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            self.add_error(
                name,
                f"Pick a day between {dateformat.format(EARLIEST, 'j M Y')} and "
                f"{dateformat.format(LATEST, 'j M Y')}.",
            )
            return None
        return day

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = self._clean_day("from"), self._clean_day("to")
        if start and end and start > end:
            self.add_error("from", "The first day must not be after the last day.")
        return cleaned

    def period(self) -> Period:
        """The chosen period; call only on a valid form."""
        return Period(start=self.cleaned_data["from"], end=self.cleaned_data["to"])
