"""The coach's question bank: built-ins (read-only, copyable) and the coach's own."""

import pytest
from django.urls import reverse

from interviews.models import Question

from ..factories import QuestionFactory

LIST = reverse("coach:question_list")
CREATE = reverse("coach:question_create")


def _builtin() -> Question:
    return Question.objects.filter(owner__isnull=True).first()


def _url(name, question):
    return reverse(f"coach:{name}", args=[question.pk])


@pytest.fixture
def own_question(coach):
    return QuestionFactory(
        owner=coach,
        prompt="What does success look like after a year?",
        guidance="Listen for numbers.",
        category=Question.Category.ASK,
    )


# ---------------------------------------------------------------- list


def test_list_shows_builtins_marked_and_own_questions(coach_client, own_question):
    response = coach_client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert own_question.prompt in body
    assert "Built-in" in body
    assert "Copy to my bank" in body
    assert reverse("coach:question_edit", args=[own_question.pk]) in body
    # Built-ins have no edit link.
    assert reverse("coach:question_edit", args=[_builtin().pk]) not in body


def test_list_hides_other_coaches_questions(coach_client, other_coach):
    theirs = QuestionFactory(owner=other_coach, prompt="Olive's secret question?")
    response = coach_client.get(LIST, {"q": "secret"})
    assert theirs.prompt not in response.content.decode()


def test_list_filters_by_category_round_and_search(coach_client, coach):
    QuestionFactory(owner=coach, prompt="Bring the portfolio zebra", category="bring")
    QuestionFactory(owner=coach, prompt="Ask about zebra teams", category="ask", round_kind="final")
    QuestionFactory(owner=coach, prompt="Ask about zebra any round", category="ask")

    body = coach_client.get(LIST, {"q": "zebra", "category": "bring"}).content.decode()
    assert "Bring the portfolio zebra" in body
    assert "Ask about zebra teams" not in body

    body = coach_client.get(LIST, {"q": "zebra", "round_kind": "second"}).content.decode()
    assert "Ask about zebra teams" not in body  # suggested for the final round
    assert "Ask about zebra any round" in body  # suits any round

    body = coach_client.get(LIST, {"q": "ZEBRA TEAMS"}).content.decode()
    assert "Ask about zebra teams" in body
    assert "Bring the portfolio zebra" not in body


def test_search_matches_guidance_too(coach_client, coach):
    QuestionFactory(owner=coach, prompt="Plain prompt", guidance="mentions a platypus")
    body = coach_client.get(LIST, {"q": "platypus"}).content.decode()
    assert "Plain prompt" in body


def test_bad_filter_values_are_ignored_not_an_error(coach_client, own_question):
    response = coach_client.get(LIST, {"category": "nonsense", "round_kind": "x" * 30})
    assert response.status_code == 200
    assert own_question.prompt in response.content.decode()
    assert "were not understood" in response.content.decode()


def test_retired_questions_show_only_with_retired_filter(coach_client, coach, own_question):
    retired = QuestionFactory(owner=coach, prompt="An old retired question?", retired=True)
    body = coach_client.get(LIST).content.decode()
    assert retired.prompt not in body
    assert own_question.prompt in body

    body = coach_client.get(LIST, {"retired": "1"}).content.decode()
    assert retired.prompt in body
    assert own_question.prompt not in body
    assert "Built-in" not in body.split("<main", 1)[1].split("</form>", 1)[1]


def test_list_is_paginated_by_25(coach_client, coach):
    QuestionFactory.create_batch(30, owner=coach, prompt="Paged question")
    response = coach_client.get(LIST, {"q": "Paged"})
    assert len(response.context["page"].object_list) == 25
    response = coach_client.get(LIST, {"q": "Paged", "page": 2})
    assert len(response.context["page"].object_list) == 5
    assert "q=Paged" in response.content.decode()  # the page links keep the filters


@pytest.mark.parametrize("count", [3, 60])
def test_list_query_count_does_not_grow(coach_client, coach, django_assert_max_num_queries, count):
    QuestionFactory.create_batch(count, owner=coach)
    # The unread-notice count is on the user row (issue 25): no query for it.
    with django_assert_max_num_queries(4):
        response = coach_client.get(LIST)
    assert response.status_code == 200


# ---------------------------------------------------------------- create and edit


def test_create_adds_an_owned_question(coach_client, coach):
    response = coach_client.post(
        CREATE,
        {"prompt": "Who would I report to?", "guidance": "", "category": "ask", "round_kind": ""},
    )
    assert response.status_code == 302
    question = Question.objects.get(prompt="Who would I report to?")
    assert question.owner == coach
    assert question.round_kind == ""
    assert not question.retired


