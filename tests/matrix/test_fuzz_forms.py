"""Every form, fuzzed: generated input POSTed by the role the form belongs to.

The page's own HTML says what a browser would post: each form's field names
and the values the page offers (options, ticks, what is filled in). Hypothesis
mixes those with arbitrary text (control characters, any script, empty, very
long), posts some fields twice, drops some and adds stray ones. Whatever is
sent:

- the answer is never a server error, and the user stays logged in;
- a refused POST (any answer but a redirect) leaves the database as it was;
- every row an accepted POST wrote passes its model's validation, and where
  a form keeps a field as typed (names, emails, prompts), that is what is stored.

Each example runs in a savepoint that is rolled back, so all start from the
same world. How many examples: the Hypothesis profile (tests/conftest.py);
``HYPOTHESIS_PROFILE=ci`` (every push) runs the same 50 per form each time,
``make fuzz`` new random ones, 1000 per form.
"""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import event, example, given, note
from hypothesis import strategies as st

from interviews.forms import template_editor
from interviews.models import (
    AskedQuestion,
    Assignment,
    Candidate,
    Practice,
    PracticeMembership,
    Question,
    Story,
    StoryTag,
    User,
)
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import practices as practices_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..checklist_helpers import submitted
from ..conftest import make_joined_candidate
from ..factories import (
    PASSWORD,
    CandidateFactory,
    ChecklistTemplateFactory,
    CoachFactory,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    TemplateItemFactory,
    ThankYouNoteFactory,
    UserFactory,
    make_assignment,
    wav_bytes,
)

NEW_PASSWORD = "another-horse-battery-7"

# ---------------------------------------------------------------- the forms of a page


