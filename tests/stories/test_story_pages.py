"""The story bank's pages: the candidate's list, forms and story page; the
coach's story page and the stories section of their candidate page; the
practice lead's read-only copies."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from interviews.models import Story
from interviews.services import stories as stories_services

from ..conftest import client_for, make_joined_candidate
from .conftest import VALUES, make_story

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    return {**VALUES, "tags": [], **changes}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------- the candidate's list


def test_the_empty_bank_says_what_a_story_is_and_how_to_start(candidate, candidate_client):
    page = text(candidate_client.get(reverse("me:stories")))
    assert "No stories yet." in page
    assert "situation, task, action and result" in page
    assert reverse("me:story_create") in page


def test_the_list_shows_each_storys_facts(candidate, coach, candidate_client):
    story = make_story(candidate, tags=("leadership", "teamwork"))
    stories_services.story_mark_strong(story=story, by=coach)

    page = text(candidate_client.get(reverse("me:stories")))

    assert story.get_candidate_url() in page
    assert "Leadership" in page and "Teamwork" in page
    assert "Strong" in page
    # 17 words at 140 a minute
    assert story.speaking_seconds == 7
    assert "Speaking time" in page and "about 7 s" in page
    assert "Used in" in page and "Not used yet" in page


def test_the_list_filters_by_tag(candidate, candidate_client):
    led = make_story(candidate, title="Led the team", tags=("leadership",))
    data = make_story(candidate, title="Built the model", tags=("analysis-and-data",))

    response = candidate_client.get(reverse("me:stories"), {"tag": "leadership"})

    assert response.status_code == 200
    page = text(response)
    assert led.get_candidate_url() in page
    assert data.get_candidate_url() not in page


def test_an_unknown_tag_shows_no_story_and_no_error(candidate, candidate_client):
    make_story(candidate)
    response = candidate_client.get(reverse("me:stories"), {"tag": "nope\x00" * 50})
    assert response.status_code == 200
    assert "Churn model" not in text(response)


def test_a_person_with_two_coaches_sees_each_bank_apart(candidate, other_coach, candidate_client):
    second = make_joined_candidate(other_coach, candidate.user)
    first_story = make_story(candidate, title="Told to Casey")
    second_story = make_story(second, title="Told to Olive")

    page = text(candidate_client.get(reverse("me:stories")))

    assert "With Casey Coach" in page and "With Olive Othercoach" in page
    casey_part, olive_part = page.split("With Olive Othercoach")
    assert first_story.title in casey_part and second_story.title not in casey_part
    assert second_story.title in olive_part
    assert f"?record={second.pk}" in page


def test_archived_stories_leave_the_list_and_have_their_own(candidate, candidate_client, story):
    stories_services.story_archive(story=story, by=candidate.user)
    assert story.title not in text(candidate_client.get(reverse("me:stories")))
    assert story.title in text(candidate_client.get(reverse("me:stories"), {"archived": "1"}))


# ---------------------------------------------------------------- writing


def test_writing_a_story_stores_it_and_shows_the_suggestions(
    candidate, candidate_client, fixed_findings
):
    response = candidate_client.post(
        reverse("me:story_create"), form_data(tags=[str(_pk("leadership"))])
    )

    story = Story.objects.get()
    assert response.status_code == 302
    assert response.url == story.get_candidate_url()
    assert story.content() == VALUES
    assert [t.slug for t in story.tags.all()] == ["leadership"]
    page = text(candidate_client.get(response.url))
    assert "Suggestions" in page and 'role="note"' in page
    assert "Say “I” for your part of the action." in page
    assert fixed_findings[-1] == {
        "situation": VALUES["situation"],
        "task": VALUES["task"],
        "action": VALUES["action"],
        "result": VALUES["result"],
        "measurable_result": VALUES["measurable_result"],
    }


def _pk(slug):
    from .conftest import tag

    return tag(slug).pk


def test_bad_input_is_a_form_error_and_nothing_typed_is_lost(candidate, candidate_client):
    response = candidate_client.post(
        reverse("me:story_create"),
        form_data(title="Line\nbreak", action="I did it all myself.", result="x" * 5001),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"title", "result"}
    page = text(response)
    assert "Nothing you typed was lost" in page
    assert "I did it all myself." in page
    assert not Story.objects.exists()


def test_a_tag_of_another_coach_is_a_form_error(candidate, candidate_client, other_coach):
    foreign = stories_services.story_tag_create(coach=other_coach, name="Grit")
    response = candidate_client.post(reverse("me:story_create"), form_data(tags=[foreign.pk]))
    assert response.status_code == 200
    assert "tags" in response.context["form"].errors
    assert not Story.objects.exists()


def test_the_form_offers_the_coachs_own_tags_but_no_one_elses(
    candidate, coach, other_coach, candidate_client
):
    stories_services.story_tag_create(coach=coach, name="Stakeholder management")
    stories_services.story_tag_create(coach=other_coach, name="Grit")
    page = text(candidate_client.get(reverse("me:story_create")))
    assert "Stakeholder management (your coach&#x27;s tag)" in page
    assert "Grit" not in page
    assert "Failure and recovery" in page


def test_a_new_story_goes_to_the_bank_chosen(candidate, other_coach, candidate_client):
    second = make_joined_candidate(other_coach, candidate.user)
    url = f"{reverse('me:story_create')}?record={second.pk}"
    assert "In your bank with Olive Othercoach" in text(candidate_client.get(url))
    candidate_client.post(url, form_data())
    assert Story.objects.get().candidate == second


def test_someone_elses_record_cannot_be_chosen(candidate_client, other_candidate):
    url = f"{reverse('me:story_create')}?record={other_candidate.pk}"
    assert candidate_client.get(url).status_code == 404
    assert candidate_client.post(url, form_data()).status_code == 404
    assert candidate_client.get(f"{reverse('me:story_create')}?record=x").status_code == 404
    assert not Story.objects.exists()


def test_editing_saves_a_new_version(candidate_client, story):
    response = candidate_client.post(
        reverse("me:story_edit", args=[story.pk]), form_data(version="1", result="Churn fell 20 %.")
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.version, story.result) == (2, "Churn fell 20 %.")
    page = text(candidate_client.get(story.get_candidate_url()))
    assert "Version 2" in page and "Version 1" in page


def test_the_edit_page_shows_the_suggestions_beside_the_form(candidate_client, story):
    page = text(candidate_client.get(reverse("me:story_edit", args=[story.pk])))
    assert "Suggestions" in page and "Give the result a number." in page


def test_an_edit_from_a_stale_tab_keeps_both_texts_and_saves_nothing(
    candidate, candidate_client, story
):
    url = reverse("me:story_edit", args=[story.pk])
    candidate_client.post(url, form_data(version="1", task="From tab one."))

    response = candidate_client.post(url, form_data(version="1", task="From tab two."))

    assert response.status_code == 409
    page = text(response)
    assert "changed in another tab" in page
    assert "From tab one." in page  # the stored version, shown
    assert "From tab two." in page  # what was typed, still in the form
    story.refresh_from_db()
    assert story.task == "From tab one."
    # Saving again from that page replaces the stored text, on purpose.
    assert response.context["form"]["version"].value() == "2"
    again = candidate_client.post(url, form_data(version="2", task="From tab two."))
    assert again.status_code == 302
    story.refresh_from_db()
    assert (story.task, story.version) == ("From tab two.", 3)


def test_an_archived_story_is_not_edited(candidate, candidate_client, story):
    stories_services.story_archive(story=story, by=candidate.user)
    url = reverse("me:story_edit", args=[story.pk])
    assert candidate_client.post(url, form_data(version="1", title="New")).status_code == 302
    story.refresh_from_db()
    assert story.title == VALUES["title"]


@pytest.mark.parametrize("name", ["archive", "restore", "copy", "comment"])
def test_writes_are_post_only(name, candidate_client, story):
    url = reverse(f"me:story_{name}", args=[story.pk])
    assert candidate_client.get(url).status_code == 405


def test_archive_and_restore_from_the_story_page(candidate_client, story):
    candidate_client.post(reverse("me:story_archive", args=[story.pk]))
    story.refresh_from_db()
    assert story.is_archived
    candidate_client.post(reverse("me:story_restore", args=[story.pk]))
    story.refresh_from_db()
    assert not story.is_archived


def test_copying_to_the_other_coach_from_the_story_page(
    candidate, coach, other_coach, candidate_client
):
    second = make_joined_candidate(other_coach, candidate.user)
    own = stories_services.story_tag_create(coach=coach, name="Stakeholder management")
    story = make_story(candidate)
    story.tags.add(own)
    page = text(candidate_client.get(story.get_candidate_url()))
    assert "Copy story" in page and "Olive Othercoach" in page

    response = candidate_client.post(
        reverse("me:story_copy", args=[story.pk]), {"to": second.pk}, follow=True
    )

    copy = second.stories.get()
    assert response.redirect_chain[-1][0] == copy.get_candidate_url()
    page = text(response)
    assert "Copied to your bank with Olive Othercoach" in page
    assert "Stakeholder management" in page  # named as left behind


def test_no_copy_button_with_a_single_coach(candidate_client, story):
    assert "Copy story" not in text(candidate_client.get(story.get_candidate_url()))


def test_a_copy_to_a_stranger_is_refused(candidate_client, story, other_candidate):
    response = candidate_client.post(
        reverse("me:story_copy", args=[story.pk]), {"to": other_candidate.pk}
    )
    assert response.status_code == 302
    assert Story.objects.count() == 1


def test_the_candidate_replies_and_an_empty_reply_keeps_the_page(candidate_client, story):
    url = reverse("me:story_comment", args=[story.pk])
    empty = candidate_client.post(url, {"body": "   "})
    assert empty.status_code == 400
    assert "Write something before posting." in text(empty)
    assert candidate_client.post(url, {"body": "What do you think?"}).status_code == 302
    assert story.comments.get().body == "What do you think?"


# ---------------------------------------------------------------- the coach


def test_the_coach_comments_and_marks_strong_and_the_candidate_sees_both(
    coach_client, candidate_client, story
):
    coach_client.post(reverse("coach:story_comment", args=[story.pk]), {"body": "Lead with 12 %."})
    coach_client.post(reverse("coach:story_strong", args=[story.pk]), {"strong": "1"})

    page = text(candidate_client.get(story.get_candidate_url()))
    assert "Lead with 12 %." in page
    assert "Strong" in page and "marked strong by Casey" in page
    coach_page = text(coach_client.get(story.get_absolute_url()))
    assert "Unmark" in coach_page

    coach_client.post(reverse("coach:story_strong", args=[story.pk]), {"strong": "0"})
    story.refresh_from_db()
    assert story.strong_at is None


def test_the_coachs_candidate_page_has_a_stories_section(candidate, coach, coach_client, story):
    stories_services.story_mark_strong(story=story, by=coach)
    page = text(coach_client.get(reverse("coach:candidate_detail", args=[candidate.pk])))
    assert 'id="stories-heading"' in page
    assert story.get_absolute_url() in page
    assert "Analysis and data" in page
    assert "Strong" in page
    missing = page.split("Competencies with no story yet")[1].split("</p>")[0]
    assert "Leadership" in missing and "Analysis and data" not in missing
    assert reverse("coach:story_tag_create", args=[candidate.pk]) in page


def test_an_archived_story_is_not_counted_as_covering_a_competency(candidate, coach_client, story):
    stories_services.story_archive(story=story, by=candidate.user)
    page = text(coach_client.get(reverse("coach:candidate_detail", args=[candidate.pk])))
    missing = page.split("Competencies with no story yet")[1].split("</p>")[0]
    assert "Analysis and data" in missing


def test_the_coach_adds_an_own_tag_from_the_candidate_page(candidate, coach, coach_client):
    url = reverse("coach:story_tag_create", args=[candidate.pk])
    response = coach_client.post(url, {"name": "Stakeholder management"}, follow=True)
    assert coach.story_tags.get().name == "Stakeholder management"
    assert "is now a tag all your candidates can use" in text(response)
    again = coach_client.post(url, {"name": "Leadership"}, follow=True)
    assert "There is already a tag" in text(again)
    assert coach.story_tags.count() == 1


def test_the_leads_read_only_pages_show_stories_without_forms(candidate, coach, lead_client, story):
    stories_services.story_comment_add(story=story, by=coach, body="Good one.")
    page = text(lead_client.get(reverse("practice:candidate", args=[candidate.pk])))
    assert reverse("practice:story", args=[story.pk]) in page
    assert reverse("coach:story_tag_create", args=[candidate.pk]) not in page

    story_page = lead_client.get(reverse("practice:story", args=[story.pk]))
    assert story_page.status_code == 200
    body = text(story_page)
    assert "Good one." in body and "Read-only" in body
    assert '<form method="post" action="/coach/' not in body
    assert "Mark as strong" not in body


# ---------------------------------------------------------------- access


def test_another_coach_a_colleague_and_another_candidate_get_404(
    story, other_coach_client, colleague_client, other_candidate_client
):
    for client in (other_coach_client, colleague_client):
        assert client.get(reverse("coach:story", args=[story.pk])).status_code == 404
        assert (
            client.post(reverse("coach:story_strong", args=[story.pk]), {"strong": "1"})
        ).status_code == 404
    for name in ("story", "story_edit"):
        assert other_candidate_client.get(reverse(f"me:{name}", args=[story.pk])).status_code == 404
    response = other_candidate_client.post(
        reverse("me:story_comment", args=[story.pk]), {"body": "hi"}
    )
    assert response.status_code == 404
    story.refresh_from_db()
    assert story.strong_at is None and not story.comments.exists()


def test_the_coach_does_not_open_the_candidates_pages_and_vice_versa(
    story, coach_client, candidate_client
):
    assert coach_client.get(story.get_candidate_url()).status_code == 404
    assert candidate_client.get(story.get_absolute_url()).status_code == 404


def test_anonymous_is_sent_to_log_in(story):
    for url in (reverse("me:stories"), story.get_candidate_url(), story.get_absolute_url()):
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_every_form_is_csrf_protected(candidate, coach, story):
    """Each POST form carries the token, and a POST without it is refused."""
    candidate_pages = [reverse("me:story_create"), reverse("me:story_edit", args=[story.pk])]
    candidate_pages.append(story.get_candidate_url())
    for client, pages in (
        (client_for(candidate.user), candidate_pages),
        (client_for(coach), [story.get_absolute_url()]),
    ):
        for page in pages:
            html = client.get(page).content.decode()
            forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S)
            assert forms, page
            for form in forms:
                assert "csrfmiddlewaretoken" in form, (page, form[:200])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(candidate.user)
    assert strict.post(reverse("me:story_create"), form_data()).status_code == 403
    strict.force_login(coach)
    refused = strict.post(reverse("coach:story_strong", args=[story.pk]), {"strong": "1"})
    assert refused.status_code == 403
    assert Story.objects.count() == 1
    story.refresh_from_db()
    assert story.strong_at is None


# ---------------------------------------------------------------- query counts


# With no story, the stories' tags are not fetched at all: one query less.
# The unread-notice count is on the user row (issue 25): one query fewer.
@pytest.mark.parametrize(("stories", "queries"), [(0, 5), (1, 7), (5, 7)])
def test_the_bank_costs_the_same_queries_with_0_or_5_stories(
    stories, queries, candidate, coach, candidate_client, django_assert_num_queries
):
    for n in range(stories):
        story = make_story(candidate, title=f"Story {n}", tags=("leadership", "teamwork"))
        stories_services.story_comment_add(story=story, by=coach, body="Hi")
    candidate_client.get(reverse("me:stories"))  # the session's first read
    # Session, user; records, tags, stories, their tags.
    with django_assert_num_queries(queries):
        assert candidate_client.get(reverse("me:stories")).status_code == 200


@pytest.mark.parametrize(("stories", "queries"), [(0, 7), (1, 9), (5, 9)])
def test_the_coachs_candidate_page_costs_the_same_queries_with_0_or_5_stories(
    stories, queries, candidate, coach, coach_client, django_assert_num_queries
):
    for n in range(stories):
        make_story(candidate, title=f"Story {n}", tags=("leadership", "teamwork"))
    url = reverse("coach:candidate_detail", args=[candidate.pk])
    coach_client.get(url)
    with django_assert_num_queries(queries):
        assert coach_client.get(url).status_code == 200
