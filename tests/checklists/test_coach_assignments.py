"""Assigning a checklist to a candidate (and round), and withdrawing it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interviews.models import Assignment, ChecklistTemplate
from interviews.services import checklists as checklists_services

from ..factories import (
    CandidateFactory,
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    TemplateItemFactory,
    make_assignment,
)

NEW = reverse("coach:assignment_create")


@pytest.fixture
def template(coach):
    template = ChecklistTemplateFactory(owner=coach, title="My second-round prep")
    TemplateItemFactory(template=template, position=1, prompt="What will you ask?")
    TemplateItemFactory(template=template, position=2, kind="check", prompt="Portfolio ready")
    return template


@pytest.fixture
def round(candidate):
    scheduled = timezone.now() + datetime.timedelta(days=10)
    return InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Initech"),
        scheduled_at=scheduled,
    )


def _post(client, candidate, template, **extra):
    data = {"candidate": candidate.pk, "template": template.pk, "instructions": ""}
    data.update(extra)
    return client.post(NEW, data)


# ---------------------------------------------------------------- access
# Who gets which status on each page is in test_permissions.py; these check
# that a refused POST stores nothing.


def test_a_candidate_cannot_post_the_assign_form(candidate_client, candidate, template):
    assert _post(candidate_client, candidate, template).status_code == 404
    assert not Assignment.objects.exists()


def test_withdraw_is_post_only_and_owner_only(
    candidate, coach_client, other_coach_client, candidate_client, client
):
    assignment = make_assignment(candidate)
    url = reverse("coach:assignment_withdraw", args=[assignment.pk])
    assert coach_client.get(url).status_code == 405
    assert other_coach_client.post(url).status_code == 404
    assert candidate_client.post(url).status_code == 404
    assert client.post(url).status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ASSIGNED


# ---------------------------------------------------------------- the form


def test_the_form_offers_only_own_active_candidates_and_visible_templates(
    coach, coach_client, candidate, other_candidate, other_coach
):
    CandidateFactory(coach=coach, full_name="Archie Archived", archived=True)
    ChecklistTemplateFactory(owner=other_coach, title="Someone else's template")
    form = coach_client.get(NEW).context["form"]
    assert list(form.fields["candidate"].queryset) == [candidate]
    titles = {t.title for t in form.fields["template"].queryset}
    assert "Someone else's template" not in titles
    assert {t.title for t in ChecklistTemplate.objects.builtin()} <= titles


def test_the_form_is_prefilled_from_the_candidate_and_round(coach, coach_client, candidate, round):
    response = coach_client.get(NEW, {"candidate": candidate.pk, "round": round.pk})
    form = response.context["form"]
    assert form.initial["candidate"] == candidate
    assert form.initial["round"] == round
    assert form.initial["due_date"] == round.scheduled_at.date() - datetime.timedelta(days=2)
    assert list(form.fields["round"].queryset) == [round]
    body = response.content.decode()
    assert f'value="{round.pk}" selected' in body


def test_the_default_due_date_is_two_days_before_in_the_coachs_zone(coach, coach_client, candidate):
    coach.time_zone = "Pacific/Auckland"
    coach.save()
    # 20:00 UTC on 9 June is 08:00 on 10 June in Auckland: due on 8 June.
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate),
        scheduled_at=datetime.datetime(2031, 6, 9, 20, 0, tzinfo=datetime.UTC),
    )
    form = coach_client.get(NEW, {"candidate": candidate.pk, "round": round.pk}).context["form"]
    assert form.initial["due_date"] == datetime.date(2031, 6, 8)


def test_the_default_due_date_is_never_in_the_past(
    coach, candidate, template, django_capture_on_commit_callbacks
):
    """An interview tomorrow: two days before it was yesterday, so it is due today."""
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate),
        scheduled_at=timezone.now() + datetime.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assignment = checklists_services.assignment_create(
            coach=coach, candidate=candidate, template=template, round=round
        )
    assert assignment.due_date == timezone.localdate()


@pytest.mark.parametrize("query", [{"candidate": "abc"}, {"candidate": "999999", "round": "x"}])
def test_junk_prefill_ids_are_ignored(coach_client, query):
    assert coach_client.get(NEW, query).status_code == 200


def test_another_coachs_candidate_is_not_prefilled(coach_client, other_candidate):
    form = coach_client.get(NEW, {"candidate": other_candidate.pk}).context["form"]
    assert "candidate" not in form.initial


# ---------------------------------------------------------------- assigning


def test_assigning_copies_the_items_and_emails_the_candidate(
    coach_client, candidate, template, round, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            coach_client,
            candidate,
            template,
            round=round.pk,
            due_date="2031-01-10",
            instructions="Focus on the role's history.",
        )
    assignment = Assignment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("coach:assignment_detail", args=[assignment.pk])
    assert assignment.candidate == candidate
    assert assignment.round == round
    assert assignment.template == template
    assert assignment.status == Assignment.Status.ASSIGNED
    assert assignment.due_date == datetime.date(2031, 1, 10)
    assert assignment.instructions == "Focus on the role's history."
    assert [(i.position, i.kind, i.prompt) for i in assignment.items.all()] == [
        (1, "text", "What will you ask?"),
        (2, "check", "Portfolio ready"),
    ]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [candidate.user.email]
    assert mail.reply_to == [candidate.coach.email]  # written on the coach's behalf
    assert "My second-round prep" in mail.subject
    assert f"http://testserver{assignment.get_candidate_url()}" in mail.body
    assert "Focus on the role's history." in mail.body


def test_later_template_edits_do_not_change_the_assignment(coach_client, candidate, template):
    _post(coach_client, candidate, template)
    assignment = Assignment.objects.get()
    item = template.items.get(position=1)
    item.prompt = "Changed afterwards"
    item.save()
    TemplateItemFactory(template=template, position=3, prompt="Added afterwards")
    prompts = list(assignment.items.values_list("prompt", flat=True))
    assert prompts == ["What will you ask?", "Portfolio ready"]


def test_a_built_in_template_can_be_assigned(coach_client, candidate):
    builtin = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    response = _post(coach_client, candidate, builtin)
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.items.count() == builtin.items.count() > 0


def test_an_empty_due_date_with_a_round_defaults_to_two_days_before(
    coach_client, candidate, template, round
):
    _post(coach_client, candidate, template, round=round.pk, due_date="")
    assert Assignment.objects.get().due_date == round.scheduled_at.date() - datetime.timedelta(2)


def test_assigning_to_an_archived_candidate_is_refused_with_a_message(
    coach, coach_client, template, mailoutbox
):
    archived = CandidateFactory(coach=coach, full_name="Archie Archived", archived=True)
    response = _post(coach_client, archived, template, instructions="Keep me")
    assert response.status_code == 200
    assert "Archie Archived is archived" in response.content.decode()
    assert "candidate" in response.context["form"].errors
    assert "Keep me" in response.content.decode()
    assert not Assignment.objects.exists()
    assert mailoutbox == []


def test_prefilling_an_archived_candidate_warns(coach, coach_client):
    archived = CandidateFactory(coach=coach, full_name="Archie Archived", archived=True)
    response = coach_client.get(NEW, {"candidate": archived.pk})
    assert "Archie Archived is archived" in response.content.decode()


def test_a_round_of_another_candidate_is_refused_with_a_clear_error(
    coach, coach_client, candidate, template
):
    sibling = CandidateFactory(coach=coach, full_name="Sibling Candidate")
    their_round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=sibling))
    response = _post(coach_client, candidate, template, round=their_round.pk)
    assert response.status_code == 200
    errors = response.context["form"].errors["round"]
    assert "belongs to Sibling Candidate" in errors[0]
    assert not Assignment.objects.exists()


def test_another_coachs_ids_are_form_errors_not_500s(
    coach_client, candidate, template, other_candidate, other_coach
):
    other_round = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=other_candidate))
    other_template = ChecklistTemplateFactory(owner=other_coach)
    TemplateItemFactory(template=other_template)
    for data in [
        {"candidate": other_candidate.pk, "template": template.pk},
        {"candidate": candidate.pk, "template": template.pk, "round": other_round.pk},
        {"candidate": candidate.pk, "template": other_template.pk},
        {"candidate": "999999", "template": "nope", "round": "1e9"},
    ]:
        response = coach_client.post(NEW, data)
        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"due_date": "2031-02-30"}, "due_date"),
        ({"due_date": "2001-01-01"}, "due_date"),
        ({"due_date": "3000-01-01"}, "due_date"),
        ({"instructions": "x" * 5001}, "instructions"),
        ({"instructions": "nul\x00byte"}, "instructions"),
    ],
)
def test_bad_input_is_a_form_error(coach_client, candidate, template, extra, field):
    response = _post(coach_client, candidate, template, **extra)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_a_service_refusal_is_shown_on_the_form(coach, coach_client, candidate):
    empty = ChecklistTemplateFactory(owner=coach, title="Empty template")
    response = _post(coach_client, candidate, empty, instructions="Still here")
    assert response.status_code == 200
    body = response.content.decode()
    assert "has no items yet" in body
    assert "Still here" in body
    assert not Assignment.objects.exists()


# ---------------------------------------------------------------- withdrawing


def test_withdrawing_keeps_the_assignment_but_hides_it(coach_client, candidate, candidate_client):
    assignment = make_assignment(candidate, title="To withdraw")
    response = coach_client.post(reverse("coach:assignment_withdraw", args=[assignment.pk]))
    assert response.status_code == 302
    assert response.url == candidate.get_absolute_url()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    assert assignment.withdrawn_at is not None
    assert "is withdrawn" in coach_client.get(response.url).content.decode()
    assert candidate_client.get(assignment.get_candidate_url()).status_code == 404


def test_withdrawing_twice_is_a_message_not_an_error(coach_client, candidate):
    assignment = make_assignment(candidate)
    url = reverse("coach:assignment_withdraw", args=[assignment.pk])
    coach_client.post(url)
    response = coach_client.post(url, follow=True)
    assert response.status_code == 200
    assert "already withdrawn" in response.content.decode()
