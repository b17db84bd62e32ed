"""The practice's shared library: sharing questions and templates, who sees,
copies, assigns, edits and unshares them."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from interviews.models import Assignment, ChecklistTemplate, Question
from interviews.services import library as library_services

from ..factories import (
    CandidateFactory,
    ChecklistTemplateFactory,
    QuestionFactory,
    TemplateItemFactory,
)

QUESTIONS = reverse("coach:question_list")
TEMPLATES = reverse("coach:template_list")
ASSIGN = reverse("coach:assignment_create")


def _url(name, obj):
    return reverse(f"coach:{name}", args=[obj.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def own_template(coach):
    template = ChecklistTemplateFactory(owner=coach, title="Round-two house prep")
    TemplateItemFactory(template=template, position=1, prompt="What will you ask them?")
    TemplateItemFactory(template=template, position=2, kind="check", prompt="Portfolio ready")
    return template


@pytest.fixture
def own_question(coach):
    return QuestionFactory(owner=coach, prompt="Who held the role before?")


@pytest.fixture
def shared_template(own_template, coach, practice):
    return library_services.library_share(obj=own_template, by=coach, shared=True)


@pytest.fixture
def shared_question(own_question, coach, practice):
    return library_services.library_share(obj=own_question, by=coach, shared=True)


# ---------------------------------------------------------------- sharing


def test_the_owner_shares_a_template_and_comes_back_to_it(coach_client, own_template, practice):
    response = coach_client.post(_url("template_share", own_template), {"shared": "1"})
    assert response.status_code == 302
    assert response.url == _url("template_detail", own_template)
    assert _messages(response)[-1].startswith("Shared with Northstar")
    own_template.refresh_from_db()
    assert own_template.practice == practice


def test_the_owner_shares_a_question_from_the_bank_and_returns_to_the_same_page(
    coach_client, own_question, practice
):
    back = f"{QUESTIONS}?category=ask&page=1"
    response = coach_client.post(
        _url("question_share", own_question), {"shared": "1", "next": back}
    )
    assert response.status_code == 302
    assert response.url == back
    own_question.refresh_from_db()
    assert own_question.practice == practice


def test_an_outside_next_address_is_ignored(coach_client, own_question, practice):
    response = coach_client.post(
        _url("question_share", own_question),
        {"shared": "1", "next": "https://evil.example.com/"},
    )
    assert response.url == QUESTIONS


def test_an_unknown_shared_value_changes_nothing(coach_client, own_template, practice):
    response = coach_client.post(_url("template_share", own_template), {"shared": "yes"})
    assert response.status_code == 302
    assert "Choose whether" in _messages(response)[-1]
    own_template.refresh_from_db()
    assert own_template.practice is None


def test_sharing_is_post_only(coach_client, own_template, own_question, practice):
    assert coach_client.get(_url("template_share", own_template)).status_code == 405
    assert coach_client.get(_url("question_share", own_question)).status_code == 405


def test_a_coach_without_a_practice_is_asked_to_join_or_create_one(other_coach, other_coach_client):
    template = ChecklistTemplateFactory(owner=other_coach)
    question = QuestionFactory(owner=other_coach)
    for url in (_url("template_share", template), _url("question_share", question)):
        response = other_coach_client.post(url, {"shared": "1"})
        assert response.status_code == 302
        assert _messages(response)[-1] == "Join or create a practice to share with it."
    template.refresh_from_db()
    question.refresh_from_db()
    assert template.practice is None and question.practice is None


def test_a_coach_without_a_practice_sees_no_share_button(other_coach, other_coach_client):
    template = ChecklistTemplateFactory(owner=other_coach)
    question = QuestionFactory(owner=other_coach)
    assert _url("template_share", template) not in other_coach_client.get(TEMPLATES).text
    assert _url("question_share", question) not in other_coach_client.get(QUESTIONS).text


def test_the_owner_sees_share_then_unshare(coach_client, own_template, own_question, practice):
    body = coach_client.get(TEMPLATES).text
    assert _url("template_share", own_template) in body and "Share with my practice" in body
    library_services.library_share(obj=own_template, by=own_template.owner, shared=True)
    body = coach_client.get(_url("template_detail", own_template)).text
    assert "Unshare" in body and "Shared with Northstar" in body
    assert "You share this template with Northstar" in body
    body = coach_client.get(QUESTIONS).text
    assert _url("question_share", own_question) in body


def test_built_ins_cannot_be_shared(lead_client):
    builtin = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    response = lead_client.post(_url("template_share", builtin), {"shared": "1"})
    assert response.status_code == 404
    builtin.refresh_from_db()
    assert builtin.practice is None


# ---------------------------------------------------------------- who sees it


def test_colleague_and_lead_see_shared_items_marked_with_the_practice_and_owner(
    colleague_client, lead_client, shared_template, shared_question
):
    for client in (colleague_client, lead_client):
        templates = client.get(TEMPLATES).text
        assert shared_template.title in templates
        assert "Northstar · Casey Coach" in templates
        questions = client.get(QUESTIONS).text
        assert shared_question.prompt in questions
        assert "Northstar · Casey Coach" in questions
        detail = client.get(_url("template_detail", shared_template))
        assert detail.status_code == 200
        assert "Shared with Northstar by Casey Coach" in detail.text
        assert "What will you ask them?" in detail.text


def test_rival_and_a_lone_coach_see_nothing_of_it(
    rival_client, other_coach_client, shared_template, shared_question
):
    for client in (rival_client, other_coach_client):
        assert shared_template.title not in client.get(TEMPLATES).text
        assert shared_question.prompt not in client.get(QUESTIONS).text
        assert client.get(_url("template_detail", shared_template)).status_code == 404
        assert client.post(_url("template_copy", shared_template)).status_code == 404
        assert client.post(_url("question_copy", shared_question)).status_code == 404
        assert (
            client.post(_url("template_share", shared_template), {"shared": "0"}).status_code == 404
        )
    assert ChecklistTemplate.objects.filter(title__startswith="Round-two house").count() == 1
    assert Question.objects.filter(prompt=shared_question.prompt).count() == 1
    shared_template.refresh_from_db()
    assert shared_template.practice is not None


def test_a_candidate_sees_nothing_of_the_library(
    candidate_client, shared_template, shared_question
):
    assert candidate_client.get(TEMPLATES).status_code == 404
    assert candidate_client.get(QUESTIONS).status_code == 404
    assert candidate_client.get(_url("template_detail", shared_template)).status_code == 404
    response = candidate_client.post(_url("template_share", shared_template), {"shared": "0"})
    assert response.status_code == 404
    response = candidate_client.post(_url("question_share", shared_question), {"shared": "0"})
    assert response.status_code == 404
    shared_template.refresh_from_db()
    assert shared_template.practice is not None


def test_the_template_list_puts_own_then_shared_then_built_ins(
    colleague, colleague_client, shared_template
):
    mine = ChecklistTemplateFactory(owner=colleague, title="Zz my own")
    body = colleague_client.get(TEMPLATES).text
    builtin = ChecklistTemplate.objects.get(builtin_key="second-round-prep")
    assert body.index(mine.title) < body.index(shared_template.title) < body.index(builtin.title)


# ---------------------------------------------------------------- a plain member


def test_colleague_copies_a_shared_template_and_question(
    colleague, colleague_client, shared_template, shared_question
):
    response = colleague_client.post(_url("template_copy", shared_template))
    copy = ChecklistTemplate.objects.get(owner=colleague)
    assert response.url == _url("template_edit", copy)
    assert copy.practice is None and copy.copied_from == shared_template
    assert list(copy.items.values_list("prompt", flat=True)) == [
        "What will you ask them?",
        "Portfolio ready",
    ]
    response = colleague_client.post(_url("question_copy", shared_question))
    question = Question.objects.get(owner=colleague)
    assert response.url == _url("question_edit", question)
    assert question.prompt == shared_question.prompt and question.practice is None


def test_colleague_sees_copy_but_no_edit_nor_unshare(
    colleague_client, shared_template, shared_question
):
    body = colleague_client.get(TEMPLATES).text
    assert _url("template_copy", shared_template) in body
    assert _url("template_edit", shared_template) not in body
    assert _url("template_share", shared_template) not in body
    body = colleague_client.get(QUESTIONS).text
    assert _url("question_copy", shared_question) in body
    assert _url("question_edit", shared_question) not in body
    assert _url("question_share", shared_question) not in body
    assert _url("question_retire", shared_question) not in body


def test_colleague_assigns_a_shared_template(colleague, colleague_client, shared_template):
    form = colleague_client.get(ASSIGN).text
    assert '<optgroup label="Shared in Northstar">' in form
    assert f"{shared_template.title} (by Casey Coach)" in form
    candidate = CandidateFactory(coach=colleague)
    response = colleague_client.post(
        ASSIGN, {"candidate": candidate.pk, "template": shared_template.pk, "instructions": ""}
    )
    assignment = Assignment.objects.get(candidate=candidate)
    assert response.status_code == 302
    assert assignment.template == shared_template
    assert list(assignment.items.values_list("prompt", flat=True)) == [
        "What will you ask them?",
        "Portfolio ready",
    ]


def test_a_lone_coach_cannot_assign_someone_elses_shared_template(
    other_coach, other_coach_client, shared_template
):
    candidate = CandidateFactory(coach=other_coach)
    response = other_coach_client.post(
        ASSIGN, {"candidate": candidate.pk, "template": shared_template.pk, "instructions": ""}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Assignment.objects.exists()


def test_colleague_cannot_edit_retire_nor_unshare(
    colleague_client, shared_template, shared_question
):
    assert colleague_client.get(_url("template_edit", shared_template)).status_code == 404
    response = colleague_client.post(_url("template_edit", shared_template), {"title": "Mine now"})
    assert response.status_code == 404
    assert colleague_client.get(_url("question_edit", shared_question)).status_code == 404
    assert colleague_client.post(_url("question_retire", shared_question)).status_code == 404
    response = colleague_client.post(_url("template_share", shared_template), {"shared": "0"})
    assert response.status_code == 404
    response = colleague_client.post(_url("question_share", shared_question), {"shared": "0"})
    assert response.status_code == 404
    shared_template.refresh_from_db()
    shared_question.refresh_from_db()
    assert shared_template.title == "Round-two house prep"
    assert shared_template.practice is not None
    assert shared_question.practice is not None and not shared_question.retired


# ---------------------------------------------------------------- the lead


def test_lead_sees_edit_and_unshare(lead_client, shared_template, shared_question):
    body = lead_client.get(TEMPLATES).text
    assert _url("template_edit", shared_template) in body
    assert _url("template_share", shared_template) in body and "Unshare" in body
    body = lead_client.get(QUESTIONS).text
    assert _url("question_edit", shared_question) in body
    assert _url("question_share", shared_question) in body


def test_lead_edits_a_shared_template_and_question(lead_client, shared_template, shared_question):
    page = lead_client.get(_url("template_edit", shared_template))
    assert page.status_code == 200
    assert "Casey Coach shares this template with Northstar" in page.text
    items = list(shared_template.items.order_by("position"))
    data = {
        "title": "Northstar round-two prep",
        "description": "",
        "round_kind": "",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "2",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        data.update(
            {
                f"items-{i}-id": str(item.pk),
                f"items-{i}-template": str(shared_template.pk),
                f"items-{i}-ORDER": str(i + 1),
                f"items-{i}-kind": item.kind,
                f"items-{i}-prompt": item.prompt,
                f"items-{i}-guidance": "",
                f"items-{i}-required": "on",
            }
        )
    response = lead_client.post(_url("template_edit", shared_template), data)
    assert response.status_code == 302
    shared_template.refresh_from_db()
    assert shared_template.title == "Northstar round-two prep"

    response = lead_client.post(
        _url("question_edit", shared_question),
        {
            "prompt": "Who held the role before, and why did they leave?",
            "guidance": "",
            "category": shared_question.category,
            "round_kind": "",
        },
    )
    assert response.status_code == 302
    shared_question.refresh_from_db()
    assert shared_question.prompt == "Who held the role before, and why did they leave?"
    assert lead_client.post(_url("question_retire", shared_question)).status_code == 302
    shared_question.refresh_from_db()
    assert shared_question.retired


def test_lead_finds_a_shared_question_they_retired_and_restores_it(
    lead_client, colleague_client, coach_client, shared_question
):
    lead_client.post(_url("question_retire", shared_question))
    retired = lead_client.get(QUESTIONS, {"retired": "1"}).content.decode()
    assert shared_question.prompt in retired
    assert _url("question_restore", shared_question) in retired
    # A plain member may not restore it, so their retired list does not offer it.
    assert (
        shared_question.prompt
        not in colleague_client.get(QUESTIONS, {"retired": "1"}).content.decode()
    )
    assert shared_question.prompt in coach_client.get(QUESTIONS, {"retired": "1"}).content.decode()
    assert lead_client.post(_url("question_restore", shared_question)).status_code == 302
    shared_question.refresh_from_db()
    assert not shared_question.retired


def test_lead_unshares_a_members_template_and_question(
    lead_client, shared_template, shared_question
):
    response = lead_client.post(_url("template_share", shared_template), {"shared": "0"})
    assert response.status_code == 302
    assert _messages(response)[-1].startswith("No longer shared")
    response = lead_client.post(_url("question_share", shared_question), {"shared": "0"})
    assert _messages(response)[-1].startswith("No longer shared")
    shared_template.refresh_from_db()
    shared_question.refresh_from_db()
    assert shared_template.practice is None and shared_question.practice is None
    # Unshared, it is the owner's alone again: the lead no longer sees it.
    assert lead_client.get(_url("template_detail", shared_template)).status_code == 404


def test_lead_cannot_share_a_members_item_for_them(lead_client, own_template, practice):
    response = lead_client.post(_url("template_share", own_template), {"shared": "1"})
    assert response.status_code == 404
    own_template.refresh_from_db()
    assert own_template.practice is None


def test_lead_of_the_practice_cannot_reshare_what_a_member_shares(lead_client, shared_template):
    response = lead_client.post(_url("template_share", shared_template), {"shared": "1"})
    assert response.status_code == 302
    assert _messages(response) == ["Only its owner can share a template."]


# ---------------------------------------------------------------- assignments are copies


def test_unsharing_leaves_an_existing_assignment_untouched(
    coach, colleague, colleague_client, shared_template
):
    candidate = CandidateFactory(coach=colleague)
    colleague_client.post(
        ASSIGN, {"candidate": candidate.pk, "template": shared_template.pk, "instructions": ""}
    )
    assignment = Assignment.objects.get(candidate=candidate)
    before = list(assignment.items.values_list("position", "kind", "prompt"))
    library_services.library_share(obj=shared_template, by=coach, shared=False)
    item = shared_template.items.get(position=1)
    item.prompt = "Reworded after unsharing"
    item.save()
    assignment.refresh_from_db()
    assert assignment.template_id == shared_template.pk
    assert list(assignment.items.values_list("position", "kind", "prompt")) == before
    assert colleague_client.get(_url("assignment_detail", assignment)).status_code == 200
    # The colleague cannot reuse it any more.
    assert colleague_client.get(_url("template_detail", shared_template)).status_code == 404


# ---------------------------------------------------------------- page cost


@pytest.mark.parametrize("count", [2, 30])
def test_shared_items_do_not_add_queries_to_the_lists(
    coach, colleague_client, practice, django_assert_max_num_queries, count
):
    for n in range(count):
        template = ChecklistTemplateFactory(owner=coach, practice=practice, title=f"Shared {n}")
        TemplateItemFactory(template=template)
        QuestionFactory(owner=coach, practice=practice)
    # session, user, count, rows, unread notices
    with django_assert_max_num_queries(5):
        response = colleague_client.get(TEMPLATES)
    assert response.text.count("Northstar · Casey Coach") == min(count, 25)
    with django_assert_max_num_queries(5):
        response = colleague_client.get(QUESTIONS)
    assert "Northstar · Casey Coach" in response.text
