"""Notices, for both roles: the in-app list, Profile → Notifications, and the
public one-click unsubscribe link every notice email carries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ..access import notification_for_user
from ..forms.notifications import NotificationSettingsForm
from ..lib.links import safe_next
from ..lib.paging import paginate
from ..models import NotificationKind, UnsubscribeLink
from ..selectors import notifications as notifications_selectors
from ..services import notifications as notifications_services


def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which emails the user gets; the in-app list keeps every notice anyway."""
    form = NotificationSettingsForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        notifications_services.notification_preferences_save(
            user=request.user, choices=form.choices()
        )
        messages.success(request, "Your email settings have been saved.")
        return redirect("notification_settings")
    return render(request, "interviews/notifications/settings.html", {"form": form})


def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first (the model's ordering)."""
    page = paginate(request, notifications_selectors.user_notifications(request.user))
    return render(request, "interviews/notifications/list.html", {"page": page})


@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notice read and go where it points: a path on this site only,
    so a stored URL can never send the user elsewhere."""
    notification = notification_for_user(request, pk)
    notifications_services.notification_mark_read(notification=notification)
    return redirect(safe_next(notification.url, default=reverse("notifications")))


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_services.notifications_mark_all_read(user=request.user)
    if count:
        messages.success(request, f"{count} notice{'s' if count != 1 else ''} marked as read.")
    else:
        messages.success(request, "All your notices were already read.")
    return redirect("notifications")


# The random token in the URL is the credential (only its hash is stored): it
# stands for one user and the kinds of one email and cannot be guessed, so a
# cross-site POST would need the token itself. CSRF protection is off because mail providers send
# RFC 8058 one-click unsubscribes as a bare POST ("List-Unsubscribe=One-Click")
# with no cookie and no CSRF token. Unsubscribing again changes nothing.
@login_not_required
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (link scanners must not unsubscribe anyone); POST
    switches the kind's emails off."""
    found = notifications_services.read_unsubscribe_token(token)
    if found is None:
        return render(
            request,
            "interviews/notifications/unsubscribe_invalid.html",
            {"ttl_days": UnsubscribeLink.TTL_DAYS},
            status=404,
        )
    user, kinds = found
    labels = [NotificationKind(kind).label for kind in kinds]
    context = {
        "label": " and ".join(filter(None, [", ".join(labels[:-1]), labels[-1]])),
        "email": _masked(user.email),
        "token": token,
    }
    if request.method == "POST":
        for kind in kinds:
            notifications_services.notification_unsubscribe(user=user, kind=kind)
        return render(request, "interviews/notifications/unsubscribe_done.html", context)
    return render(request, "interviews/notifications/unsubscribe.html", context)


def _masked(email: str) -> str:
    """``c***@example.com``: enough for the owner to recognise, little for anyone else."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"
