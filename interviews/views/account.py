"""The user's own account settings (both roles)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ..forms.account import ProfileForm


def profile(request: HttpRequest) -> HttpResponse:
    """Name and time zone; dates everywhere are shown in that zone."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile has been saved.")
        return redirect("profile")
    # The private feed's address: shown whole, so it can be pasted into a calendar app.
    calendar_url = settings.SITE_URL + reverse("calendar_feed", args=[request.user.calendar_token])
    return render(request, "interviews/profile.html", {"form": form, "calendar_url": calendar_url})
