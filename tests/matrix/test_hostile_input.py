"""Hostile or broken input: line breaks in one-line fields, oversized template
POSTs, and the health check while the database is down."""

import time
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from interviews import models
from interviews.forms.checklists import EmailItemForm
from interviews.forms.library import MAX_ITEMS, QuestionFilterForm
from interviews.services import caseload as caseload_services
from interviews.services import emails
from interviews.validators import SINGLE_LINE_MESSAGE, validate_single_line

from ..checklist_helpers import form_data, item, round_form_data
from ..factories import (
    AssignmentItemFactory,
    CandidateFactory,
    ChecklistTemplateFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    QuestionFactory,
    TemplateItemFactory,
    make_assignment,
)

BROKEN = "Pat\r\nBcc: everyone@example.com"

# ---------------------------------------------------------------- the validator


@pytest.mark.parametrize(
    "value",
    ["a\nb", "a\rb", "a\tb", "a\x0bb", "a\x0cb", "a\x1b[31mb", "a\x7fb", "a\x85b", "a\u2028b"],
)
def test_line_breaks_and_control_characters_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)
    assert refused.value.messages == [SINGLE_LINE_MESSAGE]


def test_every_control_character_is_refused():
    controls = [chr(n) for n in range(0x110000) if unicodedata.category(chr(n)) == "Cc"]
    assert len(controls) == 65  # C0, DEL and C1
    for char in controls:
        with pytest.raises(ValidationError):
            validate_single_line(f"name{char}")


@pytest.mark.parametrize(
    "value", ["", "Zoë O'Brien-Łukasiewicz", "山田 太郎", "Café ☕ — “quoted”", "a  b"]
)
def test_ordinary_text_in_any_script_is_accepted(value):
    validate_single_line(value)


# ---------------------------------------------------------------- every form that takes one line


def _editor_post(template, *, title=None, rows=(), total=None, initial=None) -> dict:
    """The template editor's POST: ``rows`` are dicts of item fields ("id" for a stored one)."""
    data = {
        "title": template.title if title is None else title,
        "description": "",
        "round_kind": "",
        "items-TOTAL_FORMS": str(len(rows) if total is None else total),
        "items-INITIAL_FORMS": str(
            sum(1 for row in rows if "id" in row) if initial is None else initial
        ),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": str(MAX_ITEMS),
    }
    for i, row in enumerate(rows):
        values = {"template": str(template.pk), "kind": "text", "required": "on", **row}
        data.update({f"items-{i}-{key}": value for key, value in values.items()})
    return data


def _stored_rows(template) -> list[dict]:
    return [
        {"id": str(stored.pk), "ORDER": str(n), "prompt": stored.prompt}
        for n, stored in enumerate(template.items.order_by("position"), start=1)
    ]


_round_data = round_form_data


# Each case sets up its page and returns (client, url, data, check that nothing was stored).


def _candidate_create(request):
    coach = request.getfixturevalue("coach")
    data = {"full_name": BROKEN, "email": "pat@example.com", "headline": "", "notes": ""}

    def nothing_stored():
        assert not models.Candidate.objects.filter(coach=coach).exists()

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:candidate_create"), data, nothing_stored


def _candidate_edit(request):
    record = CandidateFactory(coach=request.getfixturevalue("coach"), headline="Analyst")
    data = {"full_name": record.full_name, "email": record.email, "headline": BROKEN}

    def nothing_stored():
        record.refresh_from_db()
        assert record.headline == "Analyst"

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:candidate_edit", args=[record.pk]), data, nothing_stored


def _opportunity_create(request):
    record = CandidateFactory(coach=request.getfixturevalue("coach"))
    data = {"company": BROKEN, "position": "Analyst", "link": "", "status": "active"}

    def nothing_stored():
        assert not record.opportunities.exists()

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:opportunity_create", args=[record.pk]), data, nothing_stored


def _opportunity_edit(request):
    opportunity = OpportunityFactory(
        candidate=CandidateFactory(coach=request.getfixturevalue("coach")), position="Analyst"
    )
    data = {"company": opportunity.company, "position": BROKEN, "link": "", "status": "active"}

    def nothing_stored():
        opportunity.refresh_from_db()
        assert opportunity.position == "Analyst"

    client = request.getfixturevalue("coach_client")
    url = reverse("coach:opportunity_edit", args=[opportunity.pk])
    return client, url, data, nothing_stored