class _PageForms(HTMLParser):
    """The POST forms of a page: per form, its action and, per field name, the
    values a browser could send (an input's value, a box's or an option's value,
    a textarea's text, a named button's value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._by_id: dict[str, dict] = {}
        self._current: dict | None = None
        self._fields: list[tuple[object, str, str]] = []  # (form or form id, name, value)
        self._select: tuple[object, str] | None = None
        self._textarea: tuple[object, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = {
                "action": attrs.get("action", ""),
                "method": attrs.get("method", "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
            if attrs.get("id"):
                self._by_id[attrs["id"]] = self._current
            return
        owner = attrs.get("form") or self._current
        name = attrs.get("name")
        if tag == "option" and self._select is not None:
            self._fields.append((*self._select, attrs.get("value", "")))
        if not name or name == "csrfmiddlewaretoken" or owner is None:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            default = "on" if kind in ("checkbox", "radio") else ""
            self._fields.append((owner, name, attrs.get("value", default)))
        elif tag == "button":
            self._fields.append((owner, name, attrs.get("value", "")))
        elif tag == "select":
            self._select = (owner, name)
            self._fields.append((owner, name, ""))
        elif tag == "textarea":
            self._textarea = (owner, name)
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # The HTML parser drops the newline a textarea's content starts with.
            self._fields.append((*self._textarea, "".join(self._text)))
            self._textarea = None

    def post_forms(self) -> list[dict]:
        for owner, name, value in self._fields:
            form = self._by_id.get(owner) if isinstance(owner, str) else owner
            if form is not None:
                values = form["fields"].setdefault(name, [])
                if value not in values:
                    values.append(value)
        return [form for form in self.forms if form["method"] == "post"]


def form_fields(client: Client, page: str, action: str) -> dict[str, list[str]]:
    """The fields of the POST form on ``page`` that posts to ``action``."""
    response = client.get(page)
    assert response.status_code == 200, (page, response.status_code)
    parser = _PageForms()
    parser.feed(response.content.decode())
    target = urlsplit(action).path
    found = [
        form["fields"]
        for form in parser.post_forms()
        if urlsplit(urljoin(page, form["action"])).path == target
    ]
    assert found, f"{page} shows no form that posts to {action}"
    fields: dict[str, list[str]] = {}
    for each in found:  # several forms can post to one place (checklist buttons)
        for name, values in each.items():
            fields.setdefault(name, [])
            fields[name] += [value for value in values if value not in fields[name]]
    return fields


# ---------------------------------------------------------------- generated input

_CHARS = st.characters(exclude_categories=("Cs",))  # anything UTF-8 can carry
TEXT = st.text(_CHARS, max_size=30)  # control characters, NUL, any script, empty
# Just over the lengths the forms allow (a name, a subject, an email, a note, an
# answer). At most one per POST: long values are costly to send and parse.
LONG = st.builds(operator.mul, _CHARS, st.sampled_from([151, 201, 255, 501, 5001, 10001, 20001]))

# How a field is sent: mostly what the page offers (so that accepted posts are
# reached too), else any text; sometimes not at all, or several times.
OFFERED_OR_TEXT = st.sampled_from(("offered",) * 4 + ("text",) * 2 + ("drop", "several"))
TEXT_ONLY = st.sampled_from(("text",) * 6 + ("drop", "several"))


STRAY = st.dictionaries(TEXT, TEXT, max_size=2)


def posts(fields: dict[str, list[str]]) -> st.SearchStrategy[dict]:
    """POSTs for a form with ``fields``: each field sent once (mostly), several
    times or not at all, perhaps one of them very long, plus stray keys."""
    # Built once: a strategy made inside each draw costs more than the draw.
    plans = []
    for name, values in fields.items():
        known = [value for value in values if value]  # TEXT sends "" often enough
        if known:
            offered = st.sampled_from(known)
            plans.append(
                (name, OFFERED_OR_TEXT, offered, st.lists(offered | TEXT, min_size=2, max_size=3))
            )
        else:
            plans.append((name, TEXT_ONLY, TEXT, st.lists(TEXT, min_size=2, max_size=3)))
    names = st.sampled_from(sorted(fields)) if fields else st.nothing()

    @st.composite
    def post(draw) -> dict:
        data: dict[str, object] = {}
        for name, how, offered, several in plans:
            match draw(how):
                case "offered":
                    data[name] = draw(offered)
                case "text":
                    data[name] = draw(TEXT)
                case "several":
                    data[name] = draw(several)
        if fields and draw(st.booleans()):
            data[draw(names)] = draw(LONG)
        for name, value in draw(STRAY).items():
            data.setdefault(name, value)
        return data

    return post()


def as_received(data: dict) -> QueryDict:
    """The POST as the view reads it (``.get`` gives the last of repeated values)."""
    return QueryDict(urlencode(data, doseq=True))


# A refused form's page, drawn again with what was typed, costs most of an
# example (the profile's time zone list alone is 600 options). One example in
# ten renders it; the others stop at the template (emails are still rendered).
# True comes last: Hypothesis favours the first choice.
RENDER = st.sampled_from((False,) * 9 + (True,))


def _blank(*args, **kwargs) -> str:
    return ""


@contextmanager
def pages_rendered(render: bool):
    if render:
        yield
    else:
        # Pages only: emails are still written out in full.
        with mock.patch("django.shortcuts.loader", mock.Mock(render_to_string=_blank)):
            yield


# ---------------------------------------------------------------- the database, whole

# Throttle hits are written by refused attempts on purpose (that is how a limit counts).
NOT_COMPARED = {"interviews.throttlehit"}


def _models():
    return [
        model
        for model in apps.get_app_config("interviews").get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_COMPARED
    ]


def write_count() -> int:
    """How many rows the connection has written so far (any table, rolled back
    or not): a cheap way to tell that a request wrote nothing at all."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        else:
            cursor.execute("SELECT total_changes()")
        return int(cursor.fetchone()[0])


def snapshot(models=None) -> dict[str, dict[object, tuple]]:
    """Every stored row of ``models`` (default: all the app's compared models), by
    model and primary key (plain SQL: this runs after every accepted POST)."""
    rows = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in _models() if models is None else models:
            pk, table = quote(model._meta.pk.column), quote(model._meta.db_table)
            cursor.execute(f"SELECT {pk}, * FROM {table}")  # noqa: S608 (names from the models)
            rows[model._meta.label] = {row[0]: row for row in cursor.fetchall()}
    return rows


# One table's digest: its row count and the md5 of its rows' text in primary-key
# order (a row's text shows every column, quoted where needed).
DIGEST = (
    "SELECT %s, count(*), md5(coalesce(string_agg("
    "digest_row::text, E'\\n' ORDER BY digest_row.{pk}), '')) FROM {table} digest_row"
)


