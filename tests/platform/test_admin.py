"""The admin shows everything, but state goes through the services and the audit
trail (answer revisions, reviews, comments) is read-only."""

import datetime

import pytest
from django.contrib import admin
from django.forms import MultiWidget
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from interviews.models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    Review,
    SetAsideNotes,
    TemplateItem,
    ThankYouNote,
    UnsubscribeLink,
)

from ..factories import UserFactory, one_of_each

AUDIT = [AnswerRevision, Review, Comment]


@pytest.fixture
def rows(candidate):
    return one_of_each(candidate)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def unchanged_form(response) -> dict:
    """The change form (with its inlines) as a browser posts it when nothing is edited."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                parts = field.widget.decompress(value)
                for suffix, part in zip(field.widget.widgets_names, parts, strict=True):
                    data[f"{key}{suffix}"] = "" if part is None else str(part)
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def test_a_superuser_can_open_every_list_and_change_page(admin_client, rows):
    registered = {model for model in admin.site._registry if model._meta.app_label == "interviews"}
    # Items are shown as inlines on their template's and assignment's pages, a
    # round's interviewers, asked questions and thank-you notes on the round's.
    inlined = {TemplateItem, AssignmentItem, Interviewer, AskedQuestion, ThankYouNote}
    # Not in the admin on purpose: notes set aside at a reassignment are shown
    # to no one (README, "Practices"); unsubscribe links are bare hashes.
    hidden = {SetAsideNotes, UnsubscribeLink}
    assert registered == set(rows) - inlined - hidden
    for model in registered:
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200, model
        assert admin_client.get(admin_url(model, "change", rows[model].pk)).status_code == 200, (
            model
        )


def _post_change(admin_client, row, **changes):
    """POST the change form with ``changes`` on top; the save must go through."""
    url = admin_url(type(row), "change", row.pk)
    data = {**unchanged_form(admin_client.get(url)), **changes}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    row.refresh_from_db()
    return row


def test_an_assignments_state_cannot_be_changed_in_the_admin(admin_client, rows):
    assignment = rows[Assignment]
    before = (assignment.status, assignment.submitted_at)
    assert assignment.status == Assignment.Status.APPROVED
    _post_change(
        admin_client,
        assignment,
        title="Renamed in the admin",
        status=Assignment.Status.IN_PROGRESS,
        submitted_at_0="2020-01-01",
        submitted_at_1="10:00",
        withdrawn_at_0="2020-01-01",
        withdrawn_at_1="10:00",
    )
    assert assignment.title == "Renamed in the admin"  # plain data still saves
    assert (assignment.status, assignment.submitted_at) == before
    assert assignment.withdrawn_at is None


def test_an_invitations_token_and_times_cannot_be_changed_in_the_admin(admin_client, rows):
    invitation = rows[Invitation]
    before = (invitation.token_hash, invitation.accepted_at, invitation.revoked_at)
    later = invitation.expires_at + datetime.timedelta(days=1)
    local = timezone.localtime(later)
    _post_change(
        admin_client,
        invitation,
        expires_at_0=local.date().isoformat(),
        expires_at_1=local.time().isoformat(),
        token_hash="0" * 64,
        accepted_at_0="",
        accepted_at_1="",
        revoked_at_0="2020-01-01",
        revoked_at_1="10:00",
    )
    assert invitation.expires_at == later
    assert (invitation.token_hash, invitation.accepted_at, invitation.revoked_at) == before


def test_a_rounds_debrief_time_cannot_be_changed_in_the_admin(admin_client, rows):
    round_ = rows[InterviewRound]
    _post_change(
        admin_client,
        round_,
        location="Room 4",
        debriefed_at_0="2020-01-01",
        debriefed_at_1="10:00",
    )
    assert round_.location == "Room 4"
    assert round_.debriefed_at is None


def test_a_candidates_login_cannot_be_linked_in_the_admin(admin_client, rows):
    candidate = rows[Candidate]
    stranger = UserFactory()
    _post_change(admin_client, candidate, headline="Data lead", user=stranger.pk)
    assert candidate.headline == "Data lead"
    assert candidate.user != stranger


def test_item_marks_and_versions_cannot_be_changed_through_the_assignment(admin_client, rows):
    item = rows[AssignmentItem]
    before = (item.review_mark, item.marked_version, item.version, item.email_sent_at)
    prefix = "items-0"
    _post_change(
        admin_client,
        rows[Assignment],
        **{
            f"{prefix}-review_mark": AssignmentItem.Mark.NEEDS_WORK,
            f"{prefix}-version": "99",
            f"{prefix}-marked_version": "99",
        },
    )
    item.refresh_from_db()
    assert (item.review_mark, item.marked_version, item.version, item.email_sent_at) == before


@pytest.mark.parametrize("model", AUDIT, ids=lambda m: m.__name__)
def test_audit_rows_can_be_read_but_not_added_changed_or_deleted(admin_client, rows, model):
    row = rows[model]
    change_url = admin_url(model, "change", row.pk)
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert admin_client.get(admin_url(model, "add")).status_code == 403
    assert admin_client.post(admin_url(model, "add"), {}).status_code == 403
    assert admin_client.post(change_url, {}).status_code == 403
    assert admin_client.get(admin_url(model, "delete", row.pk)).status_code == 403
    assert admin_client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_every_admin_showing_audit_rows_is_view_only(admin_user):
    """Model admins and inlines alike, so a new inline cannot reopen the door."""
    request = RequestFactory().get("/")
    request.user = admin_user
    shown = []
    for model, model_admin in admin.site._registry.items():
        if model in AUDIT:
            shown.append(model_admin)
        shown += [
            inline(model, admin.site) for inline in model_admin.inlines if inline.model in AUDIT
        ]
    assert {a.model for a in shown} >= set(AUDIT)
    for shown_admin in shown:
        assert shown_admin.has_view_permission(request)
        assert not shown_admin.has_add_permission(request, None)
        assert not shown_admin.has_change_permission(request)
        assert not shown_admin.has_delete_permission(request)


def test_invitations_and_checklist_items_are_only_made_by_the_services(admin_client, rows):
    assert admin_client.get(admin_url(Invitation, "add")).status_code == 403
    page = admin_client.get(admin_url(Assignment, "change", rows[Assignment].pk))
    items = next(i for i in page.context["inline_admin_formsets"] if i.opts.model is AssignmentItem)
    assert not items.has_add_permission and not items.formset.can_delete
    page = admin_client.get(admin_url(Candidate, "change", rows[Candidate].pk))
    invitations = next(
        i for i in page.context["inline_admin_formsets"] if i.opts.model is Invitation
    )
    assert not invitations.has_add_permission and not invitations.formset.can_delete
