"""The user's own account settings (both roles)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import services, twofactor
from ..access import membership_for_coach
from ..forms.account import ProfileForm
from ..middleware import SIGNED_IN_AT


def profile(request: HttpRequest) -> HttpResponse:
    """Name and time zone; dates everywhere are shown in that zone."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        return redirect("profile")
    # The private feed's address: shown whole, so it can be pasted into a calendar app.
    calendar_url = settings.SITE_URL + reverse("calendar_feed", args=[request.user.calendar_token])
    return render(
        request,
        "interviews/profile.html",
        {
            "form": form,
            "calendar_url": calendar_url,
            "signed_in_at": _signed_in_at(request),
            "two_factor_on": twofactor.is_offered(request.user)
            and twofactor.app_device(request.user, confirmed=True) is not None,
            # The "Practice" card (coaches only): their practice and role.
            "membership": membership_for_coach(request) if request.user.is_coach else None,
        },
    )


def _signed_in_at(request: HttpRequest) -> datetime.datetime | None:
    stamp = request.session.get(SIGNED_IN_AT)
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC) if stamp else None


@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    """Log out everywhere else: every other session of this user ends, this one stays."""
    user = services.user_sessions_end_others(user=request.user)
    update_session_auth_hash(request, user)
    messages.success(request, "You are signed out everywhere else.")
    return redirect("profile")
