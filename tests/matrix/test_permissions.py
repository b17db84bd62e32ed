"""The permission matrix: every URL pattern of the project, for every role.

Rows are keyed by route ("coach/candidates/<int:pk>/"), not by name. A new URL
pattern without a row here fails ``test_every_url_pattern_has_a_row``, and so
does a row whose pattern is gone: no view can ship without its access rules
being stated and checked.

Rows say what each role gets. Object views are requested with objects owned by
``coach`` / ``candidate``; the other coach and the other candidate must get 404,
never 403, so ids reveal nothing. POST-only views are checked twice: GET gives
405, and a POST by each role gives the listed status.

Practices add three roles around ``coach``, a plain member of the practice
"Northstar": its ``lead``, a ``colleague`` (another plain member) and ``rival``
(the lead of another practice); ``other_coach`` works alone. The coach's
question and template are shared with the practice, so the library rows check
who reads, copies and edits a shared item. Only the lead reads another coach's
candidates, and only through /practice/.
"""

import copy
import datetime
import re
import sys
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from interviews.models import AskedQuestion, ChecklistTemplate, ItemKind, Notification
from interviews.services import files as files_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services
from interviews.views.home import DASHBOARD_CARDS

from ..conftest import (
    client_for,
    make_candidate_user,
    make_coach,
    make_colleague,
    make_joined_candidate,
    make_lead,
    make_other_candidate_user,
    make_other_coach,
    make_practice,
    make_rival,
)
from ..factories import (
    ChecklistTemplateFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    TemplateItemFactory,
    ThankYouNoteFactory,
    make_assignment,
    wav_bytes,
)
from ..files.samples import PDF

ROLES = [
    "anonymous",
    "coach",
    "other_coach",
    "candidate",
    "other_candidate",
    "lead",
    "colleague",
    "rival",
]
COACHES = ["coach", "other_coach", "lead", "colleague", "rival"]
CANDIDATES = ["candidate", "other_candidate"]
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
            **dict.fromkeys(COACHES, 200 if shared else 404),
            **dict.fromkeys(CANDIDATES, 404),
            "coach": 200,
        },
    )


def coach_action(kwargs, data=None):
    """A POST-only coach action on one object of ``coach``."""
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "coach": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "coach": 302},
        data=data,
    )


def library_page(kwargs, *, edit: bool):
    """A page of the coach's question or template, shared with the practice:
    members read it; its owner and the practice's lead edit it."""
    ok = ["coach", "lead"] if edit else ["coach", "lead", "colleague"]
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), **dict.fromkeys(ok, 200)},
    )


def library_action(kwargs, *, edit: bool, data=None):
    ok = ["coach", "lead"] if edit else ["coach", "lead", "colleague"]
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "coach": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), **dict.fromkeys(ok, 302)},
        data=data,
    )


def lead_page(kwargs=None):
    """A lead's page of their practice: every other role gets 404. Without an
    id in the address (``kwargs`` None) the page is about the asking lead's own
    practice, so ``rival`` gets theirs (tests/practices/test_practice_*.py check it shows
    nothing of Northstar); with one, it is Northstar's object: 404 to rival."""
    leads = ["lead"] if kwargs else ["lead", "rival"]
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), **dict.fromkeys(leads, 200)},
    )


def lead_action(kwargs=None, data=None):
    leads = ["lead"] if kwargs else ["lead", "rival"]
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "lead": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), **dict.fromkeys(leads, 302)},
        data=data,
    )


def candidate_page(kwargs=None, *, shared=False):
    return Row(
        kwargs=kwargs,
        get={
            "anonymous": LOGIN,
            **dict.fromkeys(COACHES, 404),
            "candidate": 200,
            "other_candidate": 200 if shared else 404,
        },
    )


