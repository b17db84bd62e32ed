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

# Hypothesis (tests/matrix/test_fuzz_forms.py). A request is slower than the default
# deadline allows, and the examples share the test's database (each rolls back
# its own writes).
_FUZZING = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.differing_executors,
    ],
}


def _fuzz_examples() -> int:
    raw = os.environ.get("FUZZ_EXAMPLES", "1000")
    try:
        examples = int(raw, 10)
    except ValueError:
        examples = 0
    if examples < 1 or not raw.strip().isascii():
        raise pytest.UsageError(f"FUZZ_EXAMPLES must be a whole number above 0, not {raw!r}")
    return examples


# Every push (.ci/run): 50 examples per form, the same ones every time, so a
# red build is the code's doing and replays as it failed.
settings.register_profile("ci", max_examples=50, derandomize=True, database=None, **_FUZZING)
# make fuzz: a long run with new random examples each time (FUZZ_EXAMPLES per
# form, 1000 unless set). A failing example is printed with the
# @reproduce_failure line that replays it, and kept in .hypothesis/ to be
# tried again first by the next run.
settings.register_profile("fuzz", max_examples=_fuzz_examples(), print_blob=True, **_FUZZING)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# ---------------------------------------------------------------- the cast
# The people most tests meet, as plain functions: the fixtures below hand them
# out per test; the permission matrix builds them once for its whole module.


def make_coach():
    return CoachFactory(email="coach@example.com", full_name="Casey Coach")


def make_other_coach():
    return CoachFactory(email="othercoach@example.com", full_name="Olive Othercoach")


def make_candidate_user():
    return UserFactory(email="cand@example.com", full_name="Cam Candidate")


def make_other_candidate_user():
    return UserFactory(email="othercand@example.com", full_name="Oz Othercandidate")


def make_joined_candidate(coach, user):
    """``coach``'s candidate record for ``user``, linked to that login (invitation accepted)."""
    record = CandidateFactory(coach=coach, email=user.email, full_name=user.full_name)
    invitation, _ = caseload_services.invitation_create(candidate=record, by=coach)
    caseload_services.invitation_accept(invitation=invitation, user=user)
    record.refresh_from_db()
    return record


def make_practice(coach):
    """The practice "Northstar", with ``coach`` as a plain member."""
    practice = PracticeFactory(name="Northstar")
    MembershipFactory(practice=practice, user=coach, role=PracticeRole.COACH)
    return practice


def make_lead(practice):
    return MembershipFactory(
        practice=practice,
        user=CoachFactory(email="lead@example.com", full_name="Lee Lead"),
        role=PracticeRole.LEAD,
    ).user


def make_colleague(practice):
    return MembershipFactory(
        practice=practice,
        user=CoachFactory(email="colleague@example.com", full_name="Cole Colleague"),
        role=PracticeRole.COACH,
    ).user


def make_rival():
    """The lead of another practice."""
    return MembershipFactory(
        practice=PracticeFactory(name="Elsewhere"),
        user=CoachFactory(email="rival@example.com", full_name="Rory Rival"),
        role=PracticeRole.LEAD,
    ).user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coach(db):
    return make_coach()


@pytest.fixture
def other_coach(db):
    return make_other_coach()


@pytest.fixture
def candidate_user(db):
    return make_candidate_user()


@pytest.fixture
def candidate(coach, candidate_user):
    """The coach's candidate record, linked to a login (invitation accepted)."""
    return make_joined_candidate(coach, candidate_user)


@pytest.fixture
def other_candidate_user(db):
    return make_other_candidate_user()


@pytest.fixture
def other_candidate(other_coach, other_candidate_user):
    """Another coach's candidate, also linked to a login."""
    return make_joined_candidate(other_coach, other_candidate_user)


@pytest.fixture
def coach_client(coach):
    return client_for(coach)


@pytest.fixture
def other_coach_client(other_coach):
    return client_for(other_coach)


@pytest.fixture
def candidate_client(candidate):
    return client_for(candidate.user)


@pytest.fixture
def other_candidate_client(other_candidate):
    return client_for(other_candidate.user)


# ---------------------------------------------------------------- practices
# ``practice``: "Northstar" led by ``lead``, with ``coach`` and ``colleague``
# as members. ``other_coach`` works alone; ``rival`` leads another practice.


@pytest.fixture
def practice(coach):
    return make_practice(coach)


@pytest.fixture
def lead(practice):
    return make_lead(practice)


@pytest.fixture
def colleague(practice):
    return make_colleague(practice)


@pytest.fixture
def rival(db):
    """The lead of another practice."""
    return make_rival()


@pytest.fixture
def lead_client(lead):
    return client_for(lead)


@pytest.fixture
def colleague_client(colleague):
    return client_for(colleague)


@pytest.fixture
def rival_client(rival):
    return client_for(rival)


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


@pytest.fixture(autouse=True)
def private_files(tmp_path, settings):
    """Every test its own private-files directory (the "private" storage)."""
    location = tmp_path / "private-files"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
    return location


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the calendar feed keeps built
    feeds there): nothing one test built is served to another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
