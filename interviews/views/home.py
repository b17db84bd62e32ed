"""Home pages: the coach's dashboard and the candidate's home."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ..access import candidate_required, coach_required
from ..lib.paging import paginate
from ..selectors import checklists as checklists_selectors
from ..selectors import home as home_selectors

#: The dashboard's cards that have a whole list (coach:dashboard_list, card=…).
DASHBOARD_CARDS = tuple(home_selectors.CARDS)

RECENT_APPROVED = 5
UPCOMING_LIMIT = 25  # a list on the home page, not paged
#: Past interviews on the home page; the rest are a link away (me:past_rounds).
PAST_LIMIT = 5


# ---------------------------------------------------------------- home


@candidate_required
def home(request: HttpRequest) -> HttpResponse:
    """What is left to do after each recent interview and the open checklists
    (due soonest first), upcoming and past interviews, recent approvals."""
    user = request.user
    now = timezone.now()
    page = paginate(request, checklists_selectors.candidate_open_checklists(user))
    rounds = home_selectors.candidate_home_rounds(
        user, now=now, upcoming_limit=UPCOMING_LIMIT, past_limit=PAST_LIMIT
    )
    return render(
        request,
        "interviews/home/candidate.html",
        {
            "page": page,
            "checklists": checklists_selectors.candidate_checklist_rows(page.object_list),
            "approved": checklists_selectors.candidate_recently_approved(
                user, limit=RECENT_APPROVED
            ),
            "rounds": rounds,
            "today": timezone.localdate(),
        },
    )


# ---------------------------------------------------------------- dashboard


@coach_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs the coach now: reviews, the coming week, overdue work,
    pending invitations; the first few of each, and a link to all of them."""
    return render(
        request,
        "interviews/home/dashboard.html",
        {"board": home_selectors.dashboard(request.user), "cards": home_selectors.CARDS},
    )


@coach_required
def dashboard_list(request: HttpRequest, card: str) -> HttpResponse:
    """One card of the dashboard as a whole list, a page at a time, drawn as
    the card draws its rows."""
    spec = home_selectors.CARDS[card]
    now = timezone.now()
    page = paginate(request, spec.rows(request.user, now=now))
    return render(
        request,
        "interviews/home/dashboard_list.html",
        {"card": card, "spec": spec, "page": page, "rows": spec.shown(page.object_list, now=now)},
    )