def candidate_action(kwargs, data=None):
    return Row(
        kwargs=kwargs,
        get={"anonymous": LOGIN, "candidate": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "candidate": 302},
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
interviewer_pk = lambda w: {"pk": w["interviewer"].pk}  # noqa: E731
note_to_check_pk = lambda w: {"pk": w["note_to_check"].pk}  # noqa: E731
asked_question_pk = lambda w: {"pk": w["asked_question"].pk}  # noqa: E731
story_pk = lambda w: {"pk": w["story"].pk}  # noqa: E731
file_pk = lambda w: {"pk": w["file"].pk}  # noqa: E731
take_pk = lambda w: {"pk": w["take"].pk}  # noqa: E731
story_take_pk = lambda w: {"pk": w["story_take"].pk}  # noqa: E731

# Keyed by the full route, as the resolver matches it: names can repeat (two
# patterns are called "login"), routes are what a request reaches. To add a
# view, add its route here with the helper that states its access.
MATRIX: dict[str, Row] = {
    # Public and account pages
    "": Row(get=logged_in(302)),
    "healthz": Row(get=everyone(200)),
    "favicon.ico": Row(get=everyone(301)),
    "robots.txt": Row(get=everyone(200)),
    "invite/<token:token>/": Row(kwargs=lambda w: {"token": "no-such-token"}, get=everyone(410)),
    # Public: the token in the address is the credential (unknown ones: test_calendar).
    "calendar/<token:token>.ics": Row(
        kwargs=lambda w: {"token": w["candidate"].user.calendar_token}, get=everyone(200)
    ),
    "accounts/login/": Row(get={"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    # Public, but only a password step just passed leads anywhere (test_two_factor).
    "accounts/login/code/": Row(get={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}),
    # Two-factor login: coaches (and staff) only; these coaches have none set up.
    "accounts/two-factor/": coach_page(shared=True),
    "accounts/two-factor/start/": Row(
        get={"anonymous": LOGIN, "coach": 405},
        post={**coach_page(shared=True).get, **dict.fromkeys(COACHES, 302)},
    ),
    "accounts/two-factor/disable/": Row(
        get={"anonymous": LOGIN, "coach": 405},
        post={**coach_page(shared=True).get, **dict.fromkeys(COACHES, 302)},
    ),
    "accounts/two-factor/recovery-codes/": Row(
        get={"anonymous": LOGIN, "coach": 405},
        post={**coach_page(shared=True).get, **dict.fromkeys(COACHES, 302)},
    ),
    "accounts/logout/": Row(get=logged_in(405)),
    "accounts/password_change/": Row(get=logged_in(200)),
    "accounts/password_change/done/": Row(get=logged_in(200)),
    "accounts/password_reset/": Row(get=everyone(200)),
    # The emailed link that lifts an account's password pause (tests/accounts/test_throttling.py).
    "accounts/unlock/<token:token>/": Row(
        kwargs=lambda w: {"token": "no-such-token"}, get=everyone(410)
    ),
    "accounts/password_reset/done/": Row(get=everyone(200)),
    "accounts/reset/<token:uidb64>/<token:token>/": Row(
        kwargs=lambda w: {"uidb64": "MQ", "token": "bad-token"}, get=everyone(200)
    ),
    "accounts/reset/done/": Row(get=everyone(200)),
    "accounts/profile/": Row(get=logged_in(200)),
    # The zone banner's answer: each user's own zone only (tests/accounts/test_time_zones.py).
    "accounts/profile/time-zone/": Row(get=logged_in(405), post=logged_in(302)),
    "accounts/data.zip": Row(get=logged_in(200)),
    # A wrong password erases nothing: the form (or, for coaches, the page) again.
    "accounts/delete/": Row(
        get=logged_in(200), post=logged_in(200), data=lambda w: {"password": "wrong"}
    ),
    "accounts/sessions/end-others/": Row(get=logged_in(405), post=logged_in(302)),
    "accounts/calendar/replace/": Row(get=logged_in(405), post=logged_in(302)),
    # Notices (both roles): each user's own list and settings
    "accounts/notifications/": Row(get=logged_in(200)),
    "notifications/": Row(get=logged_in(200)),
    "notifications/read-all/": Row(get=logged_in(405), post=logged_in(302)),
    "notifications/<int:pk>/open/": Row(
        kwargs=lambda w: {"pk": w["notification"].pk},
        get={"anonymous": LOGIN, "coach": 405},
        post={"anonymous": LOGIN, "coach": 302, **dict.fromkeys(ROLES[2:], 404)},
    ),
    # Public: the signed token is the credential.
    "notifications/unsubscribe/<token:token>/": Row(
        kwargs=lambda w: {"token": w["unsubscribe_token"]}, get=everyone(200)
    ),
    # Coach: dashboard and candidates
    "coach/": coach_page(shared=True),
    # A dashboard card's whole list (issue 25): each coach's own.
    **{f"coach/dashboard/{card}/": coach_page(shared=True) for card in DASHBOARD_CARDS},
    "coach/candidates/": coach_page(shared=True),
    "coach/candidates/new/": coach_page(shared=True),
    "coach/candidates/<int:pk>/": coach_page(candidate_pk),
    "coach/candidates/<int:pk>/edit/": coach_page(candidate_pk),
    "coach/candidates/<int:pk>/archive/": coach_action(candidate_pk),
    "coach/candidates/<int:pk>/restore/": coach_action(candidate_pk),
    "coach/candidates/<int:pk>/invite/": coach_action(lambda w: {"pk": w["new_candidate"].pk}),
    "coach/candidates/<int:pk>/data.zip": coach_page(candidate_pk),
    "coach/candidates/<int:pk>/erase/": Row(
        kwargs=candidate_pk,
        get=coach_page().get,
        post={**coach_page().get, "coach": 200},  # wrong password: the form again
        data=lambda w: {"password": "wrong"},
    ),
    # Coach: opportunities and rounds
    "coach/candidates/<int:pk>/opportunities/new/": coach_page(candidate_pk),
    "coach/opportunities/<int:pk>/": coach_page(opportunity_pk),
    "coach/opportunities/<int:pk>/edit/": coach_page(opportunity_pk),
    "coach/opportunities/<int:pk>/rounds/new/": coach_page(opportunity_pk),
    "coach/rounds/<int:pk>/": coach_page(round_pk),
    "coach/rounds/<int:pk>/edit/": coach_page(round_pk),
    "coach/rounds/<int:pk>/interviewers/new/": coach_page(round_pk),
    "coach/interviewers/<int:pk>/edit/": coach_page(interviewer_pk),
    "coach/interviewers/<int:pk>/remove/": coach_action(interviewer_pk),
    "coach/notes/<int:pk>/check/": coach_action(
        note_to_check_pk, data=lambda w: {"comment": "Name the project.", "approve": "on"}
    ),
    "coach/asked/<int:pk>/add-to-bank/": coach_action(asked_question_pk),
    "coach/rounds/<int:pk>/brief/": coach_page(round_pk),
    "coach/rounds/<int:pk>/brief.pdf": coach_page(round_pk),
    "coach/rounds/<int:pk>/round.ics": coach_page(round_pk),
    # Coach: question bank
    "coach/questions/": coach_page(shared=True),
    "coach/questions/new/": coach_page(shared=True),
    "coach/questions/<int:pk>/edit/": library_page(question_pk, edit=True),
    "coach/questions/<int:pk>/retire/": library_action(question_pk, edit=True),
    "coach/questions/<int:pk>/restore/": library_action(question_pk, edit=True),
    "coach/questions/<int:pk>/copy/": library_action(question_pk, edit=False),
    # Unsharing: the owner or the lead (coach: shared=1 again gives a message).
    "coach/questions/<int:pk>/share/": library_action(
        question_pk, edit=True, data=lambda w: {"shared": "0"}
    ),
    # Coach: templates
    "coach/templates/": coach_page(shared=True),
    "coach/templates/new/": coach_page(shared=True),
    "coach/templates/<int:pk>/": library_page(template_pk, edit=False),
    "coach/templates/<int:pk>/edit/": library_page(template_pk, edit=True),
    "coach/templates/<int:pk>/copy/": library_action(template_pk, edit=False),
    "coach/templates/<int:pk>/share/": library_action(
        template_pk, edit=True, data=lambda w: {"shared": "0"}
    ),
    # Coach: assignments and review
    "coach/assignments/new/": coach_page(shared=True),
    "coach/assignments/<int:pk>/": coach_page(assignment_pk),
    "coach/assignments/<int:pk>/review/": coach_action(
        assignment_pk, data=lambda w: {"action": "approve", "note": ""}
    ),
    "coach/assignments/<int:pk>/withdraw/": coach_action(assignment_pk),
    "coach/assignments/<int:pk>/update/": coach_action(
        assignment_pk, data=lambda w: {"update-due_date": "", "update-instructions": "Start now."}
    ),
    "coach/assignments/<int:pk>/remind/": coach_action(assignment_pk),
    "coach/items/<int:pk>/comment/": coach_action(item_pk, data=lambda w: {"body": "Looks good."}),
    # Coach: the candidate's stories (a colleague of the practice gets 404 too)
    "coach/stories/<int:pk>/": coach_page(story_pk),
    # Private files: the owner's coach; the lead's read-only copy (below); the candidate.
    "coach/files/<int:pk>/": coach_page(file_pk),
    # Rehearsal takes: the one sent to the coach (the lead's copy below).
    "coach/takes/<int:pk>/": coach_page(take_pk),
    "coach/takes/<int:pk>/comment/": coach_action(
        story_take_pk, data=lambda w: {"take-body": "Lead with the number."}
    ),
    "coach/stories/<int:pk>/comment/": coach_action(story_pk, data=lambda w: {"body": "Strong."}),
    "coach/stories/<int:pk>/strong/": coach_action(story_pk, data=lambda w: {"strong": "1"}),
    "coach/candidates/<int:pk>/story-tags/new/": coach_action(
        candidate_pk, data=lambda w: {"name": "Stakeholder management"}
    ),
    # Coach: outcomes and the spreadsheet of their own caseload
    "coach/outcomes/": coach_page(shared=True),
    "coach/export.csv": coach_page(shared=True),
    # Practice: every coach has a practice page (lead: the overview; member:
    # the team; alone: how to create one); the rest is the lead's.
    "practice/": coach_page(shared=True),
    # Creating: a coach alone gets a practice; a member is told they have one.
    "practice/new/": Row(
        get={"anonymous": LOGIN, "coach": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(COACHES, 302), **dict.fromkeys(CANDIDATES, 404)},
        data=lambda w: {"name": "Southpoint"},
    ),
    "practice/rename/": lead_action(data=lambda w: {"name": "Northstar Careers"}),
    "practice/members/": lead_page(),
    "practice/members/invite/": lead_action(data=lambda w: {"email": "newcoach@example.com"}),
    "practice/members/<int:pk>/role/": lead_action(
        lambda w: {"pk": w["colleague_membership"].pk}, data=lambda w: {"role": "lead"}
    ),
    "practice/members/<int:pk>/remove/": lead_action(
        lambda w: {"pk": w["colleague_membership"].pk}
    ),
    "practice/invitations/<int:pk>/cancel/": lead_action(
        lambda w: {"pk": w["practice_invitation"].pk}
    ),
    # Public: the token is the credential (an unknown one says so).
    "practice/join/<token:token>/": Row(
        kwargs=lambda w: {"token": "no-such-token"}, get=everyone(410)
    ),
    # The practice's candidates, a page at a time (issue 25: off the overview).
    "practice/candidates/": lead_page(),
    "practice/candidates/<int:pk>/": lead_page(candidate_pk),
    "practice/candidates/<int:pk>/reassign/": Row(
        kwargs=candidate_pk,
        get=lead_page(candidate_pk).get,
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "lead": 302},
        data=lambda w: {"coach": w["colleague"].pk},
    ),
    "practice/assignments/<int:pk>/": lead_page(assignment_pk),
    "practice/stories/<int:pk>/": lead_page(story_pk),
    "practice/files/<int:pk>/": lead_page(file_pk),
    "practice/takes/<int:pk>/": lead_page(take_pk),
    "practice/outcomes/": lead_page(),
    "practice/export.csv": lead_page(),
    # Candidate
    "me/": candidate_page(shared=True),
    "me/checklists/<int:pk>/": candidate_page(assignment_pk),
    # The checklist page's script saves the answers; it answers JSON, not a redirect.
    "me/checklists/<int:pk>/autosave/": Row(
        kwargs=assignment_pk,
        get={"anonymous": LOGIN, "candidate": 405},
        post={"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 404), "candidate": 200},
        data=lambda w: {
            f"item-{w['item'].pk}-version": str(w["item"].version),
            f"item-{w['item'].pk}-response_text": "Saved by itself.",
        },
    ),
    "me/items/<int:pk>/comment/": candidate_action(item_pk, data=lambda w: {"body": "Thanks!"}),
    "me/items/<int:pk>/email-sent/": candidate_action(email_item_pk),
    # The story bank: each candidate's own list and form (no object in the address).
    "me/stories/": candidate_page(shared=True),
    "me/stories/new/": candidate_page(shared=True),
    "me/stories/<int:pk>/": candidate_page(story_pk),
    "me/files/<int:pk>/": candidate_page(file_pk),
    # Rehearsal: an item's and a story's page (POST keeps a take), the takes.
    "me/items/<int:pk>/rehearse/": candidate_page(item_pk),
    "me/stories/<int:pk>/rehearse/": candidate_page(story_pk),
    "me/takes/<int:pk>/": candidate_page(take_pk),
    "me/takes/<int:pk>/for-coach/": candidate_action(take_pk, data=lambda w: {"for_coach": "1"}),
    "me/takes/<int:pk>/delete/": candidate_action(take_pk),
    "me/stories/<int:pk>/edit/": candidate_page(story_pk),
    "me/stories/<int:pk>/archive/": candidate_action(story_pk),
    # Restoring a live story is refused with a message: still a redirect.
    "me/stories/<int:pk>/restore/": candidate_action(story_pk),
    # A single record: nothing to copy to, refused with a message.
    "me/stories/<int:pk>/copy/": candidate_action(
        story_pk, data=lambda w: {"to": w["candidate"].pk}
    ),
    "me/stories/<int:pk>/comment/": candidate_action(
        story_pk, data=lambda w: {"body": "What do you think?"}
    ),
    # Each candidate's own past interviews (a list, no object in the address).
    "me/rounds/past/": candidate_page(shared=True),
    "me/rounds/<int:pk>/": candidate_page(round_pk),
    "me/rounds/<int:pk>/brief/": candidate_page(round_pk),
    "me/rounds/<int:pk>/brief.pdf": candidate_page(round_pk),
    "me/rounds/<int:pk>/round.ics": candidate_page(round_pk),
    "me/rounds/<int:pk>/debrief/": candidate_action(
        round_pk,
        data=lambda w: {"debrief_notes": "Fine.", "debrief_differently": "", "asked": "Why?"},
    ),
    "me/rounds/<int:pk>/outcome/": candidate_action(
        round_pk, data=lambda w: {"outcome": "advanced"}
    ),
    "me/rounds/<int:pk>/notes/prepare/": candidate_action(round_pk),
    "me/rounds/<int:pk>/notes/other/": candidate_action(round_pk),
    "me/rounds/<int:pk>/notes/": candidate_action(
        round_pk,
        data=lambda w: (
            {
                f"note-{w['note_to_check'].pk}-{name}": value
                for name, value in {
                    "to": "pat@example.com",
                    "subject": "Thanks",
                    "body": "Thank you.",
                    "seen": w["note_to_check"].text_fingerprint,
                }.items()
            }
            | {"action": f"save:{w['note_to_check'].pk}"}
        ),
    ),
    "me/rounds/<int:pk>/interviewers/new/": candidate_page(round_pk),
    "me/interviewers/<int:pk>/edit/": candidate_page(interviewer_pk),
    "me/interviewers/<int:pk>/remove/": candidate_action(interviewer_pk),
}

# Routes that an earlier pattern already answers, so the later one is never
# reached. None: django.contrib.auth's pages are written out in
# coachsite/urls.py, each once.
SHADOWED: dict[str, str] = {}


@dataclass(frozen=True)
class Pattern:
    route: str  # the full route, e.g. "coach/candidates/<int:pk>/"
    name: str  # the full name, e.g. "coach:candidate_detail"


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # the admin checks staff status itself
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            assert isinstance(pattern.pattern, RoutePattern), (
                f"{prefix}{pattern.pattern}: the matrix walks path() routes only; "
                "use path(), not re_path()"
            )
            yield Pattern(prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}")


def project_patterns() -> list[Pattern]:
    """Every URL pattern outside the admin, in resolving order."""
    return list(_walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_row():
    patterns = project_patterns()
    unnamed = [p.route for p in patterns if not p.name or p.name.endswith(":")]
    assert not unnamed, f"URL patterns without a name: {unnamed}"
    routes = {p.route for p in patterns}
    missing = [f"{p.route!r} ({p.name})" for p in patterns if p.route not in MATRIX]
    assert not missing, f"URL patterns with no row in the permission matrix: {missing}"
    stale = sorted(set(MATRIX) - routes)
    assert not stale, f"Rows for URL patterns that no longer exist: {stale}"


def test_every_row_states_every_role():
    """A GET row answers for all eight roles, a POST row too, so the practice
    roles cannot be forgotten on a new view. (POST-only rows state GET for a
    role or two: the 405 does not depend on who asks.)"""
    for route, row in MATRIX.items():
        if row.post:
            assert set(row.post) == set(ROLES), (route, sorted(set(ROLES) - set(row.post)))
        else:
            assert set(row.get) == set(ROLES), (route, sorted(set(ROLES) - set(row.get)))


def test_no_pattern_is_shadowed_unless_stated():
    """A second pattern on a route already taken is never reached: a new view
    hidden behind an old one fails here rather than sharing the old one's row."""
    seen, shadowed = set(), {}
    for p in project_patterns():
        if p.route in seen:
            shadowed[p.route] = p.name
        seen.add(p.route)
    assert shadowed == SHADOWED


def url_for(route: str, kwargs: dict | None) -> str:
    """The path of ``route`` with its converters filled from ``kwargs``."""
    kwargs = kwargs or {}
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route)
    # The request must reach the pattern this row is about.
    assert resolve(path).route == route, (path, resolve(path).route)
    return path


def build_world() -> tuple[dict, dict]:
    """One of everything, owned by ``coach`` and their ``candidate``; the coach's
    question and template are shared with their practice. Returns the world and
    the user behind each signed-in role."""
    coach = make_coach()
    candidate = make_joined_candidate(coach, make_candidate_user())
    other_coach = make_other_coach()
    other_candidate = make_joined_candidate(other_coach, make_other_candidate_user())
    practice = make_practice(coach)
    lead = make_lead(practice)
    colleague = make_colleague(practice)
    rival = make_rival()
    opportunity = OpportunityFactory(candidate=candidate)
    # The interview took place: the after-the-interview actions are open.
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=1,
        scheduled_at=timezone.now() - datetime.timedelta(hours=2),
    )
    question = QuestionFactory(owner=coach, practice=practice)
    template = ChecklistTemplateFactory(owner=coach, practice=practice)
    TemplateItemFactory(template=template)
    assignment = make_assignment(candidate, round=round_)
    items = list(assignment.items.all())
    world = {
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
        "interviewer": InterviewerFactory(round=round_),
        # Asked for the coach's look (the round's start is not checked here).
        "note_to_check": ThankYouNoteFactory(round=round_, check_requested_at=timezone.now()),
        "asked_question": AskedQuestion.objects.create(round=round_, text="Why this team?"),
        "notification": Notification.objects.create(
            user=coach, kind=Notification.Kind.REVIEW_WAITING, object_key="x", occasion="1"
        ),
        "unsubscribe_token": notifications_services.unsubscribe_token(
            coach, Notification.Kind.DIGEST
        ),
        "story": stories_services.story_create(
            candidate=candidate, by=candidate.user, values={"title": "Churn model"}
        ),
        "file": files_services.item_file_add(
            item=items[0],
            upload=SimpleUploadedFile("portfolio.pdf", PDF),
            by=candidate.user,
        ),
        "colleague": colleague,
        "colleague_membership": colleague.practice_membership,
        "practice_invitation": practices_services.practice_invite(
            practice=practice, by=lead, email="invited@example.com"
        )[0],
    }
    # Rehearsal takes sent to the coach: one on the written answer, one on the story.
    for key, subject in (("take", {"item": items[0]}), ("story_take", {"story": world["story"]})):
        world[key] = rehearsal_services.take_add(
            upload=SimpleUploadedFile("take.wav", wav_bytes()), by=candidate.user, **subject
        )
        rehearsal_services.take_mark_for_coach(take=world[key], by=candidate.user, for_coach=True)
    users = {
        "coach": coach,
        "other_coach": other_coach,
        "candidate": candidate.user,
        "other_candidate": other_candidate.user,
        "lead": lead,
        "colleague": colleague,
        "rival": rival,
    }
    return world, users


@dataclass
class Built:
    world: dict
    cookies: dict[str, SimpleCookie]  # role -> the cookies of that role's signed-in client


@pytest.fixture(scope="module")
def matrix_files(tmp_path_factory):
    """One private-files directory for the module's world (its file is made once)."""
    location = tmp_path_factory.mktemp("matrix-private-files")
    with override_settings(
        STORAGES={
            **django_settings.STORAGES,
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": location, "base_url": None},
            },
        }
    ):
        yield location


@pytest.fixture(autouse=True)
def private_files(matrix_files):
    """Every case reads the module's directory (instead of one of its own)."""
    return matrix_files


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, matrix_files):
    """The world and one signed-in session per role, made once for the module
    inside a transaction that is rolled back after the last case.

    Each case runs in a savepoint of that transaction (pytest-django's ``db``,
    requested by ``world`` and ``clients``), rolled back when the case ends, so
    nothing a case writes (a POST, a session it ends, a login's last-seen time)
    reaches another: every case starts from this state, in any order. Pytest
    tears a module's fixtures down before it runs a test of another module, so
    no other test ever runs inside this transaction.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world, users = build_world()
            cookies = {role: client_for(user).cookies for role, user in users.items()}
        except BaseException:
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield Built(world, cookies)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(built, db):
    """The module's world, copied for the case (as Django's setUpTestData does),
    so that no case sees another's changes to these objects either."""
    return copy.deepcopy(built.world)


