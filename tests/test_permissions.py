"""The permission matrix: every URL pattern of the project, for every role.

A new URL pattern without a row here fails ``test_every_url_pattern_has_a_row``,
so no view can ship without its access rules being stated and checked.

Rows say what each role gets. Object views are requested with objects owned by
``coach`` / ``candidate``; the other coach and the other candidate must get 404,
never 403, so ids reveal nothing. POST-only views are checked twice: GET gives
405, and a POST by each role gives the listed status.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interviews.models import ChecklistTemplate, ItemKind

from .factories import (
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    TemplateItemFactory,
    make_assignment,
)

ROLES = ["anonymous", "coach", "other_coach", "candidate", "other_candidate"]
LOGIN = "login"  # expected value meaning: redirected to the login page


@dataclass
class Row:
    kwargs: object = None  # callable(world) -> dict of URL kwargs
    get: dict = field(default_factory=dict)  # role -> status for GET
    post: dict = field(default_factory=dict)  # role -> status for POST (POST-only views)
    data: object = None  # callable(world) -> POST data


def coach_page(kwargs=None, *, shared=False):
    """A coach page. ``shared``: a list or form every coach has (not one object)."""
    return Row(
        kwargs=kwargs,
        get={
            "anonymous": LOGIN,
            "coach": 200,
            "other_coach": 200 if shared else 404,
            "candidate": 404,
            "other_candidate": 404,
        },
    )


def coach_action(kwargs, data=None):
    """A POST-only coach action on one object of ``coach``."""
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "coach": 405},
        post={
            "anonymous": LOGIN,
            "coach": 302,
            "other_coach": 404,
            "candidate": 404,
            "other_candidate": 404,
        },
        data=data,
    )


def candidate_page(kwargs=None, *, shared=False):
    return Row(
        kwargs=kwargs,
        get={
            "anonymous": LOGIN,
            "coach": 404,
            "other_coach": 404,
            "candidate": 200,
            "other_candidate": 200 if shared else 404,
        },
    )


def candidate_action(kwargs, data=None):
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "candidate": 405},
        post={
            "anonymous": LOGIN,
            "coach": 404,
            "other_coach": 404,
            "candidate": 302,
            "other_candidate": 404,
        },
        data=data,
    )


def everyone(status):
    return dict.fromkeys(ROLES, status)


def logged_in(status):
    return {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], status)}


candidate_pk = lambda w: {"pk": w["candidate"].pk}  # noqa: E731
opportunity_pk = lambda w: {"pk": w["opportunity"].pk}  # noqa: E731
round_pk = lambda w: {"pk": w["round"].pk}  # noqa: E731
question_pk = lambda w: {"pk": w["question"].pk}  # noqa: E731
template_pk = lambda w: {"pk": w["template"].pk}  # noqa: E731
assignment_pk = lambda w: {"pk": w["assignment"].pk}  # noqa: E731
item_pk = lambda w: {"pk": w["item"].pk}  # noqa: E731
email_item_pk = lambda w: {"pk": w["email_item"].pk}  # noqa: E731

MATRIX: dict[str, Row] = {
    # Public and account pages
    "home": Row(
        get={
            "anonymous": LOGIN,
            "coach": 302,
            "other_coach": 302,
            "candidate": 302,
            "other_candidate": 302,
        }
    ),
    "healthz": Row(get=everyone(200)),
    "favicon": Row(get=everyone(301)),
    "invite_accept": Row(kwargs=lambda w: {"token": "no-such-token"}, get=everyone(410)),
    "login": Row(get={"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    "logout": Row(get=logged_in(405)),
    "password_change": Row(get=logged_in(200)),
    "password_change_done": Row(get=logged_in(200)),
    "password_reset": Row(get=everyone(200)),
    "password_reset_done": Row(get=everyone(200)),
    "password_reset_confirm": Row(
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}, get=everyone(200)
    ),
    "password_reset_complete": Row(get=everyone(200)),
    "profile": Row(get=logged_in(200)),
    # Coach: dashboard and candidates
    "coach:dashboard": coach_page(shared=True),
    "coach:candidate_list": coach_page(shared=True),
    "coach:candidate_create": coach_page(shared=True),
    "coach:candidate_detail": coach_page(candidate_pk),
    "coach:candidate_edit": coach_page(candidate_pk),
    "coach:candidate_archive": coach_action(candidate_pk),
    "coach:candidate_restore": coach_action(candidate_pk),
    "coach:candidate_invite": coach_action(lambda w: {"pk": w["new_candidate"].pk}),
    # Coach: opportunities and rounds
    "coach:opportunity_create": coach_page(candidate_pk),
    "coach:opportunity_detail": coach_page(opportunity_pk),
    "coach:opportunity_edit": coach_page(opportunity_pk),
    "coach:round_create": coach_page(opportunity_pk),
    "coach:round_detail": coach_page(round_pk),
    "coach:round_edit": coach_page(round_pk),
    # Coach: question bank
    "coach:question_list": coach_page(shared=True),
    "coach:question_create": coach_page(shared=True),
    "coach:question_edit": coach_page(question_pk),
    "coach:question_retire": coach_action(question_pk),
    "coach:question_restore": coach_action(question_pk),
    "coach:question_copy": coach_action(question_pk),
    # Coach: templates
    "coach:template_list": coach_page(shared=True),
    "coach:template_create": coach_page(shared=True),
    "coach:template_detail": coach_page(template_pk),
    "coach:template_edit": coach_page(template_pk),
    "coach:template_copy": coach_action(template_pk),
    "coach:template_add_questions": coach_action(
        template_pk, data=lambda w: {"questions": [w["question"].pk]}
    ),
    # Coach: assignments and review
    "coach:assignment_create": coach_page(shared=True),
    "coach:assignment_detail": coach_page(assignment_pk),
    "coach:assignment_review": coach_action(
        assignment_pk, data=lambda w: {"action": "approve", "note": ""}
    ),
    "coach:assignment_withdraw": coach_action(assignment_pk),
    "coach:item_comment": coach_action(item_pk, data=lambda w: {"body": "Looks good."}),
    # Candidate
    "me:home": candidate_page(shared=True),
    "me:checklist": candidate_page(assignment_pk),
    "me:item_comment": candidate_action(item_pk, data=lambda w: {"body": "Thanks!"}),
    "me:item_email_sent": candidate_action(email_item_pk),
    "me:round": candidate_page(round_pk),
    "me:round_thank_you_sent": candidate_action(round_pk),
}


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", prefix + str(pattern.pattern)


def project_patterns() -> dict[str, str]:
    return dict(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_row():
    patterns = project_patterns()
    unnamed = [route for name, route in patterns.items() if name.endswith(":") or not name]
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    missing = sorted(set(patterns) - set(MATRIX))
    assert not missing, f"URL patterns with no row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - set(patterns))
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


@pytest.fixture
def world(coach, candidate, other_candidate):
    """One of everything, owned by ``coach`` and their ``candidate``."""
    opportunity = OpportunityFactory(candidate=candidate)
    round_ = InterviewRoundFactory(opportunity=opportunity, sequence=1)
    question = QuestionFactory(owner=coach)
    template = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory(template=template)
    assignment = make_assignment(candidate, round=round_)
    items = list(assignment.items.all())
    return {
        "candidate": candidate,
        "new_candidate": type(candidate).objects.create(
            coach=coach, full_name="Not Yet Invited", email="new@example.com"
        ),
        "opportunity": opportunity,
        "round": round_,
        "question": question,
        "template": template,
        "builtin_template": ChecklistTemplate.objects.get(builtin_key="second-round-prep"),
        "assignment": assignment,
        "item": items[0],
        "email_item": next(i for i in items if i.kind == ItemKind.EMAIL),
    }


@pytest.fixture
def clients(client, coach_client, other_coach_client, candidate_client, other_candidate_client):
    return {
        "anonymous": client,
        "coach": coach_client,
        "other_coach": other_coach_client,
        "candidate": candidate_client,
        "other_candidate": other_candidate_client,
    }


def _cases(kind):
    for name, row in MATRIX.items():
        for role, expected in getattr(row, kind).items():
            yield pytest.param(name, role, expected, id=f"{kind}-{name}-{role}")


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("login")), response.url
    else:
        assert response.status_code == expected, f"expected {expected}, got {response.status_code}"


@pytest.mark.parametrize(("name", "role", "expected"), list(_cases("get")))
def test_get(name, role, expected, world, clients):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    _check(clients[role].get(url), expected)


@pytest.mark.parametrize(("name", "role", "expected"), list(_cases("post")))
def test_post(name, role, expected, world, clients):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world) if row.kwargs else None)
    data = row.data(world) if row.data else {}
    _check(clients[role].post(url, data), expected)
