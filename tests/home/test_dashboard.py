"""The coach dashboard: reviews waiting, the coming week with readiness,
overdue checklists and pending invitations."""

import datetime
import re
from collections import Counter

import pytest
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import dateformat, timezone

from interviews.lib import readiness as readiness_lib
from interviews.selectors import home as home_selectors
from interviews.services import caseload as caseload_services

from ..factories import (
    AssignmentFactory,
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
)

URL = reverse("coach:dashboard")


def _board(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.context["board"], response.content.decode()


def _round(candidate, **kwargs):
    return InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate), **kwargs)


def _complete(assignment, count):
    for item in assignment.items.order_by("position")[:count]:
        item.response_text = "Done"
        item.done = True
        item.email_body = "Thanks"
        item.save()


def test_an_empty_dashboard_says_what_to_do_next(coach_client):
    _, body = _board(coach_client)
    assert "Nothing is waiting for review" in body
    assert "No interviews in the next 7 days" in body
    assert "No overdue checklists" in body
    assert "Nobody is waiting to join" in body
    assert "No thank-you notes to check" in body
    assert reverse("coach:assignment_create") in body
    assert reverse("coach:candidate_create") in body


def test_waiting_for_review_is_oldest_first_and_own_only(coach_client, candidate, other_candidate):
    now = timezone.now()
    newer = make_assignment(
        candidate, title="Newer", status="submitted", submitted_at=now - datetime.timedelta(hours=1)
    )
    older = make_assignment(
        candidate, title="Older", status="submitted", submitted_at=now - datetime.timedelta(days=2)
    )
    make_assignment(candidate, title="Still drafting", status="in_progress")
    make_assignment(other_candidate, title="Not mine", status="submitted", submitted_at=now)
    board, body = _board(coach_client)
    assert [row.pk for row in board.awaiting_review] == [older.pk, newer.pk]
    assert "Not mine" not in body
    assert reverse("coach:assignment_detail", args=[older.pk]) in body


def test_a_review_entry_leads_with_the_candidate_then_checklist_company_and_time(
    coach_client, candidate
):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam")
    )
    submitted_at = timezone.now() - datetime.timedelta(hours=2)
    assignment = make_assignment(
        candidate,
        round=round,
        title="Second-round interview prep",
        status="submitted",
        submitted_at=submitted_at,
    )
    _, body = _board(coach_client)
    waiting = body.split('id="review-heading"', 1)[1].split("</section>", 1)[0]
    entry = waiting.split('<li class="list-group-item">', 1)[1].split("</li>", 1)[0]
    url = reverse("coach:assignment_detail", args=[assignment.pk])
    text = " ".join(re.sub(r"<[^>]+>", " ", entry).split())
    when = dateformat.format(timezone.localtime(submitted_at), "D j M H:i")
    # The link, in bold, is the candidate's name; then checklist, company and time.
    assert f'<a class="fw-semibold" href="{url}">Cam Candidate</a>' in entry
    assert text.startswith("Cam Candidate ")
    assert f"Second-round interview prep · Fabrikam · submitted {when} (2 hours ago)" in text
    assert entry.index("Cam Candidate") < entry.index("Second-round interview prep")
    assert "0 of 3 required" in text  # readiness is still shown


def test_interviews_in_the_next_week_show_readiness(coach_client, candidate, other_candidate):
    now = timezone.now()
    soon = _round(candidate, scheduled_at=now + datetime.timedelta(days=3))
    _complete(make_assignment(candidate, round=soon), 2)  # 2 of 3 required
    withdrawn = make_assignment(
        candidate, round=soon, status="withdrawn", withdrawn_at=now
    )  # ignored in readiness
    assert withdrawn.items.count() == 3
    _round(candidate, scheduled_at=now + datetime.timedelta(days=8), location="Too late")
    _round(candidate, scheduled_at=now - datetime.timedelta(hours=1), location="Past")
    _round(other_candidate, scheduled_at=now + datetime.timedelta(days=1))
    board, body = _board(coach_client)
    assert [row.pk for row in board.upcoming] == [soon.pk]
    assert board.upcoming[0].readiness == readiness_lib.Readiness(done=2, total=3)
    assert "66%" in body
    assert "2 of 3 required" in body


def test_low_readiness_within_48_hours_is_flagged(coach_client, candidate):
    now = timezone.now()
    close = _round(candidate, scheduled_at=now + datetime.timedelta(hours=30))
    _complete(make_assignment(candidate, round=close), 1)  # 1 of 3: under half
    ready = _round(candidate, scheduled_at=now + datetime.timedelta(hours=20))
    _complete(make_assignment(candidate, round=ready), 2)  # 2 of 3
    later = _round(candidate, scheduled_at=now + datetime.timedelta(days=4))
    make_assignment(candidate, round=later)  # 0 of 3, but not within 48 hours
    board, body = _board(coach_client)
    flags = {row.pk: row.at_risk for row in board.upcoming}
    assert flags == {close.pk: True, ready.pk: False, later.pk: False}
    assert body.count("Under half ready and the interview is within 48 hours") == 1


