"""The interview brief, one page to take along: printable in the browser and
as a PDF made on the server. One implementation, an entry point per side: each
loads the round through its own access helper."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header

from ..access import candidate_required, coach_required, round_for_candidate, round_for_coach
from ..lib import pdf
from ..models import InterviewRound
from ..selectors import brief

# The URL namespace of each side.
COACH, CANDIDATE = "coach", "me"


def _context(round: InterviewRound, side: str) -> dict:
    return {
        "brief": brief.round_brief(round),
        "for_coach": side == COACH,
        "round": round,
        "opportunity": round.opportunity,
        "candidate": round.opportunity.candidate,
        "round_url": reverse(
            "coach:round_detail" if side == COACH else "me:round", args=[round.pk]
        ),
        "brief_url": reverse(f"{side}:round_brief", args=[round.pk]),
        "pdf_url": reverse(f"{side}:round_brief_pdf", args=[round.pk]),
    }


def _page(request: HttpRequest, round: InterviewRound, side: str) -> HttpResponse:
    return render(request, "interviews/brief/page.html", _context(round, side))


def _pdf(request: HttpRequest, round: InterviewRound, side: str) -> HttpResponse:
    context = _context(round, side)
    html = render_to_string("interviews/brief/pdf.html", context, request=request)
    try:
        data = pdf.html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    except pdf.PdfUnavailable:
        return render(request, "interviews/brief/pdf_unavailable.html", context, status=503)
    return HttpResponse(
        data,
        content_type="application/pdf",
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=context["brief"].pdf_filename()
            )
        },
    )


@coach_required
def coach_brief(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, round_for_coach(request, pk), COACH)


@coach_required
def coach_brief_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, round_for_coach(request, pk), COACH)


@candidate_required
def candidate_brief(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, round_for_candidate(request, pk), CANDIDATE)


@candidate_required
def candidate_brief_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf(request, round_for_candidate(request, pk), CANDIDATE)
