"""Every database constraint rejects the bad row, whatever the form layer does."""

import datetime

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone

from interviews.models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Candidate,
    ChecklistTemplate,
    InterviewRound,
    Invitation,
    Opportunity,
    Question,
    Review,
    TemplateItem,
    User,
)

from ..factories import (
    AssignmentFactory,
    AssignmentItemFactory,
    CandidateFactory,
    ChecklistTemplateFactory,
    CoachFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    UserFactory,
    one_of_each,
)

pytestmark = pytest.mark.django_db


def rejects(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_user_email_is_unique_ignoring_case():
    UserFactory(email="pat@example.com")
    rejects(lambda: User.objects.create(email="PAT@example.com"))


def test_user_role_must_be_known():
    rejects(lambda: UserFactory(role="admin"))


def test_user_manager_lowercases_email_and_logs_in_case_insensitively(client):
    user = User.objects.create_user("Mixed.Case@Example.com", "a-long-password-1")
    assert user.email == "mixed.case@example.com"
    # django-axes (the login lockouts) needs the request authenticate() is given.
    request = RequestFactory().post("/accounts/login/")
    assert client.login(
        request=request, username="MIXED.case@example.com", password="a-long-password-1"
    )


def test_superuser_is_staff_and_coach():
    admin = User.objects.create_superuser("root@example.com", "a-long-password-1")
    assert admin.is_staff and admin.is_superuser and admin.is_coach


def test_candidate_email_unique_per_coach_ignoring_case():
    coach = CoachFactory()
    CandidateFactory(coach=coach, email="a@example.com")
    rejects(lambda: CandidateFactory(coach=coach, email="A@example.com"))


def test_same_candidate_email_is_fine_for_two_coaches():
    CandidateFactory(email="a@example.com")
    CandidateFactory(email="a@example.com")
    assert Candidate.objects.filter(email="a@example.com").count() == 2


def test_one_login_links_to_one_record_per_coach():
    coach, user = CoachFactory(), UserFactory()
    CandidateFactory(coach=coach, user=user)
    rejects(lambda: CandidateFactory(coach=coach, user=user))


def test_invitation_must_expire_after_creation():
    now = timezone.now()
    rejects(
        lambda: Invitation.objects.create(
            candidate=CandidateFactory(), token_hash="x" * 64, created_at=now, expires_at=now
        )
    )


def test_only_one_open_invitation_per_candidate():
    candidate = CandidateFactory()
    now = timezone.now()
    later = now + datetime.timedelta(days=7)
    Invitation.objects.create(candidate=candidate, token_hash="a" * 64, expires_at=later)
    rejects(
        lambda: Invitation.objects.create(
            candidate=candidate, token_hash="b" * 64, expires_at=later
        )
    )


def test_invitation_token_hash_is_unique():
    later = timezone.now() + datetime.timedelta(days=7)
    Invitation.objects.create(candidate=CandidateFactory(), token_hash="a" * 64, expires_at=later)
    rejects(
        lambda: Invitation.objects.create(
            candidate=CandidateFactory(), token_hash="a" * 64, expires_at=later
        )
    )


def test_opportunity_status_must_be_known():
    rejects(lambda: OpportunityFactory(status="maybe"))


def test_round_sequence_is_unique_per_opportunity():
    opportunity = OpportunityFactory()
    InterviewRoundFactory(opportunity=opportunity, sequence=1)
    rejects(lambda: InterviewRoundFactory(opportunity=opportunity, sequence=1))


def test_round_sequence_starts_at_one():
    rejects(lambda: InterviewRoundFactory(sequence=0))


@pytest.mark.parametrize(("field", "value"), [("kind", "lunch"), ("outcome", "ghosted")])
def test_round_kind_and_outcome_must_be_known(field, value):
    rejects(lambda: InterviewRoundFactory(**{field: value}))


def test_builtin_question_needs_a_key_and_owned_question_has_none():
    rejects(lambda: Question.objects.create(owner=None, prompt="?", category="ask"))
    rejects(lambda: QuestionFactory(builtin_key="sneaky"))


def test_builtin_question_keys_are_unique():
    key = Question.objects.builtin().first().builtin_key
    rejects(lambda: Question.objects.create(builtin_key=key, prompt="?", category="ask"))


def test_question_category_must_be_known():
    rejects(lambda: QuestionFactory(category="gossip"))


def test_builtin_template_needs_a_key():
    rejects(lambda: ChecklistTemplate.objects.create(owner=None, title="Loose"))
    rejects(lambda: ChecklistTemplateFactory(builtin_key="sneaky"))


def test_template_item_kind_must_be_known():
    template = ChecklistTemplateFactory()
    rejects(lambda: TemplateItem.objects.create(template=template, kind="video", prompt="?"))


def test_assignment_status_must_be_known():
    rejects(lambda: AssignmentFactory(status="lost"))


def test_submitted_assignment_needs_a_submission_time():
    rejects(lambda: AssignmentFactory(status=Assignment.Status.SUBMITTED, submitted_at=None))


def test_withdrawn_assignment_needs_a_withdrawal_time():
    rejects(lambda: AssignmentFactory(status=Assignment.Status.WITHDRAWN, withdrawn_at=None))


@pytest.mark.parametrize(("field", "value"), [("kind", "video"), ("review_mark", "meh")])
def test_assignment_item_kind_and_mark_must_be_known(field, value):
    rejects(lambda: AssignmentItemFactory(**{field: value}))


def test_revision_versions_are_unique_per_item():
    item = AssignmentItemFactory()
    author = UserFactory()
    AnswerRevision.objects.create(item=item, author=author, item_version=2)
    rejects(lambda: AnswerRevision.objects.create(item=item, author=author, item_version=2))


def test_review_verdict_must_be_known():
    assignment = AssignmentFactory()
    rejects(
        lambda: Review.objects.create(
            assignment=assignment, reviewer=assignment.candidate.coach, verdict="meh"
        )
    )


@pytest.mark.parametrize(
    ("kind", "values", "complete"),
    [
        ("text", {"response_text": "An answer"}, True),
        ("text", {"response_text": ""}, False),
        ("check", {"done": True}, True),
        ("check", {"done": False, "response_text": "a note only"}, False),
        ("email", {"email_body": "Dear Pat"}, True),
        ("email", {"email_to": "pat@example.com", "email_subject": "Thanks"}, False),
    ],
)
def test_item_completeness_agrees_in_python_and_sql(kind, values, complete):
    item = AssignmentItemFactory(kind=kind, required=True, **values)
    assert item.is_complete is complete
    annotated = Assignment.objects.with_readiness().get(pk=item.assignment_id)
    assert (annotated.required_total, annotated.required_done) == (1, int(complete))


def test_every_model_has_a_readable_str(candidate):
    rows = one_of_each(candidate)
    models = set(apps.get_app_config("interviews").get_models())
    assert set(rows) == models, "one_of_each() must build a row of every model"
    for model, row in rows.items():
        text = str(row)
        assert text.strip(), model.__name__
        assert f"{model.__name__} object" not in text, f"{model.__name__} has no __str__"
    assert (
        str(rows[AssignmentItem])
        == f"{rows[AssignmentItem].position}. {rows[AssignmentItem].prompt}"
    )
    assert str(rows[InterviewRound]).startswith("Second-round interview at Acme, ")
    assert str(rows[Opportunity]) == "Analyst at Acme"
    assert str(rows[Assignment]) == "Prep — Cam Candidate"
    assert str(rows[Review]) == "Approved — Prep — Cam Candidate"
    assert str(rows[Invitation]) == "Invitation for Cam Candidate (accepted)"
    assert str(rows[AnswerRevision]) == f"Revision 2 of item {rows[AssignmentItem].pk}"
    assert isinstance(AssignmentItem.Mark.NEEDS_WORK.label, str)