def _round_create(request):
    opportunity = OpportunityFactory(
        candidate=CandidateFactory(coach=request.getfixturevalue("coach"))
    )

    def nothing_stored():
        assert not opportunity.rounds.exists()

    client = request.getfixturevalue("coach_client")
    url = reverse("coach:round_create", args=[opportunity.pk])
    return client, url, _round_data(location=BROKEN), nothing_stored


def _round_edit(request):
    round = InterviewRoundFactory(
        opportunity=OpportunityFactory(
            candidate=CandidateFactory(coach=request.getfixturevalue("coach"))
        ),
        sequence=1,
    )

    def nothing_stored():
        round.refresh_from_db()
        assert round.location == ""

    client = request.getfixturevalue("coach_client")
    url = reverse("coach:round_edit", args=[round.pk])
    return client, url, _round_data(location=BROKEN), nothing_stored


def _template_create(request):
    coach = request.getfixturevalue("coach")
    data = {"title": BROKEN, "description": "", "round_kind": ""}

    def nothing_stored():
        assert not models.ChecklistTemplate.objects.filter(owner=coach).exists()

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:template_create"), data, nothing_stored


def _template_item_prompt(request):
    template = ChecklistTemplateFactory(owner=request.getfixturevalue("coach"), title="Mine")
    TemplateItemFactory(template=template, position=1, prompt="First")
    rows = _stored_rows(template)
    rows[0]["prompt"] = BROKEN
    data = _editor_post(template, title="Renamed", rows=[*rows, {"prompt": BROKEN}])

    def nothing_stored():
        template.refresh_from_db()
        assert template.title == "Mine"
        assert list(template.items.values_list("prompt", flat=True)) == ["First"]

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:template_edit", args=[template.pk]), data, nothing_stored


def _question_create(request):
    coach = request.getfixturevalue("coach")
    data = {"prompt": BROKEN, "guidance": "", "category": "ask", "round_kind": ""}

    def nothing_stored():
        assert not models.Question.objects.filter(owner=coach).exists()

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:question_create"), data, nothing_stored


def _question_edit(request):
    question = QuestionFactory(owner=request.getfixturevalue("coach"), prompt="Why us?")
    data = {"prompt": BROKEN, "guidance": "", "category": "ask", "round_kind": ""}

    def nothing_stored():
        question.refresh_from_db()
        assert question.prompt == "Why us?"

    client = request.getfixturevalue("coach_client")
    return client, reverse("coach:question_edit", args=[question.pk]), data, nothing_stored


def _profile_name(request):
    coach = request.getfixturevalue("coach")

    def nothing_stored():
        coach.refresh_from_db()
        assert coach.full_name == "Casey Coach"

    client = request.getfixturevalue("coach_client")
    data = {"full_name": BROKEN, "time_zone": "UTC"}
    return client, reverse("profile"), data, nothing_stored


def _invitation_signup(request):
    coach = request.getfixturevalue("coach")
    record = CandidateFactory(coach=coach, email="new.person@example.com")
    invitation, token = caseload_services.invitation_create(candidate=record, by=coach)
    data = {
        "full_name": BROKEN,
        "password1": "plenty-long-password-7",
        "password2": "plenty-long-password-7",
    }

    def nothing_stored():
        invitation.refresh_from_db()
        assert invitation.accepted_at is None
        assert not models.User.objects.filter(email="new.person@example.com").exists()

    return Client(), reverse("invite_accept", args=[token]), data, nothing_stored


def _checklist_email_subject(request):
    assignment = make_assignment(request.getfixturevalue("candidate"))
    data = form_data(assignment, item3={"email_subject": BROKEN, "email_body": "Thank you."})

    def nothing_stored():
        email = item(assignment, 3)
        assert (email.email_subject, email.email_body, email.version) == ("", "", 1)

    client = request.getfixturevalue("candidate_client")
    return client, reverse("me:checklist", args=[assignment.pk]), data, nothing_stored


