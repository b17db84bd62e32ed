"""Calendar: the private feed /calendar/<token>.ics, replacing its address, and
each round's .ics download (built in selectors/calendar.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date
from django.views.decorators.http import require_POST, require_safe

from ..access import (
    candidate_required,
    coach_required,
    round_for_candidate,
    round_for_coach,
    user_for_calendar_token,
)
from ..models import InterviewRound
from ..selectors import calendar
from ..services import accounts as accounts_services

CONTENT_TYPE = "text/calendar; charset=utf-8"
FEED_INVALID = (
    'This calendar link is no longer valid. It was replaced (after "Log out everywhere", '
    "a new password or on request) or its account is closed. Log in and copy the new "
    "address from your profile.\n"
)


@login_not_required
@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Public: the token in the address is the credential. Unknown (or
    replaced) tokens and inactive users get 404, with a line of text that a
    person who opens the address can read (a calendar app shows its own error).

    Calendar apps poll: a poll that sends back the ETag of the feed as it
    still is gets 304 Not Modified, for the token lookup and one query; a
    changed feed is built once per version and then served from the cache
    (selectors/calendar.py, "the feed's version")."""
    try:
        user = user_for_calendar_token(token)
    except Http404:
        return HttpResponse(
            FEED_INVALID,
            status=404,
            content_type="text/plain; charset=utf-8",
            headers={"Cache-Control": "private, no-store"},
        )
    now = timezone.now()
    version = calendar.feed_version(user, now=now)
    headers = {
        # The feed is personal: no shared cache may keep it, and as every
        # address with a token it is not stored (README, "Security"); a
        # calendar app keeps the events itself and sends the ETag back.
        "Cache-Control": "private, no-store",
        "ETag": version.etag,
    }
    if version.last_modified is not None:
        headers["Last-Modified"] = http_date(version.last_modified.timestamp())
    response = HttpResponse(content_type=CONTENT_TYPE, headers=headers)
    # Only the ETag decides (no last_modified here): a deleted round or one
    # that time moved out of the feed changes it with no newer timestamp, so
    # If-Modified-Since alone could keep a stale feed.
    conditional = get_conditional_response(request, etag=version.etag, response=response)
    if conditional is not response:
        return conditional  # 304 with the headers above and no body (412 for If-Match)
    response.content = calendar.feed_for_version(user, version, now=now)
    return response


@require_POST
def calendar_token_replace(request: HttpRequest) -> HttpResponse:
    accounts_services.calendar_token_replace(user=request.user)
    messages.success(
        request,
        "Your calendar address has been replaced. The old address no longer works: "
        "subscribe again with the new one.",
    )
    return redirect("profile")


def _download(round: InterviewRound, side: str) -> HttpResponse:
    if round.scheduled_at is None:
        raise Http404("This round has no date yet.")
    return HttpResponse(
        calendar.round_calendar(round, side),
        content_type=CONTENT_TYPE,
        headers={
            "Content-Disposition": content_disposition_header(
                as_attachment=True, filename=calendar.round_filename(round)
            ),
            "Cache-Control": "private, no-store",
        },
    )


@coach_required
def coach_round_ics(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(round_for_coach(request, pk), calendar.COACH)


@candidate_required
def candidate_round_ics(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(round_for_candidate(request, pk), calendar.CANDIDATE)
