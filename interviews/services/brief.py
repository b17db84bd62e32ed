"""The interview brief's PDF: made by the worker, kept until the brief changes.

No request renders a PDF: WeasyPrint takes seconds on a long brief (46 s
before answers were bounded), and a few at once would hold every web worker.
The rules:

- The PDF is made from an HTML document (``brief_document``) whose SHA-256 is
  its fingerprint. Anything that shows on the brief changes the document, so
  the stored PDF is served only while the fingerprint is the current one.
- A download that finds no current PDF asks for a build (``brief_pdf_request``):
  the row turns pending and one task is queued with it, in one transaction.
  While a build is pending, later downloads queue nothing (a build pending
  longer than ``BriefPdf.PENDING_TIMEOUT`` is taken as lost and asked for again).
- A build that failed is asked for again by the next download.
- One row per round and side: a build overwrites the file it replaces. Rows go
  with their round, and with the candidate's erasure (services/privacy.py).
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from ..lib import pdf
from ..models import BriefPdf, InterviewRound
from ..selectors import brief as brief_selectors

logger = logging.getLogger(__name__)


class BriefPdfFailed(Exception):
    """WeasyPrint failed on a brief; the row says so and the next download retries."""


@dataclass(frozen=True)
class BriefDocument:
    """The HTML the PDF is made from, and its digest."""

    brief: brief_selectors.RoundBrief
    html: str
    fingerprint: str


def document_context(
    round: InterviewRound, side: str, *, brief: brief_selectors.RoundBrief | None = None
) -> dict:
    """What the brief's templates read. ``side`` is a ``BriefPdf.Side``."""
    return {
        "brief": brief if brief is not None else brief_selectors.round_brief(round),
        "for_coach": side == BriefPdf.Side.COACH,
        "round": round,
        "opportunity": round.opportunity,
        "candidate": round.opportunity.candidate,
    }


def brief_document(
    *, round: InterviewRound, side: str, brief: brief_selectors.RoundBrief | None = None
) -> BriefDocument:
    """The brief as the HTML document of its PDF, in the active time zone.
    Rendered without a request, so the request and the worker make the same
    document (and the same fingerprint) from the same content."""
    context = document_context(round, side, brief=brief) | {"site_url": settings.SITE_URL}
    html = render_to_string("interviews/brief/pdf.html", context)
    return BriefDocument(
        brief=context["brief"],
        html=html,
        fingerprint=hashlib.sha256(html.encode()).hexdigest(),
    )


def brief_pdf_request(
    *, round: InterviewRound, side: str, time_zone: str, fingerprint: str
) -> BriefPdf:
    """The round's stored PDF for ``side``, with its file when that was made
    from the content with ``fingerprint``. Otherwise a build is queued, unless
    one is pending already (see the module's rules), and the row comes back
    without its file. A backend that runs tasks as they are queued (tests) has
    made the PDF by the time this returns."""
    from ..tasks import build_brief_pdf

    now = timezone.now()
    with transaction.atomic():
        # The lock makes "is a build pending?" and "mark it pending" one step:
        # two downloads at once queue one build.
        row, created = BriefPdf.objects.select_for_update().get_or_create(
            round=round,
            side=side,
            defaults={"time_zone": time_zone, "requested_at": now},
        )
        if row.is_current(fingerprint):
            return row
        if not created and row.is_building(now=now, time_zone=time_zone):
            return row
        row.status = BriefPdf.Status.PENDING
        row.time_zone = time_zone
        row.requested_at = now
        row.error = ""
        row.save(update_fields=["status", "time_zone", "requested_at", "error"])
        # In the same transaction as the row: the worker cannot see the task
        # before the row says pending, and neither is kept without the other.
        build_brief_pdf.enqueue(brief_pdf_id=row.pk)
    return BriefPdf.objects.defer("pdf").get(pk=row.pk)


def brief_pdf_preload() -> bool:
    """Load what a PDF build needs (WeasyPrint, its fonts, the brief's PDF
    template) now: the worker calls this as it starts, so the first PDF after
    a start costs what the next one does. False when WeasyPrint cannot run
    here (the builds will then mark their rows unavailable, as before)."""
    get_template("interviews/brief/pdf.html")
    try:
        pdf.warm_up()
    except pdf.PdfUnavailable:
        return False
    return True


def brief_pdf_build(*, brief_pdf_id: int) -> str:
    """Make and store the PDF a row asks for (the worker runs this). The row's
    status turns ready, failed or unavailable unless a newer request came in
    meanwhile, whose own build is queued."""
    row = BriefPdf.objects.defer("pdf").filter(pk=brief_pdf_id).first()
    if row is None:
        return "gone (the round or the candidate was deleted)"
    round = (
        InterviewRound.objects.with_kind_count()
        .select_related("opportunity__candidate")
        .get(pk=row.round_id)
    )
    try:
        zone = zoneinfo.ZoneInfo(row.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    with timezone.override(zone):
        document = brief_document(round=round, side=row.side)
    this_request = BriefPdf.objects.filter(pk=row.pk, requested_at=row.requested_at)
    if row.fingerprint == document.fingerprint:  # a build queued twice, or nothing changed
        this_request.update(status=BriefPdf.Status.READY)
        return "already current"
    try:
        data = pdf.html_to_pdf(document.html, base_url=settings.SITE_URL + "/")
    except pdf.PdfUnavailable as error:
        this_request.update(status=BriefPdf.Status.UNAVAILABLE, error=str(error)[:2000])
        return "unavailable"
    except Exception as error:
        this_request.update(
            status=BriefPdf.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.exception("The brief PDF %s of round %s failed", row.pk, row.round_id)
        raise BriefPdfFailed(str(error)) from error
    # The file replaces the one before it (one row per round and side).
    BriefPdf.objects.filter(pk=row.pk).update(
        pdf=data, fingerprint=document.fingerprint, built_at=timezone.now(), error=""
    )
    this_request.update(status=BriefPdf.Status.READY)
    return f"{len(data)} bytes"
