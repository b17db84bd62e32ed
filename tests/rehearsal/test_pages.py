"""The candidate's rehearsal pages (views/rehearsal.py): the upload that works
without JavaScript, the script's fetch path (JSON), sending to the coach,
deleting, and the takes served."""

import json

import pytest
from django.urls import reverse

from interviews.models import RehearsalTake

from ..checklist_helpers import form_data, submitted
from ..files import samples
from .helpers import keep, recording, story_of, written_item


def page(item):
    return reverse("me:item_rehearse", args=[item.pk])


def test_the_page_shows_the_question_the_answer_the_timer_and_the_upload(
    candidate, candidate_client
):
    item = written_item(candidate)
    item.response_text = "I would start with the customer."
    item.save()
    html = candidate_client.get(page(item)).content.decode()
    assert item.prompt in html
    assert "I would start with the customer." in html
    for value in ("0", "60", "120", "180"):
        assert f'type="radio" name="timer" value="{value}"' in html
    assert 'accept="audio/*"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "No takes yet:" in html
    assert "js/rehearse.js" in html


def test_the_upload_fallback_keeps_a_wav_and_lists_it(candidate, candidate_client):
    item = written_item(candidate)
    response = candidate_client.post(page(item), {"recording": recording()})
    take = RehearsalTake.objects.get()
    assert response.status_code == 302
    assert response.url == f"{page(item)}#take-{take.pk}"
    assert (take.item, take.timer_seconds, take.duration_seconds) == (item, 0, None)
    html = candidate_client.get(page(item)).content.decode()
    assert f'src="{reverse("me:take", args=[take.pk])}"' in html
    assert 'preload="metadata"' in html
    assert "Length not known · no timer" in html