def digests() -> dict[str, object]:
    """Per model, a digest of all its stored rows, for every table in one query
    on PostgreSQL; elsewhere the rows themselves. A row added, changed or
    removed changes its table's digest."""
    if connection.vendor != "postgresql":
        return snapshot()
    quote = connection.ops.quote_name
    models = _models()
    query = " UNION ALL ".join(
        DIGEST.format(pk=quote(model._meta.pk.column), table=quote(model._meta.db_table))
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [model._meta.label for model in models])
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changes_since(before: dict, before_digests: dict) -> dict[str, list]:
    """What ``written`` says of the whole database against ``before``, reading
    the rows of only the tables whose digest moved from ``before_digests``: the
    other tables hold the same rows as in ``before``."""
    now = digests()
    moved = [
        model for model in _models() if now[model._meta.label] != before_digests[model._meta.label]
    ]
    return written(before, snapshot(moved)) if moved else {}


def written(before: dict, after: dict) -> dict[str, list]:
    """The primary keys of the rows added or changed, by model (and gone: ``-pk``),
    for the models in ``after``."""
    changes = {}
    for label, rows in after.items():
        old = before[label]
        keys = [pk for pk, row in rows.items() if old.get(pk) != row]
        keys += [f"-{pk}" for pk in old if pk not in rows]
        if keys:
            changes[label] = keys
    return changes


def assert_rows_valid(changes: dict[str, list]) -> None:
    """Each written row passes its fields' validation and its model's clean()
    (uniqueness and constraints the database enforces itself)."""
    for label, keys in changes.items():
        model = apps.get_model(label)
        kept = [key for key in keys if not str(key).startswith("-")]
        for obj in model._base_manager.filter(pk__in=kept):
            obj.full_clean(validate_unique=False, validate_constraints=False)


# ---------------------------------------------------------------- the forms and who posts them


def _single(value: str) -> str:
    """What a single-line CharField keeps of ``value``."""
    return value.strip()


@dataclass(frozen=True)
class Form:
    role: str  # whose client posts: "coach", "candidate" or "anonymous"
    page: Callable[[SimpleNamespace], str]  # the page that shows the form
    action: Callable[[SimpleNamespace], str] | None = None  # where it posts; default: the page
    known: Callable[[SimpleNamespace], dict[str, list[str]]] = lambda w: {}  # worth trying too
    # After an accepted POST: check what was stored, given the world and the POST.
    stored: Callable[[SimpleNamespace, QueryDict], None] | None = None
    # A refused POST that writes on purpose (a refused submit keeps the draft).
    refusal_writes: Callable[[QueryDict], bool] = lambda data: False
    # Whose fields it posts, when a script posts them elsewhere (the autosave):
    # the address the page's own form posts to. Default: ``action``.
    fields_of: Callable[[SimpleNamespace], str] | None = None
    # The answer that means the POST was accepted: a redirect, or for a
    # script's JSON endpoint, 200.
    accepted_status: int = 302
    # Fields of the page left out: buttons that would be pressed in nearly every
    # example and so keep the others' paths from being reached.
    without: tuple[str, ...] = ()


def _url(name, *objects):
    return lambda w: reverse(name, args=[operator.attrgetter(o)(w).pk for o in objects])


def _stored_profile(w, data):
    user = User.objects.get(pk=w.coach.pk)
    assert user.full_name == _single(data.get("full_name", ""))
    assert user.time_zone == data["time_zone"]


def _stored_candidate(w, data):
    stored = Candidate.objects.get(coach=w.coach, email=_single(data["email"]).lower())
    assert stored.full_name == _single(data["full_name"])


def _stored_question(w, data):
    assert Question.objects.filter(owner=w.coach, prompt=_single(data["prompt"])).exists()


def _stored_interviewer(w, data):
    assert w.round.interviewers.filter(name=_single(data["name"])).exists()


def _stored_opportunity(w, data):
    assert w.candidate.opportunities.filter(
        company=_single(data["company"]), position=_single(data["position"])
    ).exists()


def _stored_practice_name(w, data):
    assert Practice.objects.filter(name=_single(data["name"])).exists()


def _stored_assignment_update(w, data):
    stored = Assignment.objects.get(pk=w.assignment.pk)
    assert stored.instructions == data.get("update-instructions", "").strip().replace("\r\n", "\n")