def test_create_with_overlong_prompt_is_a_form_error_that_keeps_the_input(coach_client):
    response = coach_client.post(CREATE, {"prompt": "x" * 501, "category": "ask"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "prompt" in form.errors
    assert "at most 500 characters" in response.content.decode()
    assert "x" * 501 in response.content.decode()
    assert not Question.objects.filter(prompt__startswith="xxx").exists()


def test_create_rejects_nul_bytes_and_unknown_category(coach_client):
    response = coach_client.post(CREATE, {"prompt": "Bad\x00byte", "category": "weird"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"prompt", "category"}


def test_a_candidate_cannot_post_a_question(candidate_client):
    assert candidate_client.post(CREATE, {"prompt": "x", "category": "ask"}).status_code == 404
    assert not Question.objects.filter(prompt="x").exists()


def test_owner_edits_own_question(coach_client, own_question):
    url = _url("question_edit", own_question)
    assert coach_client.get(url).status_code == 200
    response = coach_client.post(
        url,
        {"prompt": "Changed?", "guidance": "New", "category": "follow_up", "round_kind": "final"},
    )
    assert response.status_code == 302
    own_question.refresh_from_db()
    assert (own_question.prompt, own_question.category, own_question.round_kind) == (
        "Changed?",
        "follow_up",
        "final",
    )


def test_edit_with_overlong_prompt_keeps_stored_question(coach_client, own_question):
    response = coach_client.post(
        _url("question_edit", own_question), {"prompt": "y" * 600, "category": "ask"}
    )
    assert response.status_code == 200
    assert "prompt" in response.context["form"].errors
    own_question.refresh_from_db()
    assert own_question.prompt == "What does success look like after a year?"


def test_builtin_and_other_coaches_questions_cannot_be_edited(
    coach_client, other_coach_client, own_question
):
    builtin = _builtin()
    assert coach_client.get(_url("question_edit", builtin)).status_code == 404
    response = coach_client.post(
        _url("question_edit", builtin), {"prompt": "Hacked", "category": "ask"}
    )
    assert response.status_code == 404
    builtin.refresh_from_db()
    assert builtin.prompt != "Hacked"

    assert other_coach_client.get(_url("question_edit", own_question)).status_code == 404
    other_coach_client.post(
        _url("question_edit", own_question), {"prompt": "Hacked", "category": "ask"}
    )
    own_question.refresh_from_db()
    assert own_question.prompt != "Hacked"


# ---------------------------------------------------------------- retire, restore, copy


def test_retire_and_restore_own_question(coach_client, own_question):
    response = coach_client.post(_url("question_retire", own_question))
    assert response.status_code == 302
    own_question.refresh_from_db()
    assert own_question.retired

    response = coach_client.post(_url("question_restore", own_question))
    assert response.status_code == 302
    own_question.refresh_from_db()
    assert not own_question.retired


@pytest.mark.parametrize("name", ["question_retire", "question_restore"])
def test_builtins_cannot_be_retired_or_restored(coach_client, name):
    builtin = _builtin()
    assert coach_client.post(_url(name, builtin)).status_code == 404
    builtin.refresh_from_db()
    assert not builtin.retired


@pytest.mark.parametrize("name", ["question_retire", "question_restore", "question_copy"])
def test_other_coach_and_candidate_get_404_on_post_views(
    other_coach_client, candidate_client, own_question, name
):
    assert other_coach_client.post(_url(name, own_question)).status_code == 404
    assert candidate_client.post(_url(name, own_question)).status_code == 404
    own_question.refresh_from_db()
    assert not own_question.retired
    assert Question.objects.filter(prompt=own_question.prompt).count() == 1


def test_copy_builtin_creates_an_owned_editable_copy(coach_client, coach):
    builtin = _builtin()
    response = coach_client.post(_url("question_copy", builtin))
    copy = Question.objects.get(owner=coach, prompt=builtin.prompt)
    assert response.status_code == 302
    assert response.url == reverse("coach:question_edit", args=[copy.pk])
    assert (copy.guidance, copy.category, copy.round_kind) == (
        builtin.guidance,
        builtin.category,
        builtin.round_kind,
    )
    assert copy.builtin_key == ""
    builtin.refresh_from_db()
    assert builtin.owner is None
    assert coach_client.get(response.url).status_code == 200