def test_a_pdf_is_refused_with_a_clear_error_and_the_page_keeps_everything(
    candidate, candidate_client
):
    item = written_item(candidate)
    item.response_text = "My answer stays on screen."
    item.save()
    response = candidate_client.post(
        page(item), {"recording": recording(samples.PDF, "answer.pdf")}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Upload an audio recording (WebM, Ogg, MP4/M4A or WAV)" in html
    assert 'id="recording-error"' in html
    assert "My answer stays on screen." in html
    assert not RehearsalTake.objects.exists()


def test_no_file_chosen_is_a_form_error(candidate, candidate_client):
    response = candidate_client.post(page(written_item(candidate)), {})
    assert response.status_code == 400
    assert "Choose an audio file first." in response.content.decode()


def test_the_scripts_recording_is_kept_and_answered_as_json(candidate, candidate_client):
    item = written_item(candidate)
    response = candidate_client.post(
        page(item),
        {"recording": recording(name="rehearsal.webm"), "timer": "60", "duration": "3.6"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    answer = json.loads(response.content)
    take = RehearsalTake.objects.get()
    assert answer == {
        "kept": True,
        "message": "Take kept. Listen back below, or send it to your coach.",
        "take": take.pk,
        "reload": page(item),
    }
    assert (take.timer_seconds, take.duration_seconds) == (60, 4)


def test_a_refused_recording_is_answered_as_json_too(candidate, candidate_client):
    response = candidate_client.post(
        page(written_item(candidate)),
        {"recording": recording(samples.HTML, "rehearsal.webm")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    answer = json.loads(response.content)
    assert answer["kept"] is False
    assert "web page code" in answer["message"]


def test_a_submitted_checklist_refuses_a_new_take_with_a_message_not_an_error(
    candidate, candidate_client
):
    item = written_item(candidate)
    submitted(item.assignment)
    html = candidate_client.get(page(item)).content.decode()
    assert "you can listen to and delete your takes" in html
    assert "js/rehearse.js" not in html
    response = candidate_client.post(page(item), {"recording": recording()}, follow=True)
    assert response.status_code == 200
    assert "The take was not kept: This checklist is submitted for review" in (
        response.content.decode()
    )
    assert not RehearsalTake.objects.exists()


def test_a_check_item_has_no_rehearsal_page(candidate, candidate_client):
    check = written_item(candidate).assignment.items.get(position=2)
    assert candidate_client.get(page(check)).status_code == 404


def test_sending_a_take_to_the_coach_and_taking_it_back(candidate, candidate_client):
    item = written_item(candidate)
    first, second = keep(item=item), keep(item=item)
    url = reverse("me:take_for_coach", args=[first.pk])
    response = candidate_client.post(url, {"for_coach": "1"})
    assert response.url == f"{page(item)}#take-{first.pk}"
    candidate_client.post(reverse("me:take_for_coach", args=[second.pk]), {"for_coach": "1"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.for_coach, second.for_coach) == (False, True)
    html = candidate_client.get(page(item)).content.decode()
    assert "Sent to your coach" in html and "Not for my coach" in html
    candidate_client.post(reverse("me:take_for_coach", args=[second.pk]), {"for_coach": "0"})
    second.refresh_from_db()
    assert not second.for_coach


def test_a_stale_send_on_a_submitted_checklist_is_a_message(candidate, candidate_client):
    item = written_item(candidate)
    take = keep(item=item)
    submitted(item.assignment)
    response = candidate_client.post(
        reverse("me:take_for_coach", args=[take.pk]), {"for_coach": "1"}, follow=True
    )
    assert response.status_code == 200
    assert "only while you can edit it" in response.content.decode()
    take.refresh_from_db()
    assert not take.for_coach


def test_deleting_a_take_of_a_submitted_checklist(
    candidate, candidate_client, private_files, django_capture_on_commit_callbacks
):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    submitted(item.assignment)
    with django_capture_on_commit_callbacks(execute=True):
        response = candidate_client.post(reverse("me:take_delete", args=[take.pk]))
    assert response.url == f"{page(item)}#takes"
    assert not RehearsalTake.objects.exists()
    assert not (private_files / take.key).exists()


def test_a_take_is_served_as_audio_never_sniffed(candidate, candidate_client):
    take = keep(item=written_item(candidate))
    response = candidate_client.get(reverse("me:take", args=[take.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.wav()


def test_the_coach_hears_only_the_take_sent_to_them(candidate, coach_client):
    item = written_item(candidate)
    mine, sent = keep(item=item), keep(item=item, for_coach=True)
    assert coach_client.get(reverse("coach:take", args=[mine.pk])).status_code == 404
    assert coach_client.get(reverse("coach:take", args=[sent.pk])).status_code == 200


def test_the_fill_page_links_to_rehearsal_and_says_the_coach_commented(candidate, candidate_client):
    item = written_item(candidate)
    take = keep(item=item, for_coach=True)
    take.coach_comment = "Lovely pace."
    take.save()
    html = candidate_client.get(item.assignment.get_candidate_url()).content.decode()
    assert f'value="rehearse:{item.pk}"' in html
    assert "1 take, one sent to your coach" in html
    assert "Your coach commented on your rehearsal" in html
    # Only written answers have the button.
    assert html.count('value="rehearse:') == 1


def test_save_and_rehearse_saves_the_draft_first(candidate, candidate_client):
    item = written_item(candidate)
    assignment = item.assignment
    response = candidate_client.post(
        assignment.get_candidate_url(),
        form_data(assignment, f"rehearse:{item.pk}", item1={"response_text": "Typed just now"}),
    )
    assert response.status_code == 302
    assert response.url == page(item)
    item.refresh_from_db()
    assert item.response_text == "Typed just now"
    assert "Typed just now" in candidate_client.get(page(item)).content.decode()


def test_the_story_page_links_to_its_rehearsal_with_the_coachs_comment(candidate, candidate_client):
    story = story_of(candidate)
    take = keep(story=story, for_coach=True)
    take.coach_comment = "Say the number first."
    take.save()
    html = candidate_client.get(story.get_candidate_url()).content.decode()
    assert reverse("me:story_rehearse", args=[story.pk]) in html
    assert "Your coach commented on your rehearsal" in html
    assert "Say the number first." in html
    rehearse = candidate_client.get(reverse("me:story_rehearse", args=[story.pk]))
    assert "I built it." in rehearse.content.decode()
    assert "Say the number first." in rehearse.content.decode()


def test_a_story_take_is_kept_by_upload(candidate, candidate_client):
    story = story_of(candidate)
    url = reverse("me:story_rehearse", args=[story.pk])
    response = candidate_client.post(url, {"recording": recording()})
    take = RehearsalTake.objects.get()
    assert response.url == f"{url}#take-{take.pk}"
    assert take.story == story and take.item is None


@pytest.mark.parametrize("takes", [1, 8])
def test_the_rehearsal_page_runs_a_fixed_number_of_queries(
    candidate, coach, candidate_client, django_assert_num_queries, takes
):
    item = written_item(candidate)
    for n in range(takes):
        take = keep(item=item, for_coach=n == 0)
    take.coach_comment = "Commented"
    take.comment_by = coach
    take.save()
    candidate_client.get(page(item))
    # Session, user, the item with its checklist, record, coach and question;
    # the takes with who commented. (The navigation's unread count is on the
    # user row since issue 25: no query.)
    with django_assert_num_queries(4):
        response = candidate_client.get(page(item))
    assert response.content.decode().count("<audio controls preload") == takes
