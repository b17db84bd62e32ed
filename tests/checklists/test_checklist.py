"""The candidate's fill-in page: one form, drafts, submit, conflicts, comments, email items."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews.models import AnswerRevision, Assignment, Comment, Review
from interviews.services import checklists as checklists_services

from ..checklist_helpers import fill_all, form_data, item, submitted
from ..factories import InterviewRoundFactory, OpportunityFactory, make_assignment

S = Assignment.Status


@pytest.fixture
def assignment(candidate):
    round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
    return make_assignment(
        candidate,
        round=round,
        instructions="Keep each answer short.",
        due_date=datetime.date(2031, 5, 17),
    )


def url(assignment):
    return reverse("me:checklist", args=[assignment.pk])


def interview_started(assignment):
    """Move the checklist's round into the past: thank-you emails go out after it."""
    assignment.round.scheduled_at = timezone.now() - datetime.timedelta(hours=2)
    assignment.round.save()


class FormNesting(HTMLParser):
    """Records whether any <form> opens inside another one."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.nested = False

    def handle_starttag(self, tag, attrs):
        if tag == "form":
            self.nested = self.nested or self.depth > 0
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1


def _main_form(html: str) -> str:
    start = html.index('id="checklist-form"')
    return html[start : html.index("</form>", start)]


# ---------------------------------------------------------------- the page


def test_the_page_is_one_form_with_the_right_widget_per_kind(assignment, candidate_client):
    response = candidate_client.get(url(assignment))
    assert response.status_code == 200
    html = response.content.decode()
    text, check, email = (item(assignment, n) for n in (1, 2, 3))
    main = _main_form(html)
    assert main.count("<form") == 0
    assert f'<textarea name="item-{text.pk}-response_text"' in main
    assert f'type="checkbox" name="item-{check.pk}-done"' in main
    assert f'<textarea name="item-{check.pk}-response_text"' in main
    assert f'name="item-{email.pk}-email_to"' in main
    assert f'name="item-{email.pk}-email_subject"' in main
    assert f'<textarea name="item-{email.pk}-email_body"' in main
    for it in (text, check, email):
        assert f'name="item-{it.pk}-version" value="1"' in main
    assert 'name="action" value="save"' in main
    assert 'name="action" value="submit"' in main
    assert "Keep each answer short." in html
    assert "17 May 2031" in html
    assert assignment.round.opportunity.company in html


def test_reply_and_mark_as_sent_are_buttons_of_the_checklist_form(assignment, candidate_client):
    interview_started(assignment)
    fill_all(assignment)
    html = candidate_client.get(url(assignment)).content.decode()
    parser = FormNesting()
    parser.feed(html)
    assert parser.nested is False
    email = item(assignment, 3)
    main = _main_form(html)
    assert f'name="action" value="email_sent:{email.pk}"' in main
    assert f'name="action" value="comment:{email.pk}"' in main
    assert f'name="comment-{email.pk}-body"' in main


def test_a_read_only_checklist_keeps_small_forms_outside(assignment, candidate_client):
    submitted(assignment)
    html = candidate_client.get(url(assignment)).content.decode()
    parser = FormNesting()
    parser.feed(html)
    assert parser.nested is False
    first = item(assignment, 1)
    assert f'action="{reverse("me:item_comment", args=[first.pk])}"' in html
    assert f'form="comment-form-{first.pk}"' in html
    assert 'id="checklist-form"' not in html


def test_posting_a_reply_saves_the_draft_typed_elsewhere(assignment, candidate, candidate_client):
    first, second = item(assignment, 1), item(assignment, 2)
    data = form_data(assignment, action=f"comment:{second.pk}", item1={"response_text": "Typed"})
    data[f"comment-{second.pk}-body"] = "Which references do you mean?"
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{second.pk}")
    first.refresh_from_db()
    assert first.response_text == "Typed"
    comment = Comment.objects.get(item=second)
    assert (comment.author, comment.body) == (candidate.user, "Which references do you mean?")


def test_an_empty_inline_reply_saves_nothing_and_keeps_everything(assignment, candidate_client):
    first, second = item(assignment, 1), item(assignment, 2)
    data = form_data(assignment, action=f"comment:{second.pk}", item1={"response_text": "Typed"})
    data[f"comment-{second.pk}-body"] = "   "
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write something before posting." in html
    assert re.search(r">\s*Typed</textarea>", html)
    first.refresh_from_db()
    assert first.response_text == ""
    assert not Comment.objects.exists()


def test_save_and_mark_as_sent_saves_the_email_first(assignment, candidate_client):
    interview_started(assignment)
    email = item(assignment, 3)
    data = form_data(
        assignment,
        action=f"email_sent:{email.pk}",
        item3={"email_to": "pat@example.com", "email_subject": "Thanks", "email_body": "Dear Pat"},
    )
    response = candidate_client.post(url(assignment), data, follow=True)
    assert "Email marked as sent. Your draft was saved." in response.content.decode()
    email.refresh_from_db()
    assert email.email_body == "Dear Pat"
    assert email.email_sent_at is not None


def test_an_item_action_on_an_unknown_item_is_a_plain_save(assignment, candidate_client):
    data = form_data(assignment, action="comment:999999", item1={"response_text": "Kept"})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "Kept"
    assert not Comment.objects.exists()


def test_the_mailto_link_is_built_from_the_saved_email(assignment, candidate):
    email = item(assignment, 3)
    checklists_services.assignment_save(
        assignment=assignment,
        by=candidate.user,
        responses={
            email.pk: (
                1,
                {
                    "email_to": "pat@example.com",
                    "email_subject": "Thanks & more",
                    "email_body": "Dear Pat,\nthank you!",
                },
            )
        },
    )
    client = Client()
    client.force_login(candidate.user)
    html = client.get(url(assignment)).content.decode()
    assert (
        'href="mailto:pat@example.com?subject=Thanks%20%26%20more&amp;body=Dear%20Pat%2C%0Athank%20you%21"'
        in html
    )


def test_the_email_item_is_wired_to_open_and_copy_the_text_on_screen(assignment, candidate_client):
    """static/js/app.js builds the link from the fields as typed (as for
    thank-you notes): the item carries its id for the script, the link and the
    copy button are there for it, and the no-script hint says what the link opens."""
    email = item(assignment, 3)
    html = candidate_client.get(url(assignment)).content.decode()
    card = html[html.index(f'id="item-{email.pk}"') :]
    card = card[: card.index("</li>")]
    assert f'data-email-item="{email.pk}"' in card
    assert 'href="mailto:" data-mailto hidden>Open in my email program</a>' in card
    assert "data-copy-text hidden>Copy text</button>" in card
    assert "<span data-no-script-hint>Save a draft with a body" in card
    assert f'id="id_item-{email.pk}-email_body"' in card


def test_the_coach_mark_and_comments_are_shown_with_a_reply_box(
    assignment, candidate, coach, candidate_client
):
    submitted(assignment)
    first = item(assignment, 1)
    checklists_services.assignment_review(
        assignment=assignment,
        by=coach,
        verdict=Review.Verdict.CHANGES_REQUESTED,
        marks={first.pk: "needs_work"},
        comments={first.pk: "Which dashboards exactly?"},
        note="Nearly there.",
    )
    html = candidate_client.get(url(assignment)).content.decode()
    assert "Coach: needs work" in html
    assert "Which dashboards exactly?" in html
    assert "Nearly there." in html
    assert f'id="id_comment-{first.pk}-body"' in html


def test_the_page_never_shows_the_coachs_private_notes(assignment, candidate, candidate_client):
    candidate.notes = "PRIVATE-COACH-NOTE"
    candidate.save()
    html = candidate_client.get(url(assignment)).content.decode()
    assert "PRIVATE-COACH-NOTE" not in html


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_submitted_and_approved_checklists_are_read_only(assignment, candidate_client, status):
    submitted(assignment)
    if status == S.APPROVED:
        Assignment.objects.filter(pk=assignment.pk).update(status=S.APPROVED)
    html = candidate_client.get(url(assignment)).content.decode()
    assert 'id="checklist-form"' not in html
    assert not re.search(r'name="item-\d+-', html)
    assert "Answer to" in html  # the answers, shown as text
    assert "read-only" in html


# ---------------------------------------------------------------- access
# Who gets which status on each page is in test_permissions.py; these check
# that a refused POST stores nothing, and the cases the matrix does not cover.


def test_a_withdrawn_checklist_is_404_for_the_candidate(assignment, coach, candidate_client):
    checklists_services.assignment_withdraw(assignment=assignment, by=coach)
    assert candidate_client.get(url(assignment)).status_code == 404
    assert candidate_client.post(url(assignment), form_data(assignment)).status_code == 404


# ---------------------------------------------------------------- save draft


def test_a_draft_keeps_partial_input(assignment, candidate_client):
    data = form_data(assignment, item1={"response_text": "Half an answer"})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "Half an answer"
    assert item(assignment, 2).done is False
    assert item(assignment, 3).email_body == ""


def test_an_overlong_answer_is_a_field_error_and_keeps_all_input(assignment, candidate_client):
    data = form_data(
        assignment,
        item1={"response_text": "x" * 20001},
        item2={"done": True, "response_text": "Portfolio link ready"},
        item3={"email_subject": "Thank you", "email_body": "Dear Pat"},
    )
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Item 1 · My answer" in html
    assert "at most 20000 characters" in html
    assert "x" * 20001 in html
    assert "Portfolio link ready" in html
    assert "Dear Pat" in html
    assert re.search(rf'name="item-{item(assignment, 2).pk}-done"[^>]*checked', html)
    for n in (1, 2, 3):
        assert item(assignment, n).version == 1  # nothing saved
    assert not AnswerRevision.objects.exists()


def test_an_overlong_subject_names_the_field(assignment, candidate_client):
    data = form_data(assignment, item3={"email_subject": "s" * 201, "email_body": "Body kept"})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Item 3 · Subject" in html
    assert "at most 200 characters" in html
    assert "Body kept" in html
    assert item(assignment, 3).email_body == ""


def test_a_nul_byte_is_a_form_error_not_a_crash(assignment, candidate_client):
    data = form_data(assignment, item1={"response_text": "bad\x00text"})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert item(assignment, 1).response_text == ""


def test_unknown_item_ids_in_the_post_are_ignored(assignment, candidate_client):
    data = form_data(assignment, item1={"response_text": "Real"})
    data["item-999999-version"] = "1"
    data["item-999999-response_text"] = "Ghost"
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "Real"


def test_an_item_missing_from_the_post_is_left_alone(assignment, candidate, candidate_client):
    fill_all(assignment)
    check = item(assignment, 2)
    data = form_data(assignment, item1={"response_text": "New"})
    for key in [k for k in data if k.startswith(f"item-{check.pk}-")]:
        del data[key]
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.done is True


@pytest.mark.parametrize("version", ["abc", "0", str(2**70)])
def test_a_tampered_version_is_a_form_error(assignment, candidate_client, version):
    data = form_data(assignment, item1={"response_text": "Kept", "version": version})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    assert "Item 1 · Version" in response.content.decode()
    assert item(assignment, 1).response_text == ""


# ---------------------------------------------------------------- revisions


def test_a_revision_is_written_only_for_changed_items(assignment, candidate_client):
    candidate_client.post(url(assignment), form_data(assignment, item1={"response_text": "One"}))
    first = item(assignment, 1)
    assert AnswerRevision.objects.filter(item=first).count() == 1
    assert AnswerRevision.objects.count() == 1
    # The same again: nothing changed, nothing written.
    candidate_client.post(url(assignment), form_data(assignment))
    assert AnswerRevision.objects.count() == 1
    candidate_client.post(url(assignment), form_data(assignment, item1={"response_text": "Two"}))
    revisions = list(AnswerRevision.objects.filter(item=first).order_by("item_version"))
    assert [r.response_text for r in revisions] == ["One", "Two"]
    assert revisions[-1].author == assignment.candidate.user
    assert AnswerRevision.objects.count() == 2


# ---------------------------------------------------------------- submit


def test_submit_lists_the_missing_items_and_keeps_input(assignment, candidate_client):
    data = form_data(assignment, "submit", item1={"response_text": "Only this one"})
    response = candidate_client.post(url(assignment), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your answers were saved" in html
    check, email = item(assignment, 2), item(assignment, 3)
    assert f"2. {check.prompt}" in html
    assert f"3. {email.prompt}" in html
    assert f'href="#item-{check.pk}"' in html
    assert html.count("item-missing") == 2
    assert "Only this one" in html
    first = item(assignment, 1)
    assert first.response_text == "Only this one"  # the save part happened
    assert f'name="item-{first.pk}-version" value="{first.version}"' in html
    assignment.refresh_from_db()
    assert assignment.status == S.IN_PROGRESS


def test_saving_again_from_the_incomplete_submit_page_is_no_conflict(assignment, candidate_client):
    candidate_client.post(
        url(assignment), form_data(assignment, "submit", item1={"response_text": "v1"})
    )
    # The re-rendered page carries the new version: the next save goes through.
    response = candidate_client.post(
        url(assignment), form_data(assignment, item1={"response_text": "v2"})
    )
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "v2"


def test_submit_emails_the_coach_after_commit(
    assignment, coach, candidate_client, mailoutbox, django_capture_on_commit_callbacks
):
    fill_all(assignment)
    with django_capture_on_commit_callbacks(execute=True):
        response = candidate_client.post(url(assignment), form_data(assignment, "submit"))
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [coach.email]
    assert assignment.title in message.subject
    assert reverse("coach:assignment_detail", args=[assignment.pk]) in message.body


def test_a_refused_submit_sends_no_email(
    assignment, candidate_client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        candidate_client.post(url(assignment), form_data(assignment, "submit"))
    assert mailoutbox == []


# ---------------------------------------------------------------- two tabs


def test_a_two_tab_conflict_keeps_both_texts(assignment, candidate_client):
    first = item(assignment, 1)
    tab_b = form_data(assignment, item1={"response_text": "Written in tab B"})
    candidate_client.post(
        url(assignment), form_data(assignment, item1={"response_text": "Written in tab A"})
    )
    response = candidate_client.post(url(assignment), tab_b)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Saved in another tab or by someone else" in html
    assert "Your text" in html
    stored = html.index("conflict-stored")
    mine = html.index("conflict-mine")
    assert "Written in tab A" in html[stored:mine]
    assert "Written in tab B" in html[mine:]
    # The field keeps the user's text and now carries the stored version.
    assert re.search(
        rf'<textarea name="item-{first.pk}-response_text"[^>]*>\s*Written in tab B</textarea>', html
    )
    assert f'name="item-{first.pk}-version" value="2"' in html
    first.refresh_from_db()
    assert first.response_text == "Written in tab A"


def test_saving_again_after_a_conflict_is_deliberate_and_goes_through(assignment, candidate_client):
    tab_b = form_data(assignment, item1={"response_text": "Tab B"})
    candidate_client.post(url(assignment), form_data(assignment, item1={"response_text": "Tab A"}))
    candidate_client.post(url(assignment), tab_b)  # conflict
    retry = form_data(assignment, item1={"response_text": "Tab B, merged"})  # version 2 now
    response = candidate_client.post(url(assignment), retry)
    assert response.status_code == 302
    assert item(assignment, 1).response_text == "Tab B, merged"


def test_a_conflict_shows_the_newer_value_of_untouched_items(assignment, candidate_client):
    tab_b = form_data(assignment, item1={"response_text": "B one"})
    candidate_client.post(
        url(assignment),
        form_data(
            assignment,
            item1={"response_text": "A one"},
            item2={"done": True, "response_text": "A note"},
        ),
    )
    response = candidate_client.post(url(assignment), tab_b)
    html = response.content.decode()
    check = item(assignment, 2)
    assert re.search(
        rf'<textarea name="item-{check.pk}-response_text"[^>]*>\s*A note</textarea>', html
    )
    assert f'name="item-{check.pk}-version" value="2"' in html


# ---------------------------------------------------------------- comments and email items


def test_the_candidate_replies_in_an_items_thread(assignment, candidate, candidate_client):
    first = item(assignment, 1)
    response = candidate_client.post(
        reverse("me:item_comment", args=[first.pk]),
        {"body": "I will add the churn example."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{first.pk}")
    comment = Comment.objects.get(item=first)
    assert comment.author == candidate.user
    assert comment.body == "I will add the churn example."


def test_an_empty_reply_is_refused_with_a_message(assignment, candidate_client):
    first = item(assignment, 1)
    response = candidate_client.post(reverse("me:item_comment", args=[first.pk]), {"body": "  "})
    assert response.status_code == 200
    assert "Write something before posting." in response.content.decode()
    assert not Comment.objects.exists()


def test_an_overlong_reply_is_shown_back(assignment, candidate_client):
    first = item(assignment, 1)
    long = "r" * 5001
    response = candidate_client.post(reverse("me:item_comment", args=[first.pk]), {"body": long})
    assert response.status_code == 200
    assert long in response.content.decode()
    assert not Comment.objects.exists()


def test_the_candidate_cannot_comment_on_another_candidates_item(candidate_client, other_candidate):
    foreign = item(make_assignment(other_candidate), 1)
    response = candidate_client.post(reverse("me:item_comment", args=[foreign.pk]), {"body": "Hi"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_the_candidate_marks_the_email_as_sent(assignment, candidate_client):
    interview_started(assignment)
    fill_all(assignment)
    email = item(assignment, 3)
    response = candidate_client.post(reverse("me:item_email_sent", args=[email.pk]))
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.email_sent_at is not None
    html = candidate_client.get(url(assignment)).content.decode()
    assert "Marked as sent" in html


def test_marking_an_unwritten_email_as_sent_is_refused(assignment, candidate_client):
    interview_started(assignment)
    email = item(assignment, 3)
    response = candidate_client.post(reverse("me:item_email_sent", args=[email.pk]), follow=True)
    assert "Write and save the email" in response.content.decode()
    email.refresh_from_db()
    assert email.email_sent_at is None


def test_another_candidate_cannot_mark_the_email_sent(assignment, other_candidate_client):
    fill_all(assignment)
    email = item(assignment, 3)
    response = other_candidate_client.post(reverse("me:item_email_sent", args=[email.pk]))
    assert response.status_code == 404
    email.refresh_from_db()
    assert email.email_sent_at is None


# ---------------------------------------------------------------- query count


@pytest.mark.parametrize("size", [5, 60])
def test_the_fill_page_runs_a_fixed_number_of_queries(
    candidate, coach, candidate_client, django_assert_max_num_queries, size
):
    kinds = (["text", "check", "email"] * 20)[:size]
    assignment = make_assignment(candidate, kinds=kinds)
    fill_all(assignment)
    for it in assignment.items.all():
        checklists_services.comment_add(item=it, by=coach, body="A comment")
    # +2: the stories used, the bank; +1: the files; +1: the written answers'
    # rehearsal takes (the Rehearse buttons' counts). The unread-notice count
    # is on the user row since issue 25: no query.
    with django_assert_max_num_queries(10):
        response = candidate_client.get(url(assignment))
    assert response.status_code == 200
    assert response.content.decode().count('class="card mb-3 checklist-item') == size
