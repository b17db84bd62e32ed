"""Practices: creating one, members and invitations, joining; the lead's
overview, read-only candidate pages and reassigning.
"""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .. import services, throttle
from ..access import (
    assignment_for_lead,
    candidate_for_lead,
    coach_required,
    lead_membership,
    member_for_lead,
    membership_for_coach,
    practice_invitation_for_lead,
)
from ..forms.accounts import InvitationLoginForm
from ..forms.practices import (
    MembershipRoleForm,
    PracticeForm,
    PracticeInviteForm,
    PracticeSignupForm,
    ReassignForm,
)
from ..lib.paging import paginate
from ..models import PracticeMembership, PracticeRole
from ..selectors import accounts as accounts_selectors
from ..selectors import overview as overview_selectors
from ..selectors import practices as practices_selectors
from ..services import practices as practices_services
from . import refusal_as_message
from .caseload import render_candidate
from .review import render_checklist

# django-axes's backend comes first but never returns a user; the password was
# checked (or the account just created) by this one.
BACKEND = "django.contrib.auth.backends.ModelBackend"


# ---------------------------------------------------------------- creating one


def _create_form(data=None) -> PracticeForm:
    return PracticeForm(data, submit_label="Create practice", action="practice:create")


@coach_required
@require_POST
def practice_create(request: HttpRequest) -> HttpResponse:
    """A coach working alone starts a practice and leads it."""
    form = _create_form(request.POST)
    if not form.is_valid():
        return render(request, "interviews/practices/create.html", {"form": form})
    try:
        practice = practices_services.practice_create(
            by=request.user, name=form.cleaned_data["name"]
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("profile")
    messages.success(
        request,
        f"{practice} is created and you are its lead. Invite your coaches from its Members page.",
    )
    return redirect("practice:home")


# ---------------------------------------------------------------- the lead's members page


def _rename_form(membership: PracticeMembership, data=None) -> PracticeForm:
    # No instance: a refused name must not show up as the practice's name on the page.
    return PracticeForm(
        data,
        initial={"name": membership.practice.name},
        submit_label="Rename",
        action="practice:rename",
    )


def _members_page(
    request: HttpRequest,
    membership: PracticeMembership,
    *,
    invite_form: PracticeInviteForm | None = None,
    rename_form: PracticeForm | None = None,
) -> HttpResponse:
    practice = membership.practice
    members = list(practices_selectors.practice_members(practice))
    return render(
        request,
        "interviews/practices/members.html",
        {
            "membership": membership,
            "practice": practice,
            "members": members,
            "lead_count": sum(1 for member in members if member.is_lead),
            "invitations": practices_selectors.practice_open_invitations(practice),
            "invite_form": invite_form or PracticeInviteForm(),
            "rename_form": rename_form or _rename_form(membership),
            "role_choices": PracticeRole.choices,
            "PracticeRole": PracticeRole,
        },
    )


@coach_required
def members(request: HttpRequest) -> HttpResponse:
    """The practice's coaches with their roles and caseloads, open invitations,
    and the practice's name."""
    return _members_page(request, lead_membership(request))


@coach_required
@require_POST
def practice_rename(request: HttpRequest) -> HttpResponse:
    membership = lead_membership(request)
    form = _rename_form(membership, request.POST)
    if not form.is_valid():
        return _members_page(request, membership, rename_form=form)
    with refusal_as_message(request):
        practice = practices_services.practice_rename(
            practice=membership.practice, by=request.user, name=form.cleaned_data["name"]
        )
        messages.success(request, f"The practice is now called {practice}.")
    return redirect("practice:members")


@coach_required
@require_POST
def member_invite(request: HttpRequest) -> HttpResponse:
    """Email a coach a link to join. Limited per address invited and per client
    address, like candidates' invitations (throttle.INVITE_*)."""
    membership = lead_membership(request)
    form = PracticeInviteForm(request.POST)
    if not form.is_valid():
        return _members_page(request, membership, invite_form=form)
    email = form.cleaned_data["email"]
    # Only invitations actually sent count against the limits.
    checks = (
        (throttle.INVITE_EMAIL, email),
        (throttle.INVITE_IP, throttle.client_ip(request)),
    )
    if throttle.any_limited(*checks):
        messages.error(
            request, "Too many invitations to this address in the last hour; try again later."
        )
        return redirect("practice:members")
    try:
        invitation, _token = practices_services.practice_invite(
            practice=membership.practice, by=request.user, email=email
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        throttle.hit_all(*checks)
        expires = timezone.localtime(invitation.expires_at)
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. The link works once and expires on "
            f"{expires:%d %b %Y at %H:%M}; an earlier link to this address no longer works.",
        )
    return redirect("practice:members")


@coach_required
@require_POST
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_for_lead(request, pk)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose lead or coach.")
        return redirect("practice:members")
    try:
        member = practices_services.membership_set_role(
            membership=member, by=request.user, role=form.cleaned_data["role"]
        )
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("practice:members")
    messages.success(request, f"{member.user} is now {member.get_role_display().lower()}.")
    if member.user_id == request.user.pk and not member.is_lead:
        # They gave up the lead: the members page is no longer theirs.
        return redirect("profile")
    return redirect("practice:members")


@coach_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a coach out of the practice; the service refuses while they still
    have candidates."""
    member = member_for_lead(request, pk)
    try:
        practices_services.membership_remove(membership=member, by=request.user)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("practice:members")
    if member.user_id == request.user.pk:
        messages.success(
            request,
            f"You have left {member.practice}. What you shared with it is yours only again.",
        )
        return redirect("profile")
    messages.success(
        request,
        f"{member.user} has left {member.practice}. What they shared with it is theirs only again.",
    )
    return redirect("practice:members")


@coach_required
@require_POST
def invitation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = practice_invitation_for_lead(request, pk)
    with refusal_as_message(request):
        practices_services.practice_invitation_revoke(invitation=invitation, by=request.user)
        messages.success(
            request, f"The invitation to {invitation.email} is cancelled: its link no longer works."
        )
    return redirect("practice:members")


# ---------------------------------------------------------------- joining (public link)


@login_not_required
@never_cache
@sensitive_post_parameters("password", "password1", "password2")
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Join a practice through its link: a new coach sets a name and password;
    an existing account logs in (two-factor accounts through the log-in page,
    which comes back here); a signed-in coach just confirms. The service
    refuses another account or a candidate's login with its own message. An
    address that has tried too many links that match no open invitation gets
    the same refusal for every further invalid link; a valid link always opens
    (throttle.invalid_link_refused)."""
    try:
        invitation = practices_services.practice_invitation_for_token(token)
    except services.InvitationInvalid as exc:
        if throttle.invalid_link_refused(request):
            return render(request, "registration/invite_throttled.html", status=429)
        return render(
            request, "interviews/practices/join_invalid.html", {"reason": str(exc)}, status=410
        )

    signed_in = request.user.is_authenticated
    existing = None if signed_in else accounts_selectors.user_with_email(invitation.email)
    two_factor = existing is not None and django_otp.user_has_device(existing, confirmed=True)
    form: PracticeSignupForm | InvitationLoginForm | None = None
    if signed_in or two_factor:
        pass  # a "Join" button, or a link to the log-in page that asks for the code
    elif existing is not None:
        form = InvitationLoginForm(
            request, data=request.POST or None, initial={"username": existing.email}
        )
    else:
        form = PracticeSignupForm(invitation.email, data=request.POST or None)

    ready = form.is_valid() if form is not None else signed_in
    if request.method == "POST" and ready:
        if signed_in:
            user = request.user
        elif existing is not None:
            user = form.get_user()
        else:
            user = None
        data = form.cleaned_data if isinstance(form, PracticeSignupForm) else {}
        try:
            membership = practices_services.practice_invitation_accept(
                invitation=invitation,
                user=user,
                password=data.get("password1", ""),
                full_name=data.get("full_name", ""),
                time_zone=data.get("time_zone", ""),
            )
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if not signed_in:
                login(request, membership.user, backend=BACKEND)
            messages.success(request, f"Welcome to {invitation.practice}!")
            return redirect("practice:home")
    return render(
        request,
        "interviews/practices/join.html",
        {
            "invitation": invitation,
            "practice": invitation.practice,
            "form": form,
            "existing": existing is not None,
            "two_factor": two_factor,
        },
    )


# ---------------------------------------------------------------- home


@coach_required
def home(request: HttpRequest) -> HttpResponse:
    """A lone coach learns what a practice is and can start one; a member sees
    who is in it; the lead gets the overview of every coach's caseload."""
    membership = membership_for_coach(request)
    if membership is None:
        form = PracticeForm(submit_label="Create practice", action=reverse("practice:create"))
        return render(request, "interviews/practices/home.html", {"form": form})
    if not membership.is_lead:
        return _member_home(request, membership)
    return _lead_home(request, membership)


def _member_home(request: HttpRequest, membership: PracticeMembership) -> HttpResponse:
    practice = membership.practice
    return render(
        request,
        "interviews/practices/home.html",
        {
            "membership": membership,
            "practice": practice,
            "members": practices_selectors.practice_members(practice, leads_first=True),
            "shared": practices_selectors.shared_library(practice),
        },
    )


def _lead_home(request: HttpRequest, membership: PracticeMembership) -> HttpResponse:
    """One row per coach with their figures and next few interviews; their
    candidates and every interview of their week are a link away
    (``candidates``)."""
    practice = membership.practice
    key, descending = overview_selectors.parse_sort(request.GET.get("sort"))
    rows = overview_selectors.sort_caseloads(
        overview_selectors.practice_caseloads(practice), key, descending
    )
    return render(
        request,
        "interviews/practices/home.html",
        {
            "membership": membership,
            "practice": practice,
            "rows": rows,
            "headers": overview_selectors.sort_headers(key, descending, request.GET),
            "overview_interviews": overview_selectors.OVERVIEW_INTERVIEWS,
        },
    )


@coach_required
def candidates(request: HttpRequest) -> HttpResponse:
    """The practice's candidates, a page at a time (archived ones last), with
    their coach, next interview and checklists waiting for review; with
    ``?coach=`` one coach's, after that coach's interviews of the coming week
    with readiness."""
    membership = lead_membership(request)
    practice = membership.practice
    coach = practices_selectors.practice_coach(practice, request.GET.get("coach"))
    coach_id = coach.pk if coach is not None else None
    upcoming = (
        overview_selectors.upcoming_rows(practice, now=timezone.now(), coach_id=coach_id)
        if coach is not None
        else []
    )
    return render(
        request,
        "interviews/practices/candidates.html",
        {
            "membership": membership,
            "practice": practice,
            "coach_filter": coach,
            "upcoming": upcoming,
            "page": paginate(
                request, practices_selectors.practice_candidates(practice, coach_id=coach_id)
            ),
        },
    )


# ---------------------------------------------------------------- read-only caseload


@coach_required
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's candidate on their coach's page, read-only: nothing that
    changes data, and the coach's private notes stay theirs."""
    return render_candidate(request, candidate_for_lead(request, pk), read_only=True)


@coach_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's checklist on their coach's review page, read-only: answers,
    changes, marks, comments and reviews, with no form."""
    return render_checklist(request, assignment_for_lead(request, pk), read_only=True)


# ---------------------------------------------------------------- reassigning


@coach_required
def candidate_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead hands a candidate to another coach of the practice."""
    candidate = candidate_for_lead(request, pk)
    practice = lead_membership(request).practice
    form = ReassignForm(
        request.POST or None, coaches=practices_selectors.reassign_choices(candidate, practice)
    )
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["coach"]
        try:
            practices_services.candidate_reassign(candidate=candidate, by=request.user, to=to)
        except services.ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{candidate} is now coached by {to}.")
            return redirect("practice:home")
    return render(
        request,
        "interviews/practices/reassign.html",
        {"candidate": candidate, "practice": practice, "form": form},
    )