@pytest.fixture
def clients(built, db):
    """A new client per role. Each holds a copy of its role's session cookie:
    signed in as ``force_login`` leaves it (the session row is in the world),
    without signing in eight times per case; a logout or a rotated session
    changes this case's copy only."""
    clients = {"anonymous": Client()}
    for role, cookies in built.cookies.items():
        clients[role] = Client()
        clients[role].cookies = copy.deepcopy(cookies)
    assert set(clients) == set(ROLES)
    return clients


def _cases(kind):
    for route, row in MATRIX.items():
        for role, expected in getattr(row, kind).items():
            yield pytest.param(route, role, expected, id=f"{kind}-/{route}-{role}")


def _check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("login")), response.url
    else:
        assert response.status_code == expected, f"expected {expected}, got {response.status_code}"


@pytest.mark.parametrize(("route", "role", "expected"), list(_cases("get")))
def test_get(route, role, expected, world, clients):
    row = MATRIX[route]
    url = url_for(route, row.kwargs(world) if row.kwargs else None)
    _check(clients[role].get(url), expected)


@pytest.mark.parametrize(("route", "role", "expected"), list(_cases("post")))
def test_post(route, role, expected, world, clients):
    row = MATRIX[route]
    url = url_for(route, row.kwargs(world) if row.kwargs else None)
    data = row.data(world) if row.data else {}
    _check(clients[role].post(url, data), expected)