def _stored_story(w, data):
    assert Story.objects.filter(candidate=w.candidate, title=_single(data["title"])).exists()


def _stored_story_tag(w, data):
    assert w.coach.story_tags.filter(name=" ".join(data["name"].split())).exists()


def _tag_ids(w):
    foreign = stories_services.story_tag_create(coach=w.other_coach, name="Grit")
    return {"tags": [str(t.pk) for t in StoryTag.objects.builtin()[:3]] + [str(foreign.pk), "x"]}


def _story_actions(w):
    """The checklist's story buttons, also aimed at what is not this
    checklist's: another record's story, another checklist's link and item."""
    item = w.assignment.items.get(position=1)
    foreign_story = stories_services.story_create(
        candidate=w.other_record, by=w.candidate.user, values={"title": "Other bank"}
    )
    other = make_assignment(w.candidate)
    foreign_link = checklists_services.item_story_use(
        item=other.items.get(position=1), story=w.story, by=w.candidate.user
    )
    return {
        "action": [
            f"use_story:{item.pk}",
            f"remove_story:{w.story_link.pk}",
            f"remove_story:{foreign_link.pk}",
            f"use_story:{other.items.get(position=1).pk}",
            f"use_story:{w.assignment.items.get(position=2).pk}",
            "remove_story:x",
        ],
        f"use-story-{item.pk}": [str(w.story.pk), str(foreign_story.pk), "0"],
    }


def _stored_story_for_item(w, data):
    story = Story.objects.get(candidate=w.candidate, title=_single(data["title"]))
    assert story.item_links.filter(item__assignment=w.assignment).exists()


def _submit(data: QueryDict) -> bool:
    """Buttons that save the draft first and stay saved when what follows is
    refused: a submit with a missing item, and a file to attach that is
    refused (views/checklists.py ``_after_save_add_file``: 400 with the reason
    next to the file input, the answers saved)."""
    return data.get("action", "").partition(":")[0] in ("submit", "add_file")


def _dates(w):
    later = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    return {"due_date": [later, "1999-12-31", "2101-01-01", "2020-02-30"]}


def _when(w):
    return {"scheduled_at": ["2030-01-15T10:00", "1999-01-01T00:00", "2030-13-01T10:00"]}


