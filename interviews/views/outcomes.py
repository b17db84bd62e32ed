"""Outcomes over a period and the caseload as CSV: a coach's own candidates
(/coach/outcomes/, /coach/export.csv), and for a practice's lead every
member's (/practice/outcomes/, /practice/export.csv). The rules behind the
figures are in selectors/outcomes.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from ..access import coach_required, lead_membership
from ..forms.outcomes import PeriodForm
from ..lib import spreadsheets
from ..selectors import outcomes as outcomes_selectors
from ..selectors import practices as practices_selectors


def _period_form(request: HttpRequest) -> PeriodForm:
    return PeriodForm(request.GET, today=timezone.localdate())


@coach_required
def coach_outcomes(request: HttpRequest) -> HttpResponse:
    form = _period_form(request)
    figures = (
        outcomes_selectors.coach_figures(request.user, form.period()) if form.is_valid() else None
    )
    return render(
        request,
        "interviews/outcomes/page.html",
        {
            "form": form,
            "figures": figures,
            "period": form.period() if figures else None,
            "practice": None,
            "export_url": reverse("coach:export"),
            "too_few": outcomes_selectors.TOO_FEW,
        },
    )


@coach_required
def practice_outcomes(request: HttpRequest) -> HttpResponse:
    membership = lead_membership(request)
    form = _period_form(request)
    result = (
        outcomes_selectors.practice_figures(membership.practice, form.period())
        if form.is_valid()
        else None
    )
    return render(
        request,
        "interviews/outcomes/page.html",
        {
            "form": form,
            "figures": result.figures if result else None,
            "coach_rows": result.coaches if result else [],
            "period": form.period() if result else None,
            "practice": membership.practice,
            "export_url": reverse("practice:export"),
            "too_few": outcomes_selectors.TOO_FEW,
        },
    )


def _csv_download(rows, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response.write("\ufeff")
    spreadsheets.write_csv(response, outcomes_selectors.CSV_HEADER, rows)
    return response


@coach_required
def coach_export(request: HttpRequest) -> HttpResponse:
    """The coach's candidates, opportunities, rounds and outcomes, one row per round."""
    rows = outcomes_selectors.caseload_rows([request.user], now=timezone.now())
    return _csv_download(rows, "coachsite-caseload")


@coach_required
def practice_export(request: HttpRequest) -> HttpResponse:
    """The same for every coach of the lead's practice."""
    membership = lead_membership(request)
    coaches = [member.user for member in practices_selectors.practice_members(membership.practice)]
    rows = outcomes_selectors.caseload_rows(coaches, now=timezone.now())
    return _csv_download(rows, "coachsite-practice-caseload")
