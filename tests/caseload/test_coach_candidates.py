"""Coach candidate pages: list, create, edit, detail, archive / restore, invite."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.lib import when as when_lib
from interviews.models import Candidate, Interviewer, Invitation
from interviews.services import stories as stories_services

from ..factories import (
    AssignmentFactory,
    CandidateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)

LIST = reverse("coach:candidate_list")
CREATE = reverse("coach:candidate_create")


def detail(c):
    return reverse("coach:candidate_detail", args=[c.pk])


# ---------------------------------------------------------------- access
# Who gets which status on each page is in test_permissions.py; these check
# that a refused POST stores nothing, and the cases the matrix does not cover.


@pytest.mark.parametrize("name", ["candidate_archive", "candidate_restore", "candidate_invite"])
def test_candidate_actions_are_post_only_and_owner_only(
    name, coach, coach_client, other_coach_client, candidate_client, client
):
    record = CandidateFactory(coach=coach)
    url = reverse(f"coach:{name}", args=[record.pk])
    assert coach_client.get(url).status_code == 405
    assert other_coach_client.post(url).status_code == 404
    assert candidate_client.post(url).status_code == 404
    assert client.post(url).status_code == 302
    record.refresh_from_db()
    assert record.archived is False
    assert not record.invitations.exists()


# ---------------------------------------------------------------- list


def test_the_list_shows_only_the_coachs_own_active_candidates(
    coach, coach_client, candidate, other_candidate
):
    CandidateFactory(coach=coach, full_name="Archie Archived", archived=True)
    body = coach_client.get(LIST).content.decode()
    assert candidate.full_name in body
    assert other_candidate.full_name not in body
    assert "Archie Archived" not in body
    archived = coach_client.get(LIST, {"archived": "1"}).content.decode()
    assert "Archie Archived" in archived
    assert candidate.full_name not in archived


@pytest.mark.parametrize("q", ["quinn", "QUINN@ex", "zebra keeper"])
def test_the_list_searches_name_email_and_headline(coach, coach_client, q):
    CandidateFactory(
        coach=coach, full_name="Quinn Query", email="quinn@example.com", headline="Zebra keeper"
    )
    CandidateFactory(coach=coach, full_name="Nobody Else", email="nobody@example.com")
    body = coach_client.get(LIST, {"q": q}).content.decode()
    assert "Quinn Query" in body
    assert "Nobody Else" not in body


def test_an_empty_search_says_what_to_do_next(coach_client, candidate):
    body = coach_client.get(LIST, {"q": "no such person"}).content.decode()
    assert "No candidate matches" in body


def test_a_coach_without_candidates_is_told_to_add_one(coach_client):
    body = coach_client.get(LIST).content.decode()
    assert "You have no candidates yet" in body
    assert CREATE in body


def test_each_row_shows_next_interview_and_checklists_waiting_for_review(
    coach, coach_client, candidate
):
    opportunity = OpportunityFactory(candidate=candidate, company="Acme Rockets")
    InterviewRoundFactory(opportunity=opportunity)
    make_assignment(candidate, status="submitted", submitted_at="2026-01-01T10:00Z")
    make_assignment(candidate, status="submitted", submitted_at="2026-01-02T10:00Z")
    make_assignment(candidate, status="in_progress")
    response = coach_client.get(LIST)
    row = response.context["page"].object_list[0]
    assert row.waiting_review == 2
    assert row.next_interview_company == "Acme Rockets"
    assert "Acme Rockets" in response.content.decode()


def test_the_list_is_paginated_by_25(coach, coach_client):
    CandidateFactory.create_batch(30, coach=coach)
    first = coach_client.get(LIST)
    assert len(first.context["page"].object_list) == 25
    second = coach_client.get(LIST, {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "Page 2 of 2" in second.content.decode()


def test_page_links_keep_the_search_and_the_archived_filter(coach, coach_client):
    CandidateFactory.create_batch(30, coach=coach, headline="Data analyst", archived=True)
    html = coach_client.get(LIST, {"q": "analyst", "archived": "1"}).content.decode()
    assert 'href="?q=analyst&amp;archived=1&amp;page=2" rel="next"' in html


def test_each_row_shows_the_next_interview_else_the_last_one(coach, coach_client):
    now = timezone.now()
    both = CandidateFactory(coach=coach, full_name="Ada Both")
    _round_for(both, "Past Co", now - datetime.timedelta(days=3))
    _round_for(both, "Next Co", now + datetime.timedelta(days=2))
    _round_for(both, "Later Co", now + datetime.timedelta(days=9))
    past_only = CandidateFactory(coach=coach, full_name="Ben Past")
    _round_for(past_only, "Old Co", now - datetime.timedelta(days=30))
    last = _round_for(past_only, "Recent Co", now - datetime.timedelta(days=2))
    # A cancelled interview is neither the next nor the last.
    _round_for(past_only, "Dropped Co", now + datetime.timedelta(days=1), outcome="withdrawn")
    _round_for(past_only, "Dropped Co", now - datetime.timedelta(days=1), outcome="withdrawn")
    CandidateFactory(coach=coach, full_name="Cy None")
    undated = CandidateFactory(coach=coach, full_name="Di Undated")
    _round_for(undated, "Someday Co", None)
    response = coach_client.get(LIST)
    rows = {c.full_name: c for c in response.context["page"].object_list}
    assert rows["Ada Both"].next_interview_company == "Next Co"
    assert rows["Ben Past"].next_interview_at is None
    assert rows["Ben Past"].last_interview_company == "Recent Co"
    assert rows["Ben Past"].last_interview_at == last.scheduled_at
    text = {
        name: " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for name, cell in re.findall(
            r'fw-semibold" href="[^"]+">([^<]+)</a>.*?<td>(.*?)</td>\s*<td class="text-end">',
            response.content.decode(),
            re.S,
        )
    }
    when = rows["Ada Both"].next_interview_at
    assert text["Ada Both"] == f"Next {when_lib.when(when)} Next Co"
    when = last.scheduled_at
    assert text["Ben Past"] == f"Last {when_lib.when(when)} Recent Co"
    assert text["Cy None"] == "No interviews yet"
    assert text["Di Undated"] == "No interviews yet"


def _round_for(candidate, company, scheduled_at, **kwargs):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company=company),
        scheduled_at=scheduled_at,
        **kwargs,
    )


def _candidates_with_data(coach, n):
    now = timezone.now()
    for i in range(n):
        c = CandidateFactory(coach=coach, full_name=f"Candidate {i:03}")
        # Every other one with a next interview, the others with only a past one.
        when = now + datetime.timedelta(days=2) if i % 2 else now - datetime.timedelta(days=2)
        _round_for(c, f"Firm {i}", when)
        AssignmentFactory(candidate=c, status="submitted", submitted_at="2026-01-01T10:00Z")


@pytest.mark.parametrize("n", [5, 100])
def test_the_list_runs_a_fixed_number_of_queries(
    n, coach, coach_client, django_assert_max_num_queries
):
    _candidates_with_data(coach, n)
    # session, user, page count, one query for the rows with their annotations
    # +1: unread notices in the navigation
    with django_assert_max_num_queries(5):
        response = coach_client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(n, 25)
    body = response.content.decode()
    shown = min(n, 25)
    assert body.count('<span class="small text-body-secondary">Next</span>') == shown // 2
    assert body.count('<span class="small text-body-secondary">Last</span>') == shown - shown // 2


# ---------------------------------------------------------------- create and edit


def test_a_coach_adds_a_candidate(coach, coach_client):
    response = coach_client.post(
        CREATE,
        {
            "full_name": "Nia New",
            "email": " Nia@Example.COM ",
            "headline": "Data engineer",
            "notes": "Met at a meetup.",
        },
    )
    created = Candidate.objects.get(full_name="Nia New")
    assert response.status_code == 302
    assert response.url == detail(created)
    assert created.coach == coach
    assert created.email == "nia@example.com"
    assert created.notes == "Met at a meetup."
    assert created.user is None


def test_a_duplicate_email_is_a_form_error_not_a_500(coach, coach_client, candidate):
    response = coach_client.post(
        CREATE, {"full_name": "Twin", "email": candidate.email.upper(), "headline": ""}
    )
    assert response.status_code == 200
    assert "already have a candidate with this email" in response.content.decode()
    assert response.context["form"]["full_name"].value() == "Twin"
    assert Candidate.objects.filter(coach=coach).count() == 1


def test_another_coach_may_use_the_same_email(other_coach_client, candidate):
    response = other_coach_client.post(
        CREATE, {"full_name": "Same Person", "email": candidate.email}
    )
    assert response.status_code == 302
    assert Candidate.objects.filter(email=candidate.email).count() == 2


@pytest.mark.parametrize(
    "data, field",
    [
        ({"full_name": "x" * 151, "email": "a@example.com"}, "full_name"),
        ({"full_name": "Nul\x00l", "email": "a@example.com"}, "full_name"),
        ({"full_name": "Bad Email", "email": "not-an-email"}, "email"),
        ({"full_name": "", "email": "a@example.com"}, "full_name"),
    ],
)
def test_bad_input_is_a_form_error_naming_the_field(coach_client, data, field):
    response = coach_client.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Please correct" in response.content.decode()


def test_a_coach_edits_a_candidate(coach_client, candidate):
    response = coach_client.post(
        reverse("coach:candidate_edit", args=[candidate.pk]),
        {
            "full_name": "Cam Renamed",
            "email": candidate.email,
            "headline": "Head of data",
            "notes": "Private note",
        },
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.full_name == "Cam Renamed"
    assert candidate.headline == "Head of data"
    assert candidate.notes == "Private note"


def test_editing_to_another_candidates_email_is_a_form_error(coach, coach_client, candidate):
    CandidateFactory(coach=coach, email="taken@example.com")
    response = coach_client.post(
        reverse("coach:candidate_edit", args=[candidate.pk]),
        {"full_name": "Cam", "email": "TAKEN@example.com"},
    )
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    candidate.refresh_from_db()
    assert candidate.email == "cand@example.com"


def test_another_coach_cannot_edit_by_post(other_coach_client, candidate):
    response = other_coach_client.post(
        reverse("coach:candidate_edit", args=[candidate.pk]),
        {"full_name": "Hijacked", "email": "x@example.com"},
    )
    assert response.status_code == 404
    candidate.refresh_from_db()
    assert candidate.full_name == "Cam Candidate"


# ---------------------------------------------------------------- archive and restore


def test_archive_and_restore_keep_the_candidate(coach_client, candidate):
    response = coach_client.post(reverse("coach:candidate_archive", args=[candidate.pk]))
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.archived is True
    assert "is archived" in coach_client.get(response.url).content.decode()

    coach_client.post(reverse("coach:candidate_restore", args=[candidate.pk]))
    candidate.refresh_from_db()
    assert candidate.archived is False


def test_another_coach_cannot_archive(other_coach_client, candidate):
    response = other_coach_client.post(reverse("coach:candidate_archive", args=[candidate.pk]))
    assert response.status_code == 404
    candidate.refresh_from_db()
    assert candidate.archived is False


# ---------------------------------------------------------------- invitations


def _link(body: str) -> str:
    return re.search(r"http://testserver(/invite/\S+/)", body).group(1)


def test_inviting_sends_an_email_whose_link_works(
    coach, coach_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    record = CandidateFactory(coach=coach, full_name="Ivy Invitee", email="ivy@example.com")
    url = reverse("coach:candidate_invite", args=[record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(url)
    assert response.status_code == 302
    assert "Invitation sent to ivy@example.com" in coach_client.get(response.url).content.decode()
    invitation = Invitation.objects.get(candidate=record)
    assert invitation.sent_at is not None and invitation.accepted_at is None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ivy@example.com"]
    accept = client.get(_link(mailoutbox[0].body))
    assert accept.status_code == 200
    assert "ivy@example.com" in accept.content.decode() or "Ivy" in accept.content.decode()


def test_re_inviting_replaces_the_old_link(
    coach, coach_client, client, mailoutbox, django_capture_on_commit_callbacks
):
    record = CandidateFactory(coach=coach)
    url = reverse("coach:candidate_invite", args=[record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        coach_client.post(url)
        coach_client.post(url)
    assert len(mailoutbox) == 2
    assert record.invitations.count() == 2
    assert record.invitations.filter(revoked_at__isnull=True).count() == 1
    assert client.get(_link(mailoutbox[0].body)).status_code == 410
    assert client.get(_link(mailoutbox[1].body)).status_code == 200


def test_inviting_an_archived_candidate_is_refused_with_a_message(coach, coach_client, mailoutbox):
    record = CandidateFactory(coach=coach, archived=True)
    response = coach_client.post(reverse("coach:candidate_invite", args=[record.pk]), follow=True)
    assert "is archived" in response.content.decode()
    assert not record.invitations.exists()
    assert mailoutbox == []


def test_inviting_a_joined_candidate_is_refused_with_a_message(coach_client, candidate):
    response = coach_client.post(
        reverse("coach:candidate_invite", args=[candidate.pk]), follow=True
    )
    assert "already joined" in response.content.decode()
    assert candidate.invitations.count() == 1


# ---------------------------------------------------------------- detail


def test_the_detail_page_shows_the_invitation_state(coach, coach_client, candidate):
    fresh = CandidateFactory(coach=coach)
    assert "Not invited" in coach_client.get(detail(fresh)).content.decode()
    assert "Send invitation" in coach_client.get(detail(fresh)).content.decode()
    coach_client.post(reverse("coach:candidate_invite", args=[fresh.pk]))
    body = coach_client.get(detail(fresh)).content.decode()
    assert "Invited" in body and "expires" in body and "Re-send invitation" in body
    assert "Joined" in coach_client.get(detail(candidate)).content.decode()


def test_the_detail_page_shows_profile_opportunities_rounds_and_assignments(
    coach_client, candidate
):
    opportunity = OpportunityFactory(candidate=candidate, company="Globex", position="Analyst")
    round = InterviewRoundFactory(opportunity=opportunity, outcome="advanced")
    make_assignment(candidate, round=round, title="Globex prep", due_date="2030-05-01")
    response = coach_client.get(detail(candidate))
    assert response.context["read_only"] is False
    body = response.content.decode()
    assert candidate.notes in body
    assert "<dt>Added</dt>" in body  # from the practice lead's copy of this page
    assert "Analyst at Globex" in body
    assert "Advanced" in body
    assert "Globex prep" in body
    assert "1 May 2030" in body
    assert "0 of 3 required" in body
    assert f"?candidate={candidate.pk}" in body
    assert reverse("coach:opportunity_create", args=[candidate.pk]) in body


def test_the_detail_page_lists_each_rounds_interviewers(coach_client, candidate):
    opportunity = OpportunityFactory(candidate=candidate, company="Globex")
    round = InterviewRoundFactory(opportunity=opportunity)
    InterviewerFactory(round=round, name="Dana Scully", role=Interviewer.Role.HIRING_MANAGER)
    InterviewerFactory(round=round, name="Fox Mulder", role=Interviewer.Role.TEAMMATE)
    InterviewRoundFactory(opportunity=opportunity, kind="final")
    body = coach_client.get(detail(candidate)).content.decode()
    assert "With Dana Scully (hiring manager), Fox Mulder (future teammate)" in body
    assert "No interviewers listed yet" in body  # the final round


@pytest.mark.parametrize("n", [1, 5])
def test_the_detail_page_runs_a_fixed_number_of_queries(
    n, coach_client, candidate, django_assert_max_num_queries
):
    for _ in range(n):
        opportunity = OpportunityFactory(candidate=candidate)
        round = InterviewRoundFactory(opportunity=opportunity)
        InterviewerFactory.create_batch(2, round=round)
        make_assignment(candidate, round=round)
        stories_services.story_create(
            candidate=candidate, by=candidate.user, values={"title": f"Story {_}"}
        )
    # session, user, candidate; opportunities, their rounds, the rounds'
    # interviewers; checklists, their rounds; stories, their tags, where each
    # is used, the tags to list; unread notices in the navigation. The last
    # invitation is read only while the candidate has no login.
    with django_assert_max_num_queries(13):
        body = coach_client.get(detail(candidate)).content.decode()
    assert body.count("(hiring manager)") == 2 * n
    assert body.count("Not used yet") == n


# ---------------------------------------------------------------- one way to assign


def _assign_links(body: str) -> list[str]:
    """Every link in the page's <main> to the assign form, as its whole <a>
    tag. The site nav's generic "Assign checklist" is outside <main>."""
    main = body[body.index("<main") : body.index("</main>")]
    path = re.escape(reverse("coach:assignment_create"))
    return re.findall(rf'<a [^>]*href="{path}[^"]*"[^>]*>[^<]*</a>', main)


@pytest.mark.parametrize("with_checklist", [False, True])
def test_the_candidate_page_offers_assign_once_as_the_checklists_button(
    coach_client, candidate, with_checklist
):
    if with_checklist:
        make_assignment(
            candidate,
            round=InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate)),
        )
    body = coach_client.get(detail(candidate)).content.decode()
    [link] = _assign_links(body)
    assert f"?candidate={candidate.pk}" in link
    assert 'class="btn btn-sm btn-primary"' in link
    assert ">Assign a checklist</a>" in link
    # In the Checklists section, after its heading, not in the page header.
    assert body.index('id="checklists-heading"') < body.index(link)


def test_an_archived_candidates_page_offers_no_assign(coach, coach_client):
    archived = CandidateFactory(coach=coach, archived=True)
    assert _assign_links(coach_client.get(detail(archived)).content.decode()) == []