FORMS: dict[str, Form] = {
    # Coach: candidates, opportunities, rounds, interviewers
    "candidate_create": Form(
        "coach",
        lambda w: reverse("coach:candidate_create"),
        known=lambda w: {"email": ["new.person@example.com", w.candidate.email]},
        stored=_stored_candidate,
    ),
    "candidate_edit": Form(
        "coach",
        _url("coach:candidate_edit", "candidate"),
        known=lambda w: {"email": ["cam.new@example.com", w.uninvited.email]},
        stored=_stored_candidate,
    ),
    "opportunity_create": Form(
        "coach", _url("coach:opportunity_create", "candidate"), stored=_stored_opportunity
    ),
    "opportunity_edit": Form(
        "coach",
        _url("coach:opportunity_edit", "opportunity"),
        known=lambda w: {"link": ["example.com/jobs/1", "javascript:alert(1)"]},
        stored=_stored_opportunity,
    ),
    "round_create": Form("coach", _url("coach:round_create", "opportunity"), known=_when),
    "round_edit": Form("coach", _url("coach:round_edit", "round"), known=_when),
    "interviewer_add (coach)": Form(
        "coach",
        _url("coach:interviewer_add", "round"),
        known=lambda w: {"email": ["pat@example.com"]},
        stored=_stored_interviewer,
    ),
    "interviewer_edit (coach)": Form(
        "coach", _url("coach:interviewer_edit", "interviewer"), stored=_stored_interviewer
    ),
    "note_check": Form(
        "coach", _url("coach:round_detail", "round"), action=_url("coach:note_check", "note")
    ),
    # Coach: question bank and templates
    "question_create": Form(
        "coach", lambda w: reverse("coach:question_create"), stored=_stored_question
    ),
    "question_edit": Form(
        "coach", _url("coach:question_edit", "question"), stored=_stored_question
    ),
    "template_create": Form("coach", lambda w: reverse("coach:template_create")),
    "template_edit": Form(
        "coach",
        _url("coach:template_edit", "template"),
        known=lambda w: {"items-TOTAL_FORMS": ["0", "1", "3", "1000", "-1"]},
        without=template_editor.ACTIONS,
    ),
    # Move, Remove, Undo and Add: never saved, whatever is sent.
    "template_edit (rearranging)": Form(
        "coach",
        _url("coach:template_edit", "template"),
        known=lambda w: {
            "items-TOTAL_FORMS": ["0", "1", "3", "1000", "-1"],
            # The buttons that rearrange the unsaved form, tampered with.
            "move": ["up:0", "down:1", "up:999", "sideways:0", "up:-1", "up:"],
            "remove": ["0", "2", "999", "x"],
            "restore": ["0", "999"],
            "add_from_bank": ["1"],
            "questions": [str(w.other_question.pk)],
        },
    ),
    # Coach: assigning and reviewing
    "assignment_create": Form(
        "coach",
        lambda w: (
            f"{reverse('coach:assignment_create')}?candidate={w.candidate.pk}&round={w.round.pk}"
        ),
        known=_dates,
    ),
    "assignment_review": Form(
        "coach",
        _url("coach:assignment_detail", "submitted"),
        action=_url("coach:assignment_review", "submitted"),
    ),
    "assignment_update": Form(
        "coach",
        _url("coach:assignment_detail", "assignment"),
        action=_url("coach:assignment_update", "assignment"),
        known=lambda w: {f"update-{name}": values for name, values in _dates(w).items()},
        stored=_stored_assignment_update,
    ),
    "assignment_remind": Form(
        "coach",
        _url("coach:assignment_detail", "assignment"),
        action=_url("coach:assignment_remind", "assignment"),
    ),
    "item_comment (coach)": Form(
        "coach",
        _url("coach:assignment_detail", "assignment"),
        action=lambda w: reverse("coach:item_comment", args=[w.assignment.items.first().pk]),
    ),
    # Candidate
    "checklist": Form("candidate", _url("me:checklist", "assignment"), refusal_writes=_submit),
    # The stories of a written answer: buttons of the same form, which save
    # the draft first (so a refused use still writes the draft).
    "checklist (stories)": Form(
        "candidate",
        _url("me:checklist", "assignment"),
        known=_story_actions,
        refusal_writes=_submit,
        without=("action",),
    ),
    # static/js/autosave.js posts the checklist form's answers here.
    "checklist_autosave": Form(
        "candidate",
        _url("me:checklist", "assignment"),
        action=_url("me:checklist_autosave", "assignment"),
        fields_of=_url("me:checklist", "assignment"),
        accepted_status=200,
    ),
    "item_comment (candidate)": Form(
        "candidate",
        _url("me:checklist", "submitted"),
        action=lambda w: reverse("me:item_comment", args=[w.submitted.items.first().pk]),
    ),
    "round_debrief": Form(
        "candidate", _url("me:round", "round"), action=_url("me:round_debrief", "round")
    ),
    "round_outcome": Form(
        "candidate", _url("me:round", "round"), action=_url("me:round_outcome", "round")
    ),
    "notes_save": Form(
        "candidate", _url("me:round", "round"), action=_url("me:notes_save", "round")
    ),
    "interviewer_add (candidate)": Form(
        "candidate", _url("me:interviewer_add", "round"), stored=_stored_interviewer
    ),
    "interviewer_edit (candidate)": Form(
        "candidate", _url("me:interviewer_edit", "interviewer"), stored=_stored_interviewer
    ),
    # The story bank: the candidate writes, the coach comments and marks
    "story_create": Form(
        "candidate", lambda w: reverse("me:story_create"), known=_tag_ids, stored=_stored_story
    ),
    # "Write a new story" on the fill page: saved to the bank and used in the item.
    "story_create (for a checklist item)": Form(
        "candidate",
        lambda w: f"{reverse('me:story_create')}?item={w.assignment.items.get(position=1).pk}",
        known=_tag_ids,
        stored=_stored_story_for_item,
    ),
    "story_edit": Form(
        "candidate",
        _url("me:story_edit", "story"),
        known=lambda w: {"version": ["1", "2", "0", "-1", "x"], **_tag_ids(w)},
        stored=_stored_story,
    ),
    "story_comment (candidate)": Form(
        "candidate", _url("me:story", "story"), action=_url("me:story_comment", "story")
    ),
    "story_copy": Form(
        "candidate",
        _url("me:story", "story"),
        action=_url("me:story_copy", "story"),
        known=lambda w: {"to": [str(w.candidate.pk), "0", str(w.uninvited.pk)]},
    ),
    "story_comment (coach)": Form(
        "coach", _url("coach:story", "story"), action=_url("coach:story_comment", "story")
    ),
    "story_strong": Form(
        "coach",
        _url("coach:story", "story"),
        action=_url("coach:story_strong", "story"),
        known=lambda w: {"strong": ["0", "1"]},
    ),
    "story_tag_create": Form(
        "coach",
        _url("coach:candidate_detail", "candidate"),
        action=_url("coach:story_tag_create", "candidate"),
        known=lambda w: {"name": ["Leadership", "Stakeholder management"]},
        stored=_stored_story_tag,
    ),
    # Rehearsal: the candidate's upload (a script posts the recording the same
    # way), "For my coach" and Delete on a take; the coach's comment on a story's.
    "take_upload": Form(
        "candidate",
        _url("me:item_rehearse", "take.item"),
        known=lambda w: {"timer": ["0", "60", "180", "7"], "duration": ["3.5", "-1", "nan"]},
    ),
    "take_for_coach": Form(
        "candidate",
        _url("me:item_rehearse", "take.item"),
        action=_url("me:take_for_coach", "take"),
        known=lambda w: {"for_coach": ["0", "1", "yes"]},
    ),
    "take_delete": Form(
        "candidate", _url("me:item_rehearse", "take.item"), action=_url("me:take_delete", "take")
    ),
    "take_comment (coach)": Form(
        "coach", _url("coach:story", "story"), action=_url("coach:take_comment", "story_take")
    ),
    # Both roles: the account
    "profile": Form("coach", lambda w: reverse("profile"), stored=_stored_profile),
    # The zone banner on every signed-in page (hidden until zone.js shows it).
    "time_zone_use": Form(
        "coach",
        lambda w: reverse("coach:dashboard"),
        action=lambda w: reverse("time_zone_use"),
        known=lambda w: {"time_zone": ["Europe/Berlin", "Europe", "Mars/Olympus"]},
    ),
    "notification_settings (coach)": Form("coach", lambda w: reverse("notification_settings")),
    "notification_settings (candidate)": Form(
        "candidate", lambda w: reverse("notification_settings")
    ),
    "password_change": Form(
        "coach",
        lambda w: reverse("password_change"),
        known=lambda w: {
            "old_password": [PASSWORD],
            "new_password1": [NEW_PASSWORD],
            "new_password2": [NEW_PASSWORD],
        },
    ),
    # Public: the token or the password is the credential
    "invite_accept (new account)": Form(
        "anonymous",
        lambda w: reverse("invite_accept", args=[w.invite_token]),
        known=lambda w: {"password1": [NEW_PASSWORD], "password2": [NEW_PASSWORD]},
    ),
    "invite_accept (existing account)": Form(
        "anonymous",
        lambda w: reverse("invite_accept", args=[w.returning_token]),
        known=lambda w: {"password": [PASSWORD]},
    ),
    "password_reset": Form(
        "anonymous",
        lambda w: reverse("password_reset"),
        known=lambda w: {"email": [w.coach.email, "nobody@example.com"]},
    ),
    "password_reset_confirm": Form(
        "reset",
        lambda w: reverse("password_reset_confirm", args=[w.reset_uid, "set-password"]),
        known=lambda w: {"new_password1": [NEW_PASSWORD], "new_password2": [NEW_PASSWORD]},
    ),
    "login": Form(
        "anonymous",
        lambda w: reverse("login"),
        known=lambda w: {"username": [w.coach.email, w.candidate.email], "password": [PASSWORD]},
    ),
    # Practices: the coach leads one with a colleague; other_coach works alone
    "practice_create": Form(
        "other_coach",
        lambda w: reverse("practice:home"),
        action=lambda w: reverse("practice:create"),
        stored=_stored_practice_name,
    ),
    "practice_rename": Form(
        "coach",
        lambda w: reverse("practice:members"),
        action=lambda w: reverse("practice:rename"),
        stored=_stored_practice_name,
    ),
    "practice_invite": Form(
        "coach",
        lambda w: reverse("practice:members"),
        action=lambda w: reverse("practice:member_invite"),
        known=lambda w: {"email": ["newcoach@example.com", w.colleague.email, w.candidate.email]},
    ),
    "practice_member_role": Form(
        "coach",
        lambda w: reverse("practice:members"),
        action=_url("practice:member_role", "colleague_membership"),
    ),
    "practice_reassign": Form(
        "coach",
        _url("practice:candidate_reassign", "candidate"),
        known=lambda w: {"coach": [str(w.colleague.pk), str(w.coach.pk), "0"]},
    ),
    "practice_join (new account)": Form(
        "anonymous",
        lambda w: reverse("practice_join", args=[w.practice_token]),
        known=lambda w: {"password1": [NEW_PASSWORD], "password2": [NEW_PASSWORD]},
    ),
    "practice_join (existing account)": Form(
        "anonymous",
        lambda w: reverse("practice_join", args=[w.coach_join_token]),
        known=lambda w: {"password": [PASSWORD]},
    ),
    "template_share": Form(
        "coach",
        _url("coach:template_detail", "template"),
        action=_url("coach:template_share", "template"),
        known=lambda w: {"shared": ["0", "1", "2", ""]},
    ),
}