def test_a_round_without_a_checklist_offers_to_assign_one(coach_client, candidate):
    round = _round(candidate, scheduled_at=timezone.now() + datetime.timedelta(days=2))
    _, body = _board(coach_client)
    assert "No checklist yet" in body
    assert f"?candidate={candidate.pk}&amp;round={round.pk}" in body


def test_overdue_checklists_are_listed(coach_client, candidate):
    today = timezone.localdate()
    late = make_assignment(candidate, title="Late one", due_date=today - datetime.timedelta(days=2))
    make_assignment(
        candidate,
        title="Late but approved",
        status="approved",
        due_date=today - datetime.timedelta(days=2),
    )
    make_assignment(candidate, title="Due later", due_date=today + datetime.timedelta(days=2))
    board, body = _board(coach_client)
    assert [row.pk for row in board.overdue] == [late.pk]
    assert "Late one" in body


def test_a_checklist_whose_interview_has_started_is_no_longer_overdue(coach_client, candidate):
    """Its reminders stop at the interview, and so does the dashboard's alarm."""
    now = timezone.now()
    late = datetime.timedelta(days=2)
    past = _round(candidate, scheduled_at=now - datetime.timedelta(hours=1))
    ahead = _round(candidate, scheduled_at=now + datetime.timedelta(hours=1))
    make_assignment(candidate, title="For the past one", round=past, due_date=now.date() - late)
    pressing = make_assignment(
        candidate, title="For the next one", round=ahead, due_date=now.date() - late
    )
    board, body = _board(coach_client)
    assert [row.pk for row in board.overdue] == [pressing.pk]
    assert "For the past one" not in body


def test_invited_but_not_joined_candidates_are_listed(coach, coach_client, candidate):
    invited = CandidateFactory(coach=coach, full_name="Ivy Invited")
    caseload_services.invitation_create(candidate=invited, by=coach)
    CandidateFactory(coach=coach, full_name="Never Invited")
    board, body = _board(coach_client)
    assert [row.pk for row in board.invited] == [invited.pk]
    assert "Ivy Invited" in body
    assert "Never Invited" not in body
    assert candidate.full_name not in [c.name for c in board.invited]  # joined
    assert reverse("coach:candidate_invite", args=[invited.pk]) in body


def test_an_expired_invitation_is_shown_as_expired(coach, coach_client):
    invited = CandidateFactory(coach=coach, full_name="Ivy Invited")
    invitation, _ = caseload_services.invitation_create(candidate=invited, by=coach)
    invitation.created_at = timezone.now() - datetime.timedelta(days=10)
    invitation.expires_at = timezone.now() - datetime.timedelta(days=3)
    invitation.save()
    _, body = _board(coach_client)
    assert "link expired" in body


def test_thank_you_notes_waiting_for_the_coach_are_listed_oldest_request_first(
    coach_client, candidate, other_candidate
):
    now = timezone.now()
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Fabrikam"),
        scheduled_at=now - datetime.timedelta(hours=5),
    )
    dana = InterviewerFactory(round=round, name="Dana Scully")
    newer = ThankYouNoteFactory(
        round=round, interviewer=dana, check_requested_at=now - datetime.timedelta(minutes=30)
    )
    older = ThankYouNoteFactory(
        round=round, to_name="Ann Lee", check_requested_at=now - datetime.timedelta(hours=2)
    )
    ThankYouNoteFactory(
        round=round,
        to_name="Already Checked",
        check_requested_at=now - datetime.timedelta(hours=3),
        checked_at=now - datetime.timedelta(hours=1),
        coach_comment="Fine.",
    )
    ThankYouNoteFactory(round=round, to_name="Never Asked")
    ThankYouNoteFactory(
        round=_round(other_candidate, scheduled_at=now - datetime.timedelta(hours=5)),
        to_name="Not Mine",
        check_requested_at=now,
    )
    board, body = _board(coach_client)
    assert [row.pk for row in board.notes_to_check] == [older.pk, newer.pk]
    section = body.split('id="notes-heading"', 1)[1].split("</section>", 1)[0]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "To Ann Lee · Fabrikam" in text
    assert "To Dana Scully · Fabrikam" in text
    assert "Cam Candidate" in text
    when = dateformat.format(timezone.localtime(older.check_requested_at), "D j M H:i")
    assert f"asked {when}" in text
    assert f'href="{round.get_absolute_url()}#note-{older.pk}"' in section
    for name in ("Already Checked", "Never Asked", "Not Mine"):
        assert name not in section
    assert text.index("Ann Lee") < text.index("Dana Scully")


