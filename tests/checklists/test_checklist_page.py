"""The candidate's checklist page as a read model (selectors.checklists.candidate_checklist)
and as forms (forms.checklists.ChecklistPageForms): what is stored, and what the
request brings back so that nothing typed is lost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.forms.checklists import ChecklistItemForms, ChecklistPageForms, ChecklistSent
from interviews.lib.readiness import Readiness
from interviews.models import Assignment, AssignmentItem
from interviews.selectors import checklists as checklists_selectors
from interviews.services import Conflict
from interviews.services import checklists as checklists_services

from ..checklist_helpers import changes_requested, fill_all, form_data, item, submitted
from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment

START = datetime.datetime(2031, 3, 6, 10, 0, tzinfo=datetime.UTC)
MINUTE = datetime.timedelta(minutes=1)


def page_of(assignment: Assignment, *, now=START, items=None):
    return checklists_selectors.candidate_checklist(assignment, now=now, items=items)


@pytest.fixture
def round(candidate):
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind"),
        scheduled_at=START,
    )


# ---------------------------------------------------------------- the read model


def test_each_kind_of_item_gets_its_row(candidate, round):
    assignment = make_assignment(candidate, kinds=("text", "check", "email", "email"), round=round)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={
            item(assignment, 3).pk: (
                1,
                {"email_to": "tom@example.com", "email_subject": "Thanks", "email_body": "Hi Tom"},
            )
        },
    )
    rows = page_of(assignment, now=START - MINUTE).rows
    assert [row.item.kind for row in rows] == ["text", "check", "email", "email"]
    text, check, drafted, empty = rows
    # Only an email item with a body opens a draft in the mail program.
    assert (text.mailto, check.mailto, empty.mailto) == ("", "", "")
    assert drafted.mailto == "mailto:tom@example.com?subject=Thanks&body=Hi%20Tom"
    # "Mark as sent" waits for the interview; the reason is only on email items.
    assert text.email_sent_closed == check.email_sent_closed == ""
    closed = "You can mark it as sent once the interview has started (Thu 6 Mar at 10:00 UTC)."
    assert drafted.email_sent_closed == empty.email_sent_closed == closed


def test_marking_as_sent_opens_at_the_start_read_at_the_pages_now(candidate, round):
    assignment = make_assignment(candidate, kinds=("email",), round=round)
    assert page_of(assignment, now=START - MINUTE).rows[0].email_sent_closed
    assert page_of(assignment, now=START).rows[0].email_sent_closed == ""


def test_marking_as_sent_waits_for_a_date_and_never_for_a_checklist_without_round(candidate, round):
    round.scheduled_at = None
    round.save()
    for_round = make_assignment(candidate, kinds=("email",), round=round)
    without = make_assignment(candidate, kinds=("email",))
    assert page_of(for_round).rows[0].email_sent_closed == (
        "You can mark it as sent once the interview has taken place."
    )
    assert page_of(without).rows[0].email_sent_closed == ""


def test_the_date_is_said_in_the_candidates_time_zone(candidate, round):
    assignment = make_assignment(candidate, kinds=("email",), round=round)
    with timezone.override(datetime.timezone(datetime.timedelta(hours=2))):
        closed = page_of(assignment, now=START - MINUTE).rows[0].email_sent_closed
    assert closed.endswith("(Thu 6 Mar at 12:00 UTC+02:00).")


def test_an_editable_checklist_reads_its_readiness_and_no_review(candidate):
    assignment = make_assignment(candidate, kinds=("text", "check", "email"))
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={item(assignment, 1).pk: (1, {"response_text": "Done"})},
    )
    page = page_of(assignment)
    assert page.editable
    assert page.readiness == Readiness(done=1, total=3)
    assert page.latest_review is None
    assert page.needs_work == []


def test_changes_requested_reads_the_review_and_what_needs_work(candidate, coach):
    assignment = make_assignment(candidate, kinds=("text", "check", "email"))
    changes_requested(assignment, coach, marks=(2,), comments={2: "Say when."}, note="Close.")
    page = page_of(assignment)
    assert page.editable
    assert page.latest_review.note == "Close."
    assert [(entry.item.position, entry.excerpt) for entry in page.needs_work] == [(2, "Say when.")]


def test_a_submitted_checklist_is_read_only_and_lists_nothing_to_rework(candidate, coach):
    assignment = submitted(make_assignment(candidate))
    page = page_of(assignment)
    assert not page.editable
    assert page.needs_work == []
    assert page.readiness.is_complete


def test_the_items_come_with_their_comments(candidate, coach, django_assert_num_queries):
    assignment = make_assignment(candidate, kinds=("text", "check"))
    checklists_services.comment_add(item=item(assignment, 2), by=coach, body="Which one?")
    page = page_of(assignment)
    # The rows carry the comments as lists, read in one query for the page
    # (not prefetched managers on the items: issue 25).
    with django_assert_num_queries(0):
        bodies = [[c.body for c in row.comments] for row in page.rows]
        authors = [c.author.full_name for row in page.rows for c in row.comments]
    assert bodies == [[], ["Which one?"]]
    assert authors == [coach.full_name]


@pytest.mark.parametrize("size", [3, 30])
def test_the_read_model_runs_seven_queries_at_any_size(
    candidate, coach, size, django_assert_num_queries
):
    kinds = (["text", "check", "email"] * 10)[:size]
    assignment = make_assignment(candidate, kinds=kinds)
    changes_requested(assignment, coach, marks=(1, 2), comments={1: "More.", 2: "Less."})
    for it in assignment.items.all():
        checklists_services.comment_add(item=it, by=coach, body="A comment")
    assignment = Assignment.objects.select_related("candidate", "round").get(pk=assignment.pk)
    # The items, their comments with authors, their files, the latest review,
    # the stories used and the bank (empty: no tags read), the written
    # answers' rehearsal takes.
    with django_assert_num_queries(7):
        page = page_of(assignment)
        assert len(page.rows) == size
        assert len(page.needs_work) == 2


def test_items_already_read_are_not_read_again(candidate, django_assert_num_queries):
    assignment = make_assignment(candidate)
    items = checklists_selectors.checklist_items_with_comments(assignment)
    # The stories used, the bank, the rehearsal takes (never reviewed: no
    # review to read).
    with django_assert_num_queries(3):
        page = page_of(assignment, items=items)
    assert page.items is items


# ---------------------------------------------------------------- the forms


def test_fresh_forms_of_an_editable_checklist(candidate):
    assignment = make_assignment(candidate)
    items = list(assignment.items.all())
    forms = ChecklistPageForms(items, editable=True)
    inputs = [forms.for_item(i) for i in items]
    assert [type(i.form).__name__ for i in inputs] == [
        "TextItemForm",
        "CheckItemForm",
        "EmailItemForm",
    ]
    assert all(not i.form.is_bound for i in inputs)
    # The reply boxes belong to the checklist form: one button saves and posts.
    assert all(i.comment_form.inline and not i.comment_form.is_bound for i in inputs)
    assert [(i.conflict, i.missing, i.unsaved) for i in inputs] == [(None, False, None)] * 3
    assert forms.errors == [] and forms.missing == []


def test_fresh_forms_of_a_read_only_checklist(candidate):
    assignment = submitted(make_assignment(candidate))
    items = list(assignment.items.all())
    forms = ChecklistPageForms(items, editable=False)
    assert forms.form is None
    for it in items:
        box = forms.for_item(it).comment_form
        assert forms.for_item(it).form is None
        # Its own little form, joined by the form attribute (forms cannot nest).
        assert not box.inline
        assert box.fields["body"].widget.attrs["form"] == f"comment-form-{it.pk}"


def test_the_pressed_reply_box_is_kept_even_empty_and_blank_ones_are_not(candidate):
    assignment = make_assignment(candidate)
    first, second, third = assignment.items.all()
    data = form_data(assignment)
    data[f"comment-{first.pk}-body"] = "   "
    data[f"comment-{third.pk}-body"] = "A reply"
    sent = ChecklistSent.from_post(list(assignment.items.all()), data, reply_to=second)
    assert sorted(sent.replies) == [second.pk, third.pk]
    # The empty pressed box says what is missing; the answers are fine.
    assert not sent.is_valid()
    assert sent.answers.is_valid()
    assert sent.replies[second.pk].errors["body"] == ["Write something before posting."]
    assert sent.replies[third.pk].is_valid()


def test_a_refused_post_shows_every_error_and_keeps_every_box(candidate):
    assignment = make_assignment(candidate)
    items = list(assignment.items.all())
    data = form_data(assignment, item1={"response_text": "x" * 20001})
    data[f"comment-{items[1].pk}-body"] = "Keep me"
    sent = ChecklistSent.from_post(items, data, reply_to=None)
    assert not sent.is_valid()
    forms = ChecklistPageForms(items, editable=True, sent=sent)
    assert [(form.item.position, label) for form, _, label, _ in forms.errors] == [(1, "My answer")]
    assert forms.for_item(items[0]).form["response_text"].value() == "x" * 20001
    assert forms.for_item(items[1]).comment_form["body"].value() == "Keep me"


def test_text_typed_into_a_checklist_that_became_read_only_is_shown_for_copying(candidate):
    assignment = make_assignment(candidate, kinds=("text", "check", "text"))
    fill_all(assignment)
    third = item(assignment, 3)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={third.pk: (third.version, {"response_text": "Line one\nLine two"})},
    )
    items = list(assignment.items.all())
    # Typed in one tab; submitted from another meanwhile.
    data = form_data(
        assignment,
        item1={"response_text": "Not saved"},
        # Only line endings and surrounding spaces differ: nothing to copy.
        item3={"response_text": "  Line one\r\nLine two\n"},
    )
    data[f"comment-{items[1].pk}-body"] = "A reply typed inline"
    checklists_services.assignment_submit(assignment=assignment, by=candidate.user)
    sent = ChecklistSent.from_post(items, data, reply_to=None)
    forms = ChecklistPageForms(items, editable=False, sent=sent)
    first, second, third = (forms.for_item(i) for i in items)
    assert first.form is None
    assert first.unsaved == {"response_text": "Not saved"}
    assert second.unsaved is None
    assert third.unsaved is None
    # The reply moves to the read-only page's own box, text kept.
    assert not second.comment_form.inline
    assert second.comment_form["body"].value() == "A reply typed inline"
    assert second.comment_form.is_valid()


def test_a_reply_posted_on_its_own_moves_into_the_checklist_form_when_editable(candidate):
    from interviews.forms.checklists import CommentForm

    assignment = make_assignment(candidate)
    it = item(assignment, 1)
    typed = CommentForm(it, {"body": ""})
    typed.is_valid()
    forms = ChecklistPageForms(
        list(assignment.items.all()), editable=True, sent=ChecklistSent(replies={it.pk: typed})
    )
    box = forms.for_item(it).comment_form
    assert box.inline
    assert box.errors["body"] == ["Write something before posting."]
    # Nothing typed into the answers: they are the stored ones.
    assert not forms.for_item(it).form.is_bound


def test_rebound_after_a_conflict_keeps_the_replies_and_marks_the_item(candidate):
    assignment = make_assignment(candidate)
    items = list(assignment.items.all())
    data = form_data(assignment, item1={"response_text": "Mine"})
    data[f"comment-{items[2].pk}-body"] = "Still here"
    sent = ChecklistSent.from_post(items, data, reply_to=None)
    stored = AssignmentItem.objects.get(pk=items[0].pk)
    rebound = sent.rebound(items, conflicts=[Conflict(item=stored, mine={"response_text": "Mine"})])
    assert list(rebound.conflicts) == [items[0].pk]
    assert list(rebound.replies) == [items[2].pk]
    forms = ChecklistPageForms(items, editable=True, sent=rebound)
    assert forms.for_item(items[0]).conflict.mine == {"response_text": "Mine"}
    assert forms.for_item(items[1]).conflict is None


def test_rebound_after_a_refused_submit_lists_the_missing_and_empties_the_posted_boxes(
    candidate,
):
    assignment = make_assignment(candidate)
    items = list(assignment.items.all())
    data = form_data(assignment)
    data[f"comment-{items[0].pk}-body"] = "Posted"
    sent = ChecklistSent.from_post(items, data, reply_to=None)
    rebound = sent.rebound(items, missing=items[1:])
    assert rebound.replies == {}
    forms = ChecklistPageForms(items, editable=True, sent=rebound)
    assert forms.missing == items[1:]
    assert [forms.for_item(i).missing for i in items] == [False, True, True]
    assert not forms.for_item(items[0]).comment_form.is_bound
    assert isinstance(rebound.answers, ChecklistItemForms)


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("size", [3, 30])
def test_a_refused_reply_shows_the_page_in_a_fixed_number_of_queries(
    candidate, coach, candidate_client, size, django_assert_max_num_queries
):
    assignment = make_assignment(candidate, kinds=(["text", "check", "email"] * 10)[:size])
    for it in assignment.items.all():
        checklists_services.comment_add(item=it, by=coach, body="A comment")
    first = item(assignment, 1)
    # Session, user, the item, the checklist; its items, their comments, the
    # latest review (read once: the reply box is moved, not re-read); the
    # stories used and the bank; the items' files; the rehearsal takes. (The
    # navigation's unread count is on the user row since issue 25: no query.)
    with django_assert_max_num_queries(11):
        response = candidate_client.post(reverse("me:item_comment", args=[first.pk]), {"body": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card mb-3 checklist-item') == size
    assert "Write something before posting." in html