@pytest.mark.parametrize(
    "case",
    [
        _candidate_create,
        _candidate_edit,
        _opportunity_create,
        _opportunity_edit,
        _round_create,
        _round_edit,
        _template_create,
        _template_item_prompt,
        _question_create,
        _question_edit,
        _profile_name,
        _invitation_signup,
        _checklist_email_subject,
    ],
    ids=lambda case: case.__name__.lstrip("_"),
)
def test_a_line_break_in_a_one_line_field_is_a_form_error_and_nothing_is_stored(request, case):
    client, url, data, nothing_stored = case(request)
    response = client.post(url, data)
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    nothing_stored()


@pytest.mark.parametrize(
    "model, field",
    [
        (models.User, "full_name"),
        (models.Candidate, "full_name"),
        (models.Candidate, "headline"),
        (models.Opportunity, "company"),
        (models.Opportunity, "position"),
        (models.InterviewRound, "location"),
        (models.Interviewer, "name"),
        (models.Interviewer, "job_title"),
        (models.ThankYouNote, "subject"),
        (models.ThankYouNote, "to_name"),
        (models.AskedQuestion, "text"),
        (models.Question, "source"),
        (models.Question, "prompt"),
        (models.ChecklistTemplate, "title"),
        (models.TemplateItem, "prompt"),
        (models.Assignment, "title"),
        (models.AssignmentItem, "prompt"),
        (models.AssignmentItem, "email_to"),
        (models.AssignmentItem, "email_subject"),
    ],
)
def test_model_validation_refuses_a_line_break_in_one_line_fields(model, field):
    instance = model(**{field: BROKEN})
    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != field])
    assert refused.value.message_dict == {field: [SINGLE_LINE_MESSAGE]}


def test_the_checklist_email_form_refuses_a_line_break_in_the_address(db):
    email_item = AssignmentItemFactory(kind=models.ItemKind.EMAIL)
    prefix = f"item-{email_item.pk}"
    form = EmailItemForm(
        email_item,
        {f"{prefix}-version": "1", f"{prefix}-email_to": "pat@example.com\nBcc: x@example.com"},
    )
    assert form.errors == {"email_to": [SINGLE_LINE_MESSAGE]}


def test_a_question_search_with_a_line_break_is_left_out(coach_client, coach):
    QuestionFactory(owner=coach, prompt="Why us?")
    form = QuestionFilterForm({"q": "Why\nus"})
    assert form.errors == {"q": [SINGLE_LINE_MESSAGE]}
    response = coach_client.get(reverse("coach:question_list"), {"q": "Why\nus"})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()


def test_the_shipped_library_has_only_one_line_values(db):
    for model, field in [
        (models.Question, "prompt"),
        (models.ChecklistTemplate, "title"),
        (models.TemplateItem, "prompt"),
    ]:
        for value in model.objects.values_list(field, flat=True):
            validate_single_line(value)


# ---------------------------------------------------------------- email built from stored values