# ---------------------------------------------------------------- one small world


@pytest.fixture
def world(coach, candidate, other_coach):
    """One of each thing the forms edit, owned by ``coach`` and their ``candidate``;
    the interview took place two hours ago, so the after-the-interview forms are open."""
    opportunity = OpportunityFactory(candidate=candidate)
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=1,
        scheduled_at=timezone.now() - datetime.timedelta(hours=2),
    )
    template = ChecklistTemplateFactory(owner=coach)
    for position in (1, 2):
        TemplateItemFactory(template=template, position=position)
    assignment = make_assignment(candidate, round=round_)
    AskedQuestion.objects.create(round=round_, text="Why this team?")
    uninvited = CandidateFactory(coach=coach, email="new@example.com")
    _, invite_token = caseload_services.invitation_create(candidate=uninvited, by=coach)
    returning_user = UserFactory(email="returning@example.com")
    returning = CandidateFactory(coach=coach, email=returning_user.email)
    _, returning_token = caseload_services.invitation_create(candidate=returning, by=coach)
    practice = practices_services.practice_create(by=coach, name="Northstar")
    colleague = CoachFactory(email="colleague@example.com")
    colleague_membership = PracticeMembership.objects.create(practice=practice, user=colleague)
    _, practice_token = practices_services.practice_invite(
        practice=practice, by=coach, email="robin@example.com"
    )
    joining = CoachFactory(email="joining@example.com")
    _, coach_join_token = practices_services.practice_invite(
        practice=practice, by=coach, email=joining.email
    )
    # The candidate is also other_coach's client: their story can be copied there.
    other_record = make_joined_candidate(other_coach, candidate.user)
    story = stories_services.story_create(
        candidate=candidate, by=candidate.user, values={"title": "Churn model"}
    )
    # The checklist's written answer uses another story; "Churn model" is offered.
    story_link = checklists_services.item_story_use(
        item=assignment.items.get(position=1),
        story=stories_services.story_create(
            candidate=candidate, by=candidate.user, values={"title": "Dashboard launch"}
        ),
        by=candidate.user,
    )
    # Rehearsal takes sent to the coach: on the written answer and on the story.
    takes = {}
    for name, subject in (
        ("take", {"item": assignment.items.get(position=1)}),
        ("story_take", {"story": story}),
    ):
        takes[name] = rehearsal_services.take_add(
            upload=SimpleUploadedFile("take.wav", wav_bytes()), by=candidate.user, **subject
        )
        rehearsal_services.take_mark_for_coach(take=takes[name], by=candidate.user, for_coach=True)
    return SimpleNamespace(
        **takes,
        coach=coach,
        other_coach=other_coach,
        other_record=other_record,
        story=story,
        story_link=story_link,
        candidate=candidate,
        colleague=colleague,
        colleague_membership=colleague_membership,
        practice_token=practice_token,
        coach_join_token=coach_join_token,
        uninvited=uninvited,
        invite_token=invite_token,
        returning_token=returning_token,
        opportunity=opportunity,
        round=round_,
        interviewer=InterviewerFactory(round=round_),
        note=ThankYouNoteFactory(round=round_, check_requested_at=timezone.now()),
        question=QuestionFactory(owner=coach),
        other_question=QuestionFactory(owner=coach),
        foreign_question=QuestionFactory(owner=other_coach),
        template=template,
        assignment=assignment,
        submitted=submitted(make_assignment(candidate, round=round_)),
        reset_uid=urlsafe_base64_encode(force_bytes(coach.pk)),
    )


