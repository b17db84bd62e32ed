"""The interview brief, one page to take along: printable in the browser and
as a PDF made by the worker (services/brief.py). One implementation, an entry
point per side: each loads the round through its own access helper."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from ..access import candidate_required, coach_required, round_for_candidate, round_for_coach
from ..models import BriefPdf, InterviewRound
from ..selectors import brief as brief_selectors
from ..services import brief as brief_services

# The URL namespace of each side.
COACH, CANDIDATE = "coach", "me"
SIDE = {COACH: BriefPdf.Side.COACH, CANDIDATE: BriefPdf.Side.CANDIDATE}
#: How often the "being made" page asks again, in seconds.
REFRESH_SECONDS = 3


def _context(round: InterviewRound, side: str, document: brief_services.BriefDocument) -> dict:
    return brief_services.document_context(round, SIDE[side], brief=document.brief) | {
        "site_url": "",  # the page's links stay on the site it is served from
        "round_url": reverse(
            "coach:round_detail" if side == COACH else "me:round", args=[round.pk]
        ),
        "brief_url": reverse(f"{side}:round_brief", args=[round.pk]),
        "pdf_url": reverse(f"{side}:round_brief_pdf", args=[round.pk]),
    }


def _document(round: InterviewRound, side: str) -> brief_services.BriefDocument:
    return brief_services.brief_document(round=round, side=SIDE[side])


def _page(request: HttpRequest, round: InterviewRound, side: str) -> HttpResponse:
    document = _document(round, side)
    context = _context(round, side, document)
    context["pdf"] = brief_selectors.pdf_state(round, SIDE[side], fingerprint=document.fingerprint)
    return render(request, "interviews/brief/page.html", context)


def _pdf(request: HttpRequest, round: InterviewRound, side: str) -> HttpResponse:
    document = _document(round, side)
    context = _context(round, side, document)
    stored = brief_services.brief_pdf_request(
        round=round,
        side=SIDE[side],
        time_zone=timezone.get_current_timezone_name(),
        fingerprint=document.fingerprint,
    )
    if stored.is_current(document.fingerprint):
        return HttpResponse(
            stored.pdf,
            content_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition_header(
                    as_attachment=True, filename=document.brief.pdf_filename()
                )
            },
        )
    if stored.status == BriefPdf.Status.UNAVAILABLE:
        return render(request, "interviews/brief/pdf_unavailable.html", context, status=503)
    failed = stored.status == BriefPdf.Status.FAILED
    context |= {"failed": failed, "refresh_seconds": REFRESH_SECONDS}
    # 202: accepted, the PDF is on its way; 503 when the build failed (the next
    # visit asks for it again).
    response = render(
        request, "interviews/brief/pdf_pending.html", context, status=503 if failed else 202
    )
    response["Retry-After"] = str(REFRESH_SECONDS)
    return response


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