def test_a_stored_name_with_a_line_break_cannot_rewrite_an_email(
    candidate, mailoutbox, django_capture_on_commit_callbacks
):
    """The name reached the database without the forms (an import, the shell)."""
    models.Candidate.objects.filter(pk=candidate.pk).update(
        full_name="Cam\nBcc: everyone@example.com"
    )
    candidate.refresh_from_db()
    assignment = make_assignment(candidate, title="Second-round prep", submitted_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        emails.send_assignment_submitted(assignment)

    (message,) = mailoutbox
    assert message.subject == (
        'Cam Bcc: everyone@example.com submitted "Second-round prep" for review'
    )
    assert message.body.startswith(
        'Cam\nBcc: everyone@example.com has submitted "Second-round prep" and is waiting'
    )
    assert "for review\n" not in message.body  # no part of the subject line leaked in
    assert message.message()["Subject"] == message.subject


def test_a_stored_coach_name_with_a_line_break_cannot_rewrite_the_invitation(
    coach, django_capture_on_commit_callbacks, mailoutbox
):
    models.User.objects.filter(pk=coach.pk).update(full_name="Casey\r\nCoach")
    coach.refresh_from_db()
    record = CandidateFactory(coach=coach, full_name="New Person")
    with django_capture_on_commit_callbacks(execute=True):
        caseload_services.invitation_create(candidate=record, by=coach)

    (message,) = mailoutbox
    assert message.subject == "Casey Coach invited you to prepare for your job interviews"
    assert message.body.startswith("Hello New Person,\n")


# ---------------------------------------------------------------- template size


def _snapshot(template) -> tuple:
    template.refresh_from_db()
    return template.title, list(template.items.order_by("position").values_list("prompt", "pk"))


@pytest.mark.parametrize("initial", ["3", "100000"])
def test_a_post_declaring_100000_items_is_refused_at_once(coach_client, own_template, initial):
    before = _snapshot(own_template)
    data = _editor_post(
        own_template,
        title="Not saved",
        rows=_stored_rows(own_template),
        total=100000,
        initial=initial,
    )
    start = time.perf_counter()
    response = coach_client.post(reverse("coach:template_edit", args=[own_template.pk]), data)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200
    assert "Items: A template can have at most 200 items." in response.content.decode()
    assert _snapshot(own_template) == before
    # Only the stored items' rows are built, not absolute_max blank ones.
    assert len(response.context["formset"].forms) == 3
    assert elapsed < 2, f"took {elapsed:.1f} s"


def test_a_template_saves_200_items_and_refuses_201(coach_client, coach):
    template = ChecklistTemplateFactory(owner=coach)
    url = reverse("coach:template_edit", args=[template.pk])
    rows = [{"prompt": f"Item {n}"} for n in range(1, 202)]

    refused = coach_client.post(url, _editor_post(template, rows=rows))
    assert refused.status_code == 200
    assert "A template can have at most 200 items." in refused.content.decode()
    assert not template.items.exists()

    saved = coach_client.post(url, _editor_post(template, rows=rows[:200]))
    assert saved.status_code == 302
    assert template.items.count() == 200
    assert template.items.get(position=200).prompt == "Item 200"


def test_adding_bank_questions_stops_at_the_cap(coach_client, coach):
    template = ChecklistTemplateFactory(owner=coach)
    TemplateItemFactory.create_batch(199, template=template)
    questions = QuestionFactory.create_batch(2, owner=coach)
    url = reverse("coach:template_edit", args=[template.pk])
    rows = _stored_rows(template)
    response = coach_client.post(
        url,
        {
            **_editor_post(template, rows=rows),
            "add_from_bank": "1",
            "questions": [q.pk for q in questions],
        },
    )
    assert "A template can have at most 200 items; this one has 199, so add at most 1 more." in (
        response.content.decode()
    )
    assert len(response.context["layout"].rows) == 199
    response = coach_client.post(
        url,
        {**_editor_post(template, rows=rows), "add_from_bank": "1", "questions": [questions[0].pk]},
    )
    assert len(response.context["layout"].rows) == 200
    assert template.items.count() == 199  # added to the form, not saved
    saved = coach_client.post(url, response.context["layout"].rows[0].form.data)
    assert saved.status_code == 302
    assert template.items.count() == 200


# ---------------------------------------------------------------- health check


def _database_down(monkeypatch):
    """Every query fails as it does when the server is gone, the session lookup included."""

    def refuse(self):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


def test_healthz_answers_503_with_or_without_a_session_while_the_database_is_down(
    coach, monkeypatch
):
    logged_in = Client()
    logged_in.force_login(coach)
    anonymous = Client()
    with monkeypatch.context() as patched:
        _database_down(patched)
        with pytest.raises(OperationalError):
            models.User.objects.count()  # the outage is real for every query
        responses = [anonymous.get("/healthz"), logged_in.get("/healthz")]
    for response in responses:
        assert response.status_code == 503
        assert response.content == b"database unavailable\n"
        assert response["Content-Type"] == "text/plain"
        assert "no-store" in response["Cache-Control"]


def test_healthz_answers_200_with_a_session_and_stays_get_only(coach):
    logged_in = Client()
    logged_in.force_login(coach)
    response = logged_in.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]
    assert logged_in.post("/healthz").status_code == 405
