import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from interviews.models import PracticeRole
from interviews.services import caseload as caseload_services

from .factories import (
    PASSWORD,
    CandidateFactory,
    ChecklistTemplateFactory,
    CoachFactory,
    MembershipFactory,
    PracticeFactory,
    TemplateItemFactory,
    UserFactory,
)

# Hypothesis (tests/matrix/test_fuzz_forms.py): CI runs 200 examples per form, the same
# ones every time; a request is slower than the default deadline allows, and the
# examples share the test's database (each rolls back its own writes).
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
    ],
    database=None,
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def coach(db):
    return CoachFactory(email="coach@example.com", full_name="Casey Coach")


@pytest.fixture
def other_coach(db):
    return CoachFactory(email="othercoach@example.com", full_name="Olive Othercoach")


@pytest.fixture
def candidate_user(db):
    return UserFactory(email="cand@example.com", full_name="Cam Candidate")


@pytest.fixture
def candidate(coach, candidate_user):
    """The coach's candidate record, linked to a login (invitation accepted)."""
    record = CandidateFactory(coach=coach, email=candidate_user.email, full_name="Cam Candidate")
    invitation, _ = caseload_services.invitation_create(candidate=record, by=coach)
    caseload_services.invitation_accept(invitation=invitation, user=candidate_user)
    record.refresh_from_db()
    return record


@pytest.fixture
def other_candidate_user(db):
    return UserFactory(email="othercand@example.com", full_name="Oz Othercandidate")


@pytest.fixture
def other_candidate(other_coach, other_candidate_user):
    """Another coach's candidate, also linked to a login."""
    record = CandidateFactory(
        coach=other_coach, email=other_candidate_user.email, full_name="Oz Othercandidate"
    )
    invitation, _ = caseload_services.invitation_create(candidate=record, by=other_coach)
    caseload_services.invitation_accept(invitation=invitation, user=other_candidate_user)
    record.refresh_from_db()
    return record


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coach_client(coach):
    return _client_for(coach)


@pytest.fixture
def other_coach_client(other_coach):
    return _client_for(other_coach)


@pytest.fixture
def candidate_client(candidate):
    return _client_for(candidate.user)


@pytest.fixture
def other_candidate_client(other_candidate):
    return _client_for(other_candidate.user)


# ---------------------------------------------------------------- practices
# ``practice``: "Northstar" led by ``lead``, with ``coach`` and ``colleague``
# as members. ``other_coach`` works alone; ``rival`` leads another practice.


@pytest.fixture
def practice(coach):
    practice = PracticeFactory(name="Northstar")
    MembershipFactory(practice=practice, user=coach, role=PracticeRole.COACH)
    return practice


@pytest.fixture
def lead(practice):
    return MembershipFactory(
        practice=practice,
        user=CoachFactory(email="lead@example.com", full_name="Lee Lead"),
        role=PracticeRole.LEAD,
    ).user


@pytest.fixture
def colleague(practice):
    return MembershipFactory(
        practice=practice,
        user=CoachFactory(email="colleague@example.com", full_name="Cole Colleague"),
        role=PracticeRole.COACH,
    ).user


@pytest.fixture
def rival(db):
    """The lead of another practice."""
    return MembershipFactory(
        practice=PracticeFactory(name="Elsewhere"),
        user=CoachFactory(email="rival@example.com", full_name="Rory Rival"),
        role=PracticeRole.LEAD,
    ).user


@pytest.fixture
def lead_client(lead):
    return _client_for(lead)


@pytest.fixture
def colleague_client(colleague):
    return _client_for(colleague)


@pytest.fixture
def rival_client(rival):
    return _client_for(rival)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def own_template(coach):
    """A template of the coach's own with three text items: First, Second, Third."""
    template = ChecklistTemplateFactory(owner=coach, title="My second round")
    for position, prompt in enumerate(["First", "Second", "Third"], start=1):
        TemplateItemFactory(template=template, position=position, prompt=prompt)
    return template
