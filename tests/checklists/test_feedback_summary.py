"""After "changes requested", the candidate's checklist and home say where: the items
marked "needs work", each linked, with the first words of the coach's comment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interviews.services import checklists as checklists_services

from ..checklist_helpers import changes_requested, item
from ..factories import make_assignment

HOME = reverse("me:home")
LONG_COMMENT = (
    "Say which projects you would inherit and who you would work with beyond the "
    "team, and end with a question about the first ninety days."
)


_request_changes = changes_requested


@pytest.fixture
def assignment(candidate, coach):
    assignment = make_assignment(candidate, title="Second-round prep")
    _request_changes(
        assignment,
        coach,
        marks=[1, 3],
        comments={1: LONG_COMMENT, 3: "Thank them by name."},
        note="Nearly there.",
    )
    return assignment


def _needs_work_block(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</ul>", start)]


def test_the_checklist_lists_the_items_that_need_work(assignment, candidate_client):
    html = candidate_client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()
    block = _needs_work_block(html, "Items that need work:")
    first, third = item(assignment, 1), item(assignment, 3)
    assert f'href="#item-{first.pk}"' in block
    assert f'href="#item-{third.pk}"' in block
    assert f'href="#item-{item(assignment, 2).pk}"' not in block
    # The first words of the coach's comment, cut short.
    assert "“Say which projects you would inherit and who you would work with…”" in block
    assert "first ninety days" not in block
    assert "“Thank them by name.”" in block
    assert "Nearly there." in html  # the overall note is still there


def test_the_home_lists_them_under_the_checklist(assignment, candidate_client):
    html = candidate_client.get(HOME).content.decode()
    block = _needs_work_block(html, "Your coach asked for changes on:")
    url = reverse("me:checklist", args=[assignment.pk])
    assert f'href="{url}#item-{item(assignment, 1).pk}"' in block
    assert f'href="{url}#item-{item(assignment, 3).pk}"' in block
    assert "“Thank them by name.”" in block


def test_the_quote_is_the_coachs_latest_comment_not_the_candidates_reply(
    assignment, candidate_client, coach
):
    third = item(assignment, 3)
    checklists_services.comment_add(
        item=third, by=assignment.candidate.user, body="Which name, Pat or Sam?"
    )
    checklists_services.comment_add(item=third, by=coach, body="Both of them, one email each.")
    html = candidate_client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()
    block = _needs_work_block(html, "Items that need work:")
    assert "“Both of them, one email each.”" in block
    assert "Pat or Sam" not in block


def test_a_needs_work_mark_without_a_comment_is_listed_without_a_quote(
    candidate, coach, candidate_client
):
    assignment = make_assignment(candidate)
    _request_changes(assignment, coach, marks=[2], comments={})
    html = candidate_client.get(reverse("me:checklist", args=[assignment.pk])).content.decode()
    block = _needs_work_block(html, "Items that need work:")
    assert f'href="#item-{item(assignment, 2).pk}"' in block
    assert "“" not in block


def test_nothing_is_listed_once_resubmitted(assignment, candidate_client):
    checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    html = candidate_client.get(HOME).content.decode()
    assert "Your coach asked for changes on:" not in html


def test_the_home_query_count_does_not_grow_with_feedback(candidate, coach, candidate_client):
    def home_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = candidate_client.get(HOME)
        assert response.status_code == 200
        return len(queries)

    def add_changes_requested(count: int) -> None:
        for _ in range(count):
            assignment = make_assignment(candidate)
            _request_changes(assignment, coach, marks=[1, 2], comments={1: "More.", 2: "Less."})

    add_changes_requested(1)
    one = home_queries()
    add_changes_requested(9)
    assert home_queries() == one
    html = candidate_client.get(HOME).content.decode()
    assert html.count("Your coach asked for changes on:") == 10
