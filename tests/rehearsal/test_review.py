"""The coach hears the take sent to them and comments on it: on the review
page as part of the review form (saved with the verdict), on the story page
with a small form; the lead's read-only copies play it without a form."""

from django.urls import reverse

from interviews.models import Assignment, RehearsalTake

from ..checklist_helpers import submitted
from .helpers import keep, story_of, written_item


def review_url(assignment):
    return assignment.get_absolute_url()


def test_the_review_page_plays_the_take_and_its_comment_is_part_of_the_review_form(
    candidate, coach_client
):
    item = written_item(candidate)
    keep(item=item)  # not sent: the coach never sees it
    take = keep(item=item, for_coach=True, duration_seconds=62, timer_seconds=120)
    assignment = submitted(item.assignment)
    html = coach_client.get(review_url(assignment)).content.decode()
    assert "Rehearsal (1:02, 2-minute timer)" in html
    assert f'src="{reverse("coach:take", args=[take.pk])}"' in html
    assert html.count("<audio") == 1
    assert 'preload="metadata"' in html
    form = html[
        html.index('id="review-form"') : html.index("</form>", html.index('id="review-form"'))
    ]
    assert f'name="take-comment-{item.pk}"' in form
    assert "Comment on the rehearsal of item 1" in form


def test_the_comment_is_saved_with_request_changes_and_the_candidate_reads_it(
    candidate, coach_client, candidate_client
):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    assignment = submitted(item.assignment)
    response = coach_client.post(
        reverse("coach:assignment_review", args=[assignment.pk]),
        {
            "action": "request_changes",
            f"mark-{item.pk}": "needs_work",
            f"take-comment-{item.pk}": "Breathe before the result.",
            "note": "",
        },
    )
    assert response.status_code == 302
    take.refresh_from_db()
    assert take.coach_comment == "Breathe before the result."
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CHANGES_REQUESTED
    rehearsal = candidate_client.get(reverse("me:item_rehearse", args=[item.pk])).content.decode()
    assert "Your coach commented" in rehearsal
    assert "Breathe before the result." in rehearsal
    fill = candidate_client.get(assignment.get_candidate_url()).content.decode()
    assert "Your coach commented on your rehearsal" in fill


def test_a_refused_verdict_keeps_the_rehearsal_comment_typed(candidate, coach_client):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    assignment = submitted(item.assignment)
    response = coach_client.post(
        reverse("coach:assignment_review", args=[assignment.pk]),
        # Changes requested with no item needing work and no note: refused.
        {"action": "request_changes", f"take-comment-{item.pk}": "Kept in the box", "note": ""},
    )
    assert response.status_code == 200
    assert "Kept in the box" in response.content.decode()
    take.refresh_from_db()
    assert take.coach_comment == ""


def test_a_take_deleted_during_the_review_does_not_stop_the_verdict(candidate, coach_client):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    assignment = submitted(item.assignment)
    RehearsalTake.objects.filter(pk=take.pk).delete()
    response = coach_client.post(
        reverse("coach:assignment_review", args=[assignment.pk]),
        {"action": "approve", f"mark-{item.pk}": "ok", f"take-comment-{item.pk}": "Gone"},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.APPROVED


def test_the_lead_plays_the_take_read_only(candidate, coach, lead_client):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    take.coach_comment = "Clear."
    take.save()
    assignment = submitted(item.assignment)
    html = lead_client.get(reverse("practice:assignment", args=[assignment.pk])).content.decode()
    assert f'src="{reverse("practice:take", args=[take.pk])}"' in html
    assert "Clear." in html
    assert "take-comment-" not in html
    assert lead_client.get(reverse("practice:take", args=[take.pk])).status_code == 200


def test_the_coach_comments_on_a_story_take(candidate, coach_client, candidate_client):
    story = story_of(candidate)
    take = keep(story=story, for_coach=True, duration_seconds=75, timer_seconds=60)
    html = coach_client.get(story.get_absolute_url()).content.decode()
    assert "Rehearsal (1:15, 1-minute timer)" in html
    assert f'src="{reverse("coach:take", args=[take.pk])}"' in html
    url = reverse("coach:take_comment", args=[take.pk])
    response = coach_client.post(url, {"take-body": "Lead with the number."})
    assert response.url == f"{story.get_absolute_url()}#rehearsal"
    take.refresh_from_db()
    assert take.coach_comment == "Lead with the number."
    assert (
        "Lead with the number." in candidate_client.get(story.get_candidate_url()).content.decode()
    )


def test_an_overlong_story_comment_comes_back_in_its_box(candidate, coach_client):
    story = story_of(candidate)
    take = keep(story=story, for_coach=True)
    long = "x" * 5001
    response = coach_client.post(reverse("coach:take_comment", args=[take.pk]), {"take-body": long})
    assert response.status_code == 400
    assert long in response.content.decode()
    take.refresh_from_db()
    assert take.coach_comment == ""


def test_a_checklist_take_is_commented_in_the_review_not_by_the_story_form(candidate, coach_client):
    take = keep(item=written_item(candidate), for_coach=True)
    response = coach_client.post(reverse("coach:take_comment", args=[take.pk]), {"take-body": "x"})
    assert response.status_code == 404


def test_the_lead_reads_a_story_take_without_a_form(candidate, coach, lead_client):
    story = story_of(candidate)
    take = keep(story=story, for_coach=True)
    html = lead_client.get(reverse("practice:story", args=[story.pk])).content.decode()
    assert f'src="{reverse("practice:take", args=[take.pk])}"' in html
    assert reverse("coach:take_comment", args=[take.pk]) not in html
