"""A user's data: the download (a ZIP of the JSON and the files) and the
erasure (README, "Privacy").

Candidates download their data and delete their account from the profile;
coaches download or erase one candidate from the candidate's page.
"""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .. import services
from ..access import candidate_for_coach, coach_required
from ..forms.privacy import PasswordConfirmForm
from ..models import Candidate, User
from ..selectors import privacy as privacy_selectors
from ..services import privacy as privacy_services
from . import refusal_as_message


def _download(candidate_or_user: Candidate | User) -> HttpResponse:
    """The data download: a ZIP of ``data.json`` and the files' bytes. Built
    in a spooled temporary file (in memory up to 10 MiB, then on disk): the
    files may add up to the quota."""
    out = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    privacy_selectors.write_export_zip(candidate_or_user, out)
    out.seek(0)
    filename = f"coachsite-data-{timezone.localdate().isoformat()}.zip"
    response = FileResponse(
        out, content_type="application/zip", as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def my_data_export(request: HttpRequest) -> HttpResponse:
    """Everything about the signed-in user as one JSON file (a coach: their profile)."""
    return _download(request.user)


def account_delete(request: HttpRequest) -> HttpResponse:
    """A candidate deletes their account after typing their password again."""
    if not request.user.is_candidate:
        return render(request, "interviews/privacy/account_delete.html", {"form": None})
    form = PasswordConfirmForm(
        request.POST or None, user=request.user, request=request, submit_label="Delete my account"
    )
    if request.method == "POST" and form.is_valid():
        try:
            privacy_services.user_delete_account(
                user=request.user, password=form.cleaned_data["password"]
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(
                request, "Your account and your personal data have been deleted. Goodbye."
            )
            return redirect("login")
    return render(request, "interviews/privacy/account_delete.html", {"form": form})


@coach_required
def candidate_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One candidate's data as the same JSON file the candidate downloads."""
    return _download(candidate_for_coach(request, pk))


@coach_required
def candidate_erase(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach erases a candidate's personal data after typing their own password."""
    candidate = candidate_for_coach(request, pk)
    form = PasswordConfirmForm(
        request.POST or None,
        user=request.user,
        request=request,
        submit_label="Erase this candidate",
    )
    if candidate.erased_at is None and request.method == "POST" and form.is_valid():
        with refusal_as_message(request):
            privacy_services.candidate_erase(candidate=candidate, by=request.user)
            messages.success(
                request,
                "The candidate's personal data has been erased; "
                "a “Former candidate” record in your archived list keeps your history.",
            )
        return redirect("coach:candidate_list")
    return render(
        request, "interviews/privacy/candidate_erase.html", {"candidate": candidate, "form": form}
    )