def test_a_note_asked_again_after_the_coachs_answer_is_listed_again(coach_client, candidate):
    now = timezone.now()
    round = _round(candidate, scheduled_at=now - datetime.timedelta(hours=5))
    note = ThankYouNoteFactory(
        round=round,
        to_name="Ann Lee",
        check_requested_at=now - datetime.timedelta(minutes=5),
        checked_at=now - datetime.timedelta(hours=1),
    )
    board, _ = _board(coach_client)
    assert [row.pk for row in board.notes_to_check] == [note.pk]


def _many(coach, n):
    now = timezone.now()
    for c in CandidateFactory.create_batch(n, coach=coach):
        round = _round(c, scheduled_at=now + datetime.timedelta(days=2))
        make_assignment(c, round=round, status="submitted", submitted_at=now)
        AssignmentFactory(candidate=c, due_date=timezone.localdate() - datetime.timedelta(days=1))
        caseload_services.invitation_create(candidate=CandidateFactory(coach=coach), by=coach)
        past = _round(c, scheduled_at=now - datetime.timedelta(hours=3))
        ThankYouNoteFactory(
            round=past, interviewer=InterviewerFactory(round=past), check_requested_at=now
        )


CARDS = ("review", "notes", "upcoming", "after", "overdue", "invited")


@pytest.mark.parametrize("n", [5, 30])
def test_the_dashboard_costs_the_same_whatever_the_caseload(
    n, coach, coach_client, django_assert_num_queries
):
    """Queries and templates rendered pinned at two sizes (issue 25: each card
    shows its first few rows, says how many there are and links to them all)."""
    _many(coach, n)
    names = Counter()

    def count(sender, template, context, **kwargs):
        names[template.name] += 1

    template_rendered.connect(count)
    try:
        # session, user, and one query for each of the five lists
        # +2: the interviews over, with their interviewers and thank-you notes
        # (one query side by side: selectors.followups.thanks_waiting_by_round)
        # (issue 25: how many rows each list has in all comes with its first
        # rows; the unread-notice badge reads the user row)
        # +1: the readiness of the rows shown in three lists, read in one
        # query over their checklists, not by subqueries in each list's
        # query (issue 25: those cost ~4 ms of CPU to build per request)
        with django_assert_num_queries(10):
            board, body = _board(coach_client)
    finally:
        template_rendered.disconnect(count)
    # The page, the layout's three, one partial per card.
    assert sum(names.values()) == 4 + len(CARDS)
    shown = min(n, home_selectors.CARD_LIMIT)
    for rows in (
        board.awaiting_review,
        board.upcoming,
        board.overdue,
        board.invited,
        board.notes_to_check,
        board.after_interviews,
    ):
        assert len(rows) == shown
    assert board.totals == dict.fromkeys(CARDS, n)
    for card in CARDS:
        see_all = (
            f'<a href="{reverse("coach:dashboard_list", kwargs={"card": card})}">See all ({n})</a>'
        )
        assert (see_all in body) is (n > home_selectors.CARD_LIMIT)


@pytest.mark.parametrize("card", CARDS)
def test_see_all_lists_every_row_of_a_card_a_page_at_a_time(
    card, coach, coach_client, other_coach, django_assert_max_num_queries
):
    _many(coach, 30)
    _many(other_coach, 2)
    url = reverse("coach:dashboard_list", kwargs={"card": card})
    with django_assert_max_num_queries(12):
        first = coach_client.get(url)
    assert first.status_code == 200
    second = coach_client.get(url, {"page": 2})
    rows = first.context["rows"] + second.context["rows"]
    assert len(first.context["rows"]) == 25 and len(rows) == 30
    # The card's first rows lead the whole list, drawn by the same partial.
    board, _ = _board(coach_client)
    card_rows = {
        "review": board.awaiting_review,
        "notes": board.notes_to_check,
        "upcoming": board.upcoming,
        "after": board.after_interviews,
        "overdue": board.overdue,
        "invited": board.invited,
    }[card]
    assert [row.url for row in rows[: len(card_rows)]] == [row.url for row in card_rows]
    assert len({row.url for row in rows}) == 30
    assert home_selectors.CARDS[card].template in [t.name for t in first.templates]
    assert "30 in all" in first.content.decode()


def test_an_unknown_card_has_no_list(coach_client):
    assert coach_client.get("/coach/dashboard/nonsense/").status_code == 404


@pytest.mark.parametrize(
    "done, total, percent, low",
    [(0, 0, 100, False), (0, 3, 0, True), (1, 3, 33, True), (2, 4, 50, False), (3, 3, 100, False)],
)
def test_readiness_figures(done, total, percent, low):
    readiness = readiness_lib.Readiness(done, total)
    assert readiness.percent == percent == readiness_lib.readiness_percent(done, total)
    assert readiness.is_low is low