def _reset_client(world) -> Client:
    """A client holding a checked password-reset link in its session, as after
    following the emailed link."""
    client = Client()
    token = default_token_generator.make_token(world.coach)
    response = client.get(reverse("password_reset_confirm", args=[world.reset_uid, token]))
    assert response.status_code == 302, response.status_code
    return client


# ---------------------------------------------------------------- the property


class _RolledBack(Exception):
    """Ends an example's savepoint, whatever it wrote."""


@pytest.mark.parametrize("name", list(FORMS))
def test_no_input_breaks_a_form(name, world, coach_client, candidate_client, other_coach_client):
    form = FORMS[name]
    clients = {
        "coach": coach_client,
        "other_coach": other_coach_client,
        "candidate": candidate_client,
        "anonymous": Client(),
        "reset": _reset_client(world) if form.role == "reset" else None,
    }
    client = clients[form.role]
    page = form.page(world)
    action = form.action(world) if form.action else page
    fields = form_fields(client, page, form.fields_of(world) if form.fields_of else action)
    for key in form.without:
        fields.pop(key, None)
    for key, values in form.known(world).items():
        fields.setdefault(key, [])
        fields[key] += values
    # A view that logs in or changes the password starts a new session; each
    # example starts from the session the client had.
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    session = cookie.value if cookie is not None else None
    before = snapshot()
    before_digests = digests()
    login_url = reverse("login")

    @given(data=posts(fields), render=RENDER)
    @example(data={name: values[0] for name, values in fields.items()}, render=True)
    def post_anything(data, render):
        if session is None:
            client.cookies.pop(settings.SESSION_COOKIE_NAME, None)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = session
        try:
            with transaction.atomic():
                count = write_count()
                with pages_rendered(render):
                    response = client.post(
                        action,
                        urlencode(data, doseq=True),
                        content_type="application/x-www-form-urlencoded",
                    )
                event(f"status {response.status_code}")
                assert response.status_code < 500, response.status_code
                accepted = response.status_code == form.accepted_status
                if form.role in ("coach", "other_coach", "candidate"):
                    redirected = response.status_code == 302
                    assert not (redirected and response.url.startswith(login_url)), "logged out"
                # Counting writes is cheap; comparing rows only when there were some,
                # and then only in the tables whose digest moved.
                changes = {} if write_count() == count else changes_since(before, before_digests)
                note(f"written: {changes}")
                if accepted:
                    assert_rows_valid(changes)
                    if form.stored is not None and changes:
                        form.stored(world, as_received(data))
                elif changes and not form.refusal_writes(as_received(data)):
                    raise AssertionError(f"refused ({response.status_code}) yet wrote {changes}")
                raise _RolledBack
        except _RolledBack:
            pass

    post_anything()
    assert snapshot() == before


def test_a_login_longer_than_any_email_is_refused_not_an_error(world):
    """Found by the fuzzing above: Django's login form does not enforce the
    username's length, and SQLite refuses a LIKE pattern over 50 kB."""
    response = Client().post(reverse("login"), {"username": "a" * 60_000, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.parametrize("candidate_id", ["0" * 5000, "²"])
def test_a_candidate_id_that_is_not_a_number_is_refused_not_an_error(
    candidate_id, world, coach_client
):
    """Found by the fuzzing above: the archived-candidate check turned any
    string of digits into an int ("²" is a digit; 5000 digits is too many)."""
    url = reverse("coach:assignment_create")
    response = coach_client.post(url, {"candidate": candidate_id, "template": world.template.pk})
    assert response.status_code == 200
    assert "candidate" in response.context["form"].errors
    assert coach_client.get(f"{url}?candidate={candidate_id}").status_code == 200
