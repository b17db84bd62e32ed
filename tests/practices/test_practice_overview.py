"""The practice's home (the lead's overview, a member's page, a lone coach's
page), the lead's read-only candidate and checklist pages, and reassigning a
candidate to another coach of the practice."""

import datetime
import html
import re
import zoneinfo
from collections import Counter

import pytest
from django.core import mail
from django.test import Client
from django.test.signals import template_rendered
from django.urls import reverse
from django.utils import timezone

from interviews.lib.readiness import Readiness
from interviews.models import Assignment, Candidate, Comment, PracticeRole, Review
from interviews.selectors import overview as overview_selectors
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import privacy as privacy_services
from interviews.services import stories as stories_services
from interviews.views.review import READ_ONLY_NOTES

from ..checklist_helpers import changes_requested, messages_of, submitted
from ..checklist_helpers import item as item_at
from ..factories import (
    CandidateFactory,
    CoachFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    MembershipFactory,
    OpportunityFactory,
    PracticeFactory,
    QuestionFactory,
    ThankYouNoteFactory,
    make_assignment,
)

HOME = reverse("practice:home")
CANDIDATES = reverse("practice:candidates")
NOW = datetime.datetime(2030, 3, 11, 9, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)
# Pinned at two data sizes each: session, user and the page's own (the notices
# badge reads the user row since issue 25).
# The overview's own include the interviews over with their interviewers and
# notes (three), read by the rule the coach's dashboard and digest read.
# Issue 25: 10, from 11: the practice's candidates (a page and its count) moved
# to their own page (practice:candidates), and the week's interviews are read
# in two steps: all of them plainly, then readiness for those it shows (a
# coach's next few, the next 48 hours'), not for every interview of the week.
# Issue 25 again, 9 still: the coaches' figures are one aggregate over their
# candidates and checklists beside the members' rows (two queries, where six
# subqueries per member row cost the page 7 ms of CPU at the large size), and
# the week's interviews and the interviews over whose thank-you notes are due
# are one query (one walk through the caseload), then their interviewers and
# notes as plain values (two). 8: the interviewers and notes side by side in
# one query (selectors.followups.thanks_waiting_by_round).
QUERIES_HOME = 8
# The candidate's page: and its stories, their tags, the tags to list, where
# the stories are used (four).
QUERIES_CANDIDATE = 13
# The checklist: and the stories its submissions froze (one), the items'
# files and their history (two).
QUERIES_CHECKLIST = 11


def _round(candidate, **kwargs):
    return InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate), **kwargs)


def _complete(assignment, count):
    """The candidate completes the first ``count`` items (straight in the rows)."""
    for item in assignment.items.order_by("position")[:count]:
        item.response_text = "Done"
        item.done = True
        item.email_body = "Thanks"
        item.save()


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(response, user):
    return next(row for row in response.context["rows"] if row.coach.pk == user.pk)


def _names(response):
    return [row.coach.full_name for row in response.context["rows"]]


def _post_forms(body: str) -> list[str]:
    """The actions of the page's POST forms, but for the layout's time-zone
    offer (base.html: the viewer's own zone, on every signed-in page)."""
    forms = [tag for tag in re.findall(r"<form\b[^>]*>", body) if 'method="post"' in tag]
    actions = [re.search(r'action="([^"]*)"', tag).group(1) for tag in forms]
    return [action for action in actions if action != reverse("time_zone_use")]


# ---------------------------------------------------------------- the lead's overview


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def lead_at_now(clock, lead):
    """The lead's browser, signed in at NOW (a session from before would have expired)."""
    return _client_for(lead)


