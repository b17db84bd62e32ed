"""The coach's caseload: candidates (list, create, edit, archive, invite) and
their opportunities; the candidate's page, read-only, is also the practice
lead's (views/practices.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .. import services, throttle
from ..access import candidate_for_coach, coach_required, opportunity_for_coach
from ..forms.caseload import CandidateForm, OpportunityForm
from ..forms.stories import StoryTagForm
from ..lib.paging import paginate
from ..models import Candidate
from ..selectors import caseload as caseload_selectors
from ..selectors import rounds as rounds_selectors
from ..services import caseload as caseload_services
from . import refusal_as_message
from .checklists import assign_url

# ---------------------------------------------------------------- candidates


@coach_required
def candidate_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").replace("\x00", "")[:200]
    archived = request.GET.get("archived") == "1"
    candidates = caseload_selectors.candidate_list(request.user, q=q, archived=archived)
    page = paginate(request, candidates)
    return render(
        request,
        "interviews/caseload/candidate_list.html",
        {"page": page, "q": q, "archived": archived},
    )


def _save_candidate(form: CandidateForm) -> Candidate | None:
    """Save the form; a duplicate that slipped past validation (two tabs at once)
    becomes a form error rather than a 500."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("email", "You already have a candidate with this email.")
        return None


@coach_required
def candidate_create(request: HttpRequest) -> HttpResponse:
    form = CandidateForm(request.POST or None, coach=request.user)
    if request.method == "POST" and form.is_valid():
        candidate = _save_candidate(form)
        if candidate is not None:
            messages.success(
                request,
                f"{candidate} has been added. Invite them when you are ready, so they can "
                "log in and fill in checklists.",
            )
            return redirect(candidate)
    return render(request, "interviews/caseload/candidate_form.html", {"form": form})


def render_candidate(
    request: HttpRequest, candidate: Candidate, *, read_only: bool = False
) -> HttpResponse:
    """The candidate's page, for a candidate the caller's access helper returned.
    ``read_only`` is the practice lead's copy (/practice/candidates/<pk>/): what
    the coach reads, but for their private notes, with no action at all."""
    page = caseload_selectors.candidate_page(candidate)
    return render(
        request,
        "interviews/caseload/candidate_detail.html",
        {
            "candidate": candidate,
            "read_only": read_only,
            "invitation": page.invitation,
            "opportunities": page.opportunities,
            "assignments": page.assignments,
            "stories": page.stories,
            "tag_form": None if read_only or candidate.erased_at else StoryTagForm(),
            "assign_url": None if read_only else assign_url(candidate),
        },
    )


@coach_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_candidate(request, candidate_for_coach(request, pk))


@coach_required
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    form = CandidateForm(request.POST or None, instance=candidate, coach=request.user)
    if request.method == "POST" and form.is_valid() and _save_candidate(form) is not None:
        messages.success(request, f"{candidate}'s details have been saved.")
        return redirect(candidate)
    return render(
        request, "interviews/caseload/candidate_form.html", {"form": form, "candidate": candidate}
    )


@coach_required
@require_POST
def candidate_archive(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        caseload_services.candidate_archive(candidate=candidate, by=request.user)
        messages.success(
            request,
            f"{candidate} is archived: hidden from your active list, nothing deleted. "
            "You can restore them at any time.",
        )
    return redirect(candidate)


@coach_required
@require_POST
def candidate_restore(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    with refusal_as_message(request, level=messages.INFO):
        caseload_services.candidate_restore(candidate=candidate, by=request.user)
        messages.success(request, f"{candidate} is restored to your active candidates.")
    return redirect(candidate)


@coach_required
@require_POST
def candidate_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Send (or re-send) the invitation; an earlier link stops working. Limited
    per candidate address and per client address (throttle.INVITE_*)."""
    candidate = candidate_for_coach(request, pk)
    # Only invitations actually sent count against the limits.
    checks = (
        (throttle.INVITE_EMAIL, candidate.email),
        (throttle.INVITE_IP, throttle.client_ip(request)),
    )
    if throttle.any_limited(*checks):
        messages.error(
            request, "Too many invitations to this address in the last hour; try again later."
        )
        return redirect(candidate)
    try:
        invitation, _token = caseload_services.invitation_create(
            candidate=candidate, by=request.user
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        throttle.hit_all(*checks)
        expires = timezone.localtime(invitation.expires_at)
        messages.success(
            request,
            f"Invitation sent to {candidate.email}. The link works once and expires on "
            f"{expires:%d %b %Y at %H:%M}.",
        )
    return redirect(candidate)


# ---------------------------------------------------------------- opportunities


@coach_required
def opportunity_create(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_coach(request, pk)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.candidate = candidate
        opportunity = form.save()
        messages.success(request, f"{opportunity} added. Next, add its interview rounds.")
        return redirect(opportunity)
    return render(
        request, "interviews/caseload/opportunity_form.html", {"form": form, "candidate": candidate}
    )


@coach_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_for_coach(request, pk)
    rounds = rounds_selectors.opportunity_rounds(opportunity)
    return render(
        request,
        "interviews/caseload/opportunity_detail.html",
        {"opportunity": opportunity, "candidate": opportunity.candidate, "rounds": rounds},
    )


@coach_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_for_coach(request, pk)
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The opportunity has been saved.")
        return redirect(opportunity)
    return render(
        request,
        "interviews/caseload/opportunity_form.html",
        {"form": form, "candidate": opportunity.candidate, "opportunity": opportunity},
    )