@pytest.fixture
def figures(clock, coach, colleague, lead, candidate):
    """At NOW: the coach has two checklists waiting (3 days and 1 day), an
    interview in 3 days at 2 of 3 required done, one overdue checklist and two
    thank-you notes overdue; the colleague has one waiting for a day."""
    make_assignment(candidate, title="Old wait", status="submitted", submitted_at=NOW - 3 * DAY)
    make_assignment(candidate, title="New wait", status="submitted", submitted_at=NOW - DAY)
    upcoming = _round(candidate, scheduled_at=NOW + 3 * DAY)
    _complete(make_assignment(candidate, round=upcoming, status="in_progress"), 2)
    make_assignment(candidate, title="Late", status="in_progress", due_date=NOW.date() - 2 * DAY)
    # Two days after an interview: one note not sent, one interviewer without a note.
    past = _round(candidate, scheduled_at=NOW - 2 * DAY)
    ThankYouNoteFactory(round=past, to_name="Ann Lee")
    InterviewerFactory(round=past, name="Pat Example")
    ThankYouNoteFactory(round=past, to_name="Sent already", sent_at=NOW - DAY)
    # Not counted: not due yet, too long ago (the reminders stopped), cancelled.
    ThankYouNoteFactory(round=_round(candidate, scheduled_at=NOW - datetime.timedelta(hours=10)))
    ThankYouNoteFactory(round=_round(candidate, scheduled_at=NOW - 20 * DAY))
    ThankYouNoteFactory(round=_round(candidate, scheduled_at=NOW - 2 * DAY, outcome="withdrawn"))
    # Archived candidates are not active and their interviews are not counted.
    archived = CandidateFactory(coach=coach, archived=True)
    _round(archived, scheduled_at=NOW + DAY)
    colleague_candidate = CandidateFactory(coach=colleague, full_name="Dana Doe")
    make_assignment(colleague_candidate, status="submitted", submitted_at=NOW - DAY)
    return upcoming


def test_the_lead_sees_each_coachs_figures(lead_at_now, lead, coach, colleague, figures):
    response = lead_at_now.get(HOME)
    assert response.status_code == 200
    assert _names(response) == ["Casey Coach", "Cole Colleague", "Lee Lead"]

    mine = _row(response, coach)
    assert mine.active_candidates == 1
    assert mine.waiting_review == 2
    assert mine.oldest_wait.replace("\xa0", " ") == "3 days"
    assert (mine.upcoming_count, mine.at_risk, mine.more_interviews) == (1, 0, 0)
    (interview,) = mine.next_interviews
    assert interview.at == figures.scheduled_at
    assert interview.readiness == Readiness(done=2, total=3)
    assert interview.candidate_url == reverse(
        "practice:candidate", args=[figures.opportunity.candidate_id]
    )
    assert mine.overdue == 1
    assert mine.thanks_overdue == 2

    theirs = _row(response, colleague)
    assert (theirs.active_candidates, theirs.waiting_review) == (1, 1)
    assert theirs.oldest_wait.replace("\xa0", " ") == "1 day"
    assert (theirs.upcoming_count, theirs.overdue, theirs.thanks_overdue) == (0, 0, 0)
    own = _row(response, lead)
    assert (own.active_candidates, own.waiting_review, own.overdue) == (0, 0, 0)

    body = response.content.decode().replace("\xa0", " ")
    assert "3 days" in body
    assert "2 of 3 required done" in body
    assert reverse("practice:candidate", args=[figures.opportunity.candidate_id]) in body
    for name in ("practice:members", "practice:outcomes", "practice:export"):
        assert reverse(name) in body


def test_every_candidate_of_the_practice_is_listed_with_their_coach(
    lead_client, coach, colleague, candidate
):
    theirs = CandidateFactory(coach=colleague, full_name="Dana Doe")
    outsider = CandidateFactory(full_name="Someone Else")
    response = lead_client.get(CANDIDATES)
    body = response.content.decode()
    assert list(response.context["page"].object_list) == [candidate, theirs]
    assert reverse("practice:candidate", args=[candidate.pk]) in body
    assert reverse("practice:candidate", args=[theirs.pk]) in body
    assert "Someone Else" not in body
    assert reverse("practice:candidate", args=[outsider.pk]) not in body


def test_the_candidate_list_can_show_one_coachs_candidates(
    lead_client, colleague, other_coach, candidate
):
    theirs = CandidateFactory(coach=colleague, full_name="Dana Doe")
    response = lead_client.get(CANDIDATES, {"coach": colleague.pk})
    assert list(response.context["page"].object_list) == [theirs]
    assert "Cole Colleague's candidates" in response.content.decode()
    # A coach outside the practice (or nonsense) is ignored: everyone is listed.
    for value in (other_coach.pk, "x"):
        response = lead_client.get(CANDIDATES, {"coach": value})
        assert list(response.context["page"].object_list) == [candidate, theirs]


def test_a_cancelled_round_is_not_a_candidates_next_interview(lead_at_now, candidate):
    """The same rule as the coach's own list: a withdrawn round will not take place."""
    _round(candidate, scheduled_at=NOW + DAY, outcome="withdrawn")
    nearer = _round(candidate, scheduled_at=NOW + 3 * DAY)
    _round(candidate, scheduled_at=NOW + 5 * DAY)

    def next_interview():
        response = lead_at_now.get(CANDIDATES)
        (row,) = [c for c in response.context["page"].object_list if c.pk == candidate.pk]
        return row.next_interview_at

    assert next_interview() == NOW + 3 * DAY
    nearer.outcome = "withdrawn"
    nearer.save(update_fields=["outcome"])
    assert next_interview() == NOW + 5 * DAY


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
        ("-coach", ["Lee Lead", "Cole Colleague", "Casey Coach"]),
        ("-waiting", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
        ("waiting", ["Lee Lead", "Cole Colleague", "Casey Coach"]),
        # Longest wait first; a coach with nothing waiting is last either way.
        ("-oldest", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
        ("oldest", ["Cole Colleague", "Casey Coach", "Lee Lead"]),
        ("-interviews", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
        ("-thanks", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
        ("active", ["Lee Lead", "Casey Coach", "Cole Colleague"]),
        ("nonsense", ["Casey Coach", "Cole Colleague", "Lee Lead"]),
    ],
)
def test_the_overview_sorts_by_each_column(lead_at_now, figures, sort, order):
    response = lead_at_now.get(HOME, {"sort": sort} if sort else {})
    assert _names(response) == order


def test_sort_headers_say_their_state_and_link_to_the_other_direction(lead_at_now, figures):
    body = lead_at_now.get(HOME, {"sort": "-waiting"}).content.decode()
    headers = re.findall(r"<th scope=\"col\"([^>]*)>\s*<a href=\"([^\"]+)\"", body)
    # Issue 25 added "Open checklists" and "Last activity" to the seven.
    assert len(headers) == 9
    sorted_ = [(attrs, href) for attrs, href in headers if "aria-sort" in attrs]
    assert len(sorted_) == 1
    attrs, href = sorted_[0]
    assert 'aria-sort="descending"' in attrs
    assert href == "?sort=waiting#overview"
    # Another column first sorts its largest figures to the top; names go A to Z.
    assert "?sort=-overdue#overview" in [h for _, h in headers]
    assert "?sort=coach#overview" in [h for _, h in headers]
    ascending = lead_at_now.get(HOME, {"sort": "waiting"}).content.decode()
    assert 'aria-sort="ascending"' in ascending


@pytest.mark.parametrize(("coaches", "candidates"), [(2, 3), (2, 30)])
def test_the_overview_and_a_coachs_page_cost_the_same_whatever_the_caseload(
    lead_at_now, practice, coaches, candidates, django_assert_num_queries
):
    """Queries and templates rendered, pinned flat in the candidates per coach
    (issue 25): the overview draws each coach's next few interviews, their
    page one page of candidates and the interviews of their week."""
    names = Counter()

    def count(sender, template, context, **kwargs):
        names[template.name] += 1

    members = [MembershipFactory(practice=practice).user for _ in range(coaches)]
    for member in members:
        for _ in range(candidates):
            record = CandidateFactory(coach=member)
            make_assignment(record, round=_round(record, scheduled_at=NOW + 2 * DAY))
            InterviewerFactory(round=_round(record, scheduled_at=NOW - 2 * DAY))
    template_rendered.connect(count)
    try:
        # Session, user, the membership; the members, the coaches' figures,
        # their week's interviews with the ones over (one), the readiness of
        # those shown, the interviewers and notes of the ones over (one).
        with django_assert_num_queries(QUERIES_HOME):
            response = lead_at_now.get(HOME)
        assert response.status_code == 200
        # The page, the layout's three, one list of interviews per coach who has some.
        assert sum(names.values()) == 4 + coaches
        names.clear()
        # Session, user, the membership; the coach, their week's interviews
        # and their readiness, one page of candidates and their count.
        with django_assert_num_queries(8):
            response = lead_at_now.get(CANDIDATES, {"coach": members[0].pk})
        assert response.status_code == 200
        # The page, the layout's three, the list of interviews, the page links.
        assert sum(names.values()) == 6, names
    finally:
        template_rendered.disconnect(count)
    assert len(response.context["upcoming"]) == candidates
    assert len(response.context["page"].object_list) == min(candidates, 25)


def test_a_coachs_row_shows_their_next_interviews_and_links_to_all_of_them(
    lead_at_now, coach, candidate
):
    rounds = [_round(candidate, scheduled_at=NOW + (n + 1) * DAY) for n in range(5)]
    body = lead_at_now.get(HOME).content.decode()
    row = body.split(f'id="coach-{coach.pk}"', 1)[1].split("</tr>", 1)[0]
    shown = overview_selectors.OVERVIEW_INTERVIEWS
    assert row.count("No checklist yet") == shown
    see_all = f'href="{CANDIDATES}?coach={coach.pk}#upcoming">See all 5'
    assert see_all in row
    page = lead_at_now.get(CANDIDATES, {"coach": coach.pk})
    assert [row.at for row in page.context["upcoming"]] == [r.scheduled_at for r in rounds]
    assert page.content.decode().count("No checklist yet") == 5


def test_every_interview_of_the_next_48_hours_counts_at_risk_though_few_are_shown(
    lead_at_now, coach, candidate
):
    """Readiness is read for the rows shown and the next 48 hours' only; the
    at-risk count still covers all of those, and a row beyond 48 hours shows
    its own readiness."""
    close = [
        _round(candidate, scheduled_at=NOW + n * 8 * datetime.timedelta(hours=1))
        for n in (1, 2, 3, 4, 5)
    ]
    for round_ in close:
        make_assignment(candidate, round=round_)  # 0 of 3: under half ready
    later = _round(candidate, scheduled_at=NOW + 5 * DAY)
    _complete(make_assignment(candidate, round=later), 3)
    mine = _row(lead_at_now.get(HOME), coach)
    assert (mine.upcoming_count, mine.at_risk) == (6, 5)
    page = lead_at_now.get(CANDIDATES, {"coach": coach.pk})
    (last,) = [row for row in page.context["upcoming"] if row.at == later.scheduled_at]
    assert last.readiness == Readiness(done=3, total=3) and not last.at_risk


def test_a_row_shows_the_readiness_of_an_interview_days_away(lead_at_now, colleague):
    theirs = CandidateFactory(coach=colleague)
    _complete(make_assignment(theirs, round=_round(theirs, scheduled_at=NOW + 5 * DAY)), 2)
    (shown,) = _row(lead_at_now.get(HOME), colleague).next_interviews
    assert shown.readiness == Readiness(done=2, total=3) and shown.has_checklist


@pytest.mark.parametrize(("coaches", "candidates"), [(2, 2), (5, 6)])
def test_the_overview_costs_the_same_queries_whatever_the_size(
    lead_at_now, practice, coaches, candidates, django_assert_max_num_queries
):
    for _ in range(coaches):
        member = MembershipFactory(practice=practice).user
        for _ in range(candidates):
            record = CandidateFactory(coach=member)
            make_assignment(record, status="submitted", submitted_at=NOW - DAY)
            make_assignment(record, round=_round(record, scheduled_at=NOW + 2 * DAY))
            make_assignment(record, status="in_progress", due_date=NOW.date() - DAY)
            InterviewerFactory(round=_round(record, scheduled_at=NOW - 2 * DAY))
    with django_assert_max_num_queries(QUERIES_HOME):
        response = lead_at_now.get(HOME)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == coaches + 2  # the lead and the coach too
    assert sorted(row.upcoming_count for row in rows) == [0, 0] + [candidates] * coaches
    assert all(row.overdue == candidates for row in rows if row.upcoming_count)
    # Each row shows its coach's next few interviews; the rest are a link away.
    shown = min(candidates, overview_selectors.OVERVIEW_INTERVIEWS)
    assert sorted(len(row.next_interviews) for row in rows) == [0, 0] + [shown] * coaches


# ---------------------------------------------------------------- members and lone coaches


def test_a_member_sees_the_practice_and_who_leads_it(coach_client, lead, colleague, practice):
    QuestionFactory(owner=colleague, practice=practice)
    response = coach_client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Northstar" in body
    assert "Lee Lead" in body and "Cole Colleague" in body
    assert ">Lead</span>" in body
    assert "The lead sees each coach's caseload" in body
    assert "1 question shared with the practice" in body
    assert "0 templates shared with the practice" in body
    assert reverse("coach:question_list") in body and reverse("coach:template_list") in body
    assert "rows" not in response.context
    assert "caseload-table" not in body
    assert reverse("practice:export") not in body


def test_a_coach_working_alone_can_create_a_practice(other_coach_client):
    response = other_coach_client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "A practice is a team of coaches" in body
    assert "Create a practice" in body
    assert reverse("practice:create") in _post_forms(body)
    assert 'name="name"' in body


def test_a_lead_of_another_practice_sees_only_their_own(rival_client, rival, coach, candidate):
    response = rival_client.get(HOME)
    assert _names(response) == ["Rory Rival"]
    body = response.content.decode()
    assert "Elsewhere" in body
    assert "Cam Candidate" not in body and "Casey Coach" not in body


def test_candidates_and_anonymous_visitors_get_no_practice_pages(
    client, candidate_client, candidate, lead
):
    assignment = make_assignment(candidate)
    urls = [
        HOME,
        reverse("practice:candidate", args=[candidate.pk]),
        reverse("practice:assignment", args=[assignment.pk]),
        reverse("practice:candidate_reassign", args=[candidate.pk]),
    ]
    for url in urls:
        assert candidate_client.get(url).status_code == 404
        assert client.get(url).status_code == 302
    assert candidate_client.post(urls[3], {"coach": lead.pk}).status_code == 404


# ---------------------------------------------------------------- read-only pages


def test_the_lead_reads_a_members_candidate_without_any_way_to_change_it(lead_client, candidate):
    round_ = _round(candidate, scheduled_at=NOW)
    round_.opportunity.company = "Fabrikam"
    round_.opportunity.save()
    InterviewerFactory(round=round_, name="Tom Becker")
    assignment = make_assignment(candidate, round=round_, title="Fabrikam prep")
    response = lead_client.get(reverse("practice:candidate", args=[candidate.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Read-only: Casey Coach coaches this candidate" in body
    assert reverse("practice:candidate_reassign", args=[candidate.pk]) in body
    assert reverse("practice:assignment", args=[assignment.pk]) in body
    assert "Fabrikam prep" in body and "Fabrikam" in body and "Tom Becker" in body
    assert "Not started" in body and "0 of 3 required done" in body
    # Only the navigation's log-out form posts; nothing of the coach's workspace.
    assert _post_forms(body) == [reverse("logout")]
    for name in ("candidate_edit", "candidate_invite", "candidate_archive"):
        assert reverse(f"coach:{name}", args=[candidate.pk]) not in body
    assert candidate.get_absolute_url() not in body
    assert assignment.get_absolute_url() not in body
    # The coach's private notes stay theirs.
    assert candidate.notes not in body


def test_the_lead_reads_answers_comments_and_reviews_with_their_authors(
    lead_client, coach, candidate
):
    assignment = changes_requested(
        make_assignment(candidate, title="Prep"),
        coach,
        comments={1: "Say more about the team."},
        note="Nearly there.",
    )
    first = assignment.items.get(position=1)
    checklists_services.comment_add(item=first, by=candidate.user, body="Will do, thanks.")
    response = lead_client.get(reverse("practice:assignment", args=[assignment.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"Answer to {first.prompt}" in body
    assert "Say more about the team." in body and "Will do, thanks." in body
    assert "Casey Coach</strong> (coach)" in body and "Cam Candidate</strong>" in body
    assert "Coach: needs work" in body
    assert "Nearly there." in body and "by Casey Coach" in body
    assert "Read-only: Casey Coach coaches this candidate" in body
    assert _post_forms(body) == [reverse("logout")]
    assert reverse("coach:assignment_review", args=[assignment.pk]) not in body
    assert reverse("coach:item_comment", args=[first.pk]) not in body
    assert "<textarea" not in body and "<select" not in body


def _read_only_page(client, url, template):
    """The page's HTML, after checking it is the coach's own template and that
    nothing on it posts but the navigation's log-out."""
    response = client.get(url)
    assert response.status_code == 200
    assert response.templates[0].name == template
    assert response.context["read_only"] is True
    body = response.content.decode()
    assert _post_forms(body) == [reverse("logout")]
    return body


def _lead_candidate_page(client, candidate):
    return _read_only_page(
        client,
        reverse("practice:candidate", args=[candidate.pk]),
        "interviews/caseload/candidate_detail.html",
    )


def _lead_checklist_page(client, assignment):
    return _read_only_page(
        client,
        reverse("practice:assignment", args=[assignment.pk]),
        "interviews/review/assignment.html",
    )


def test_the_lead_reads_the_coachs_candidate_page_with_every_action_left_out(
    lead_client, candidate
):
    round_ = _round(candidate)
    make_assignment(candidate, round=round_)
    body = _lead_candidate_page(lead_client, candidate)
    # The coach's sections, with what only the lead needs.
    for heading in ("Profile", "Invitation", "Checklists", "Opportunities and interviews"):
        assert f">{heading}</h2>" in body
    assert "<dt>Coach</dt><dd>Casey Coach</dd>" in body
    assert "<dt>Added</dt>" in body
    assert "Cam Candidate has a login and sees the checklists their coach assigns." in body
    assert "The coach's private notes are not shown here." in body
    assert '<a href="/practice/">Practice</a>' in body
    # Nothing of the coach's to act on, not even a link: no edit, archive,
    # invitation, export or erasure, no new opportunity, round or checklist.
    assert "Data and erasure" not in body and "Download data" not in body
    assert f"/coach/candidates/{candidate.pk}/" not in body
    assert "/coach/opportunities/" not in body and "/coach/rounds/" not in body
    assert f"?candidate={candidate.pk}" not in body
    assert "Withdraw" not in body


def test_the_lead_and_the_coach_read_the_same_invitation_state_only_the_coach_sends_it(
    time_machine, lead_client, coach_client, coach
):
    never, pending, expired = (
        CandidateFactory(coach=coach, full_name=name) for name in ("Nia", "Pip", "Rex")
    )
    caseload_services.invitation_create(candidate=expired, by=coach)
    time_machine.move_to(timezone.now() + 8 * DAY)
    caseload_services.invitation_create(candidate=pending, by=coach)
    for record, state in (
        (never, "Not invited"),
        (pending, "Invited"),
        (expired, "Invitation expired"),  # the lead's copy said "Not invited"
    ):
        badge = f">{state}</span>"
        coachs = coach_client.get(record.get_absolute_url()).content.decode()
        assert badge in coachs and "send invitation</button>" in coachs.lower()
        leads = _lead_candidate_page(lead_client, record)
        assert badge in leads
        assert "send invitation" not in leads.lower()
        assert reverse("coach:candidate_invite", args=[record.pk]) not in leads


def test_the_lead_reads_that_a_candidate_is_archived_without_a_way_to_restore(lead_client, coach):
    archived = CandidateFactory(coach=coach, full_name="Ari Archived", archived=True)
    body = _lead_candidate_page(lead_client, archived)
    assert "Ari Archived is archived: hidden from their coach's active list" in body
    assert "Restore" not in body


def test_the_lead_reads_what_is_left_of_an_erased_candidate(lead_client, coach, candidate):
    make_assignment(candidate, title="Kept title")
    privacy_services.candidate_erase(candidate=candidate, by=coach)
    candidate.refresh_from_db()
    body = _lead_candidate_page(lead_client, candidate)
    assert "Former candidate, erased on" in body and "statuses stay." in body
    assert "Kept title" in body
    assert "No login: this candidate's data was erased." in body
    assert "Data and erasure" not in body and "for your history" not in body


def test_the_lead_reads_their_own_candidate_read_only_with_a_way_to_their_workspace(
    lead_client, lead
):
    mine = CandidateFactory(coach=lead, full_name="Mo Mine")
    assignment = make_assignment(mine)
    body = _lead_candidate_page(lead_client, mine)
    assert "Read-only: you coach this candidate." in body
    assert f'href="{mine.get_absolute_url()}"' in body
    body = _lead_checklist_page(lead_client, assignment)
    assert f'href="{assignment.get_absolute_url()}"' in body


def _in_state(status, candidate, coach) -> Assignment:
    assignment = make_assignment(candidate, title="Prep", instructions="Start with the role.")
    if status == Assignment.Status.IN_PROGRESS:
        first = item_at(assignment, 1)
        checklists_services.assignment_save(
            assignment=assignment,
            by=candidate.user,
            responses={first.pk: (first.version, {"response_text": "Started"})},
        )
    elif status == Assignment.Status.SUBMITTED:
        submitted(assignment)
    elif status == Assignment.Status.CHANGES_REQUESTED:
        changes_requested(assignment, coach, comments={1: "More, please."})
    elif status == Assignment.Status.APPROVED:
        submitted(assignment)
        checklists_services.assignment_review(
            assignment=assignment, by=coach, verdict=Review.Verdict.APPROVED
        )
    elif status == Assignment.Status.WITHDRAWN:
        checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    assignment.refresh_from_db()
    assert assignment.status == status
    return assignment


@pytest.mark.parametrize("status", Assignment.Status.values)
def test_the_lead_reads_each_state_of_a_checklist_on_the_review_page_with_no_form(
    lead_client, coach, candidate, status
):
    assignment = _in_state(status, candidate, coach)
    body = _lead_checklist_page(lead_client, assignment)
    # The coach's page, said to the lead.
    assert html.escape(READ_ONLY_NOTES[status]) in body
    assert "The coach's instructions" in body and "Start with the role." in body
    coach_fact = '<dt class="col-4 col-sm-3">Coach</dt><dd class="col-8 col-sm-9">Casey Coach</dd>'
    assert coach_fact in body
    assert "Review history" in body and item_at(assignment, 1).prompt in body
    # No review marks, comment boxes, verdict or withdrawal.
    assert "<textarea" not in body and "<select" not in body and 'type="radio"' not in body
    assert not re.search(r'name="(mark|comment)-\d+"', body)
    assert "Your verdict" not in body and "Add a comment" not in body
    assert "Withdraw checklist" not in body and "You can still comment" not in body
    for name in ("assignment_review", "assignment_withdraw"):
        assert reverse(f"coach:{name}", args=[assignment.pk]) not in body


def test_the_lead_reads_what_changed_since_the_coachs_last_review(lead_client, coach, candidate):
    """The coach's page has shown the changes since the last review from the
    start; the lead's copy left them out."""
    assignment = changes_requested(make_assignment(candidate), coach, comments={1: "Sharper."})
    first = item_at(assignment, 1)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={first.pk: (first.version, {"response_text": "A sharper answer"})},
    )
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    body = _lead_checklist_page(lead_client, assignment)
    assert "Submitted: waiting for the coach&#x27;s review." in body
    assert "Since the review of" in body
    assert f'the candidate changed 1 item: <a href="#item-{first.pk}">1</a>.' in body
    assert body.count("Changed since the last review") == 1
    assert body.count("Unchanged since the last review.") == 2
    assert "<ins>" in body
    assert "your last review" not in body and "Mark each item" not in body


def test_the_read_only_checklist_costs_the_same_queries_whatever_its_length(
    lead_client, candidate, django_assert_max_num_queries
):
    short = submitted(make_assignment(candidate, kinds=("text",)))
    long = submitted(make_assignment(candidate, kinds=("text", "check", "email") * 6))
    for assignment in (short, long):
        with django_assert_max_num_queries(QUERIES_CHECKLIST):
            response = lead_client.get(reverse("practice:assignment", args=[assignment.pk]))
        assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 5])
def test_the_read_only_candidate_costs_the_same_queries_whatever_the_size(
    lead_client, candidate, size, django_assert_max_num_queries
):
    for _ in range(size):
        round_ = _round(candidate)
        InterviewerFactory(round=round_)
        make_assignment(candidate, round=round_)
        stories_services.story_create(
            candidate=candidate, by=candidate.user, values={"title": f"Story {_}"}
        )
    with django_assert_max_num_queries(QUERIES_CANDIDATE):
        response = lead_client.get(reverse("practice:candidate", args=[candidate.pk]))
    assert response.status_code == 200
    assert len(response.context["assignments"]) == size
    assert len(response.context["stories"].rows) == size


@pytest.mark.parametrize("who", ["colleague", "rival", "other_coach", "coach"])
def test_no_one_but_the_lead_reads_a_members_caseload(request, who, lead, candidate, colleague):
    """The coach may not read a colleague's candidate either, here or in /coach/."""
    theirs = CandidateFactory(coach=colleague)
    target = theirs if who == "coach" else candidate
    assignment = make_assignment(target)
    client = _client_for(request.getfixturevalue(who))
    urls = [
        reverse("practice:candidate", args=[target.pk]),
        reverse("practice:assignment", args=[assignment.pk]),
        reverse("practice:candidate_reassign", args=[target.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[2], {"coach": lead.pk}).status_code == 404
    if who == "coach":
        assert client.get(theirs.get_absolute_url()).status_code == 404
        assert client.get(assignment.get_absolute_url()).status_code == 404
    target.refresh_from_db()
    assert target.coach_id != lead.pk


# ---------------------------------------------------------------- reassigning


def test_the_reassign_form_offers_the_other_coaches_of_the_practice(
    lead_client, lead, coach, colleague, other_coach, candidate
):
    response = lead_client.get(reverse("practice:candidate_reassign", args=[candidate.pk]))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["coach"].queryset)
    assert choices == [colleague, lead]
    body = response.content.decode()
    assert "Casey Coach coaches Cam Candidate now" in body
    assert "Cole Colleague (colleague@example.com)" in body
    assert "othercoach@example.com" not in body


def test_reassigning_moves_the_candidate_and_tells_them(
    lead_client, coach, colleague, candidate, django_capture_on_commit_callbacks
):
    assignment = changes_requested(make_assignment(candidate), coach, comments={1: "Tighten this."})
    url = reverse("practice:candidate_reassign", args=[candidate.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(url, {"coach": colleague.pk})
    assert response.status_code == 302
    assert response.url == HOME
    assert ("success", "Cam Candidate is now coached by Cole Colleague.") in messages_of(response)
    candidate.refresh_from_db()
    assert candidate.coach == colleague

    assert _client_for(colleague).get(candidate.get_absolute_url()).status_code == 200
    assert _client_for(coach).get(candidate.get_absolute_url()).status_code == 404

    to_candidate = [m for m in mail.outbox if m.to == [candidate.user.email]]
    assert len(to_candidate) == 1
    assert "Cole Colleague" in to_candidate[0].subject
    assert "Cole Colleague is your coach" in to_candidate[0].body

    review = Review.objects.get(assignment=assignment)
    assert review.reviewer == coach
    assert Comment.objects.get(body="Tighten this.").author == coach


def test_reassigning_to_a_coach_with_the_same_candidate_is_refused(
    lead_client, coach, colleague, candidate
):
    CandidateFactory(coach=colleague, email=candidate.email, full_name="Cam (old record)")
    url = reverse("practice:candidate_reassign", args=[candidate.pk])
    response = lead_client.post(url, {"coach": colleague.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cole Colleague already has a candidate record for cand@example.com" in body
    # The choice is still made on the form.
    assert re.search(rf'<option value="{colleague.pk}" selected>', body)
    candidate.refresh_from_db()
    assert candidate.coach == coach


@pytest.mark.parametrize("choice", ["coach", "other_coach", "nobody"])
def test_only_another_coach_of_the_practice_can_take_over(
    request, lead_client, coach, candidate, other_coach, choice
):
    value = "" if choice == "nobody" else request.getfixturevalue(choice).pk
    response = lead_client.post(
        reverse("practice:candidate_reassign", args=[candidate.pk]), {"coach": value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["coach"]
    candidate.refresh_from_db()
    assert candidate.coach == coach


def test_a_practice_with_no_other_coach_says_so(db):
    """The lead's own candidate, with no other member but the lead's."""
    solo = MembershipFactory(
        practice=PracticeFactory(name="Solo"), user=CoachFactory(), role=PracticeRole.LEAD
    ).user
    record = CandidateFactory(coach=solo)
    response = _client_for(solo).get(reverse("practice:candidate_reassign", args=[record.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is no other coach to hand" in body
    assert reverse("practice:members") in body
    assert Candidate.objects.get(pk=record.pk).coach == solo


def test_the_oldest_wait_carries_a_valid_machine_readable_time(lead_at_now, lead, candidate):
    # A stored time has microseconds; HTML's datetime attribute accepts none.
    waited = NOW - 3 * DAY + datetime.timedelta(microseconds=123456)
    make_assignment(candidate, status="submitted", submitted_at=waited)

    body = lead_at_now.get(HOME).content.decode()

    stamps = re.findall(r'<time datetime="([^"]*)"', body)
    expected = (NOW - 3 * DAY).astimezone(zoneinfo.ZoneInfo(lead.time_zone)).isoformat()
    assert expected in stamps
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", s) for s in stamps)
