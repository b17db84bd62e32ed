"""What the candidate's checklist page shows of each item, read off the page
(its words, links and controls), editable and once submitted: pinned before
the page was rebuilt for speed (issue 25) and unchanged after, so nothing it
shows is lost. Conflicts and missing items: test_checklist.py."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.services import checklists as checklists_services
from interviews.services import files as file_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..checklist_helpers import item, submitted
from ..factories import make_assignment
from ..files import samples
from ..page_content import in_order, links, words
from ..rehearsal.helpers import recording


def _item_html(body: str, item_pk: int) -> str:
    """From the item's card to the next one (or the end of its section)."""
    start = body.index(f'<li id="item-{item_pk}"')
    ends = [body.find(mark, start + 1) for mark in ('<li id="item-', "</ol>")]
    return body[start : min(end for end in ends if end > 0)]


@pytest.fixture
def world(candidate, coach):
    """Item 1 (a written answer) uses a story, has a file, a take and the
    coach's comment; the bank has a second story to offer; 2 is a task, 3 an
    email."""
    assignment = make_assignment(candidate, title="Panel prep")
    user = candidate.user
    first = item(assignment, 1)
    story = stories_services.story_create(
        candidate=candidate, by=user, values={"title": "Churn model", "action": "I built it."}
    )
    spare = stories_services.story_create(
        candidate=candidate, by=user, values={"title": "Pricing fix", "action": "I fixed it."}
    )
    checklists_services.item_story_use(item=first, story=story, by=user)
    image = file_services.item_file_add(
        item=first, upload=SimpleUploadedFile("cert.png", samples.PNG), by=user
    )
    rehearsal_services.take_add(item=first, upload=recording(), by=user)
    checklists_services.comment_add(item=first, by=coach, body="Say what you did.")
    return {
        "assignment": assignment,
        "first": first,
        "story": story,
        "spare": spare,
        "image": image,
    }


def test_the_editable_page_has_each_items_form_stories_files_rehearsal_and_reply_box(
    world, candidate_client
):
    assignment, first = world["assignment"], world["first"]
    body = candidate_client.get(assignment.get_candidate_url()).content.decode()
    autosave = reverse("me:checklist_autosave", args=[assignment.pk])
    assert 'id="checklist-form" enctype="multipart/form-data" data-warn-unsaved' in body
    assert f'data-autosave-url="{autosave}"' in body
    assert "data-autosave-status" in body and "data-autosave-hint" in body
    html = _item_html(body, first.pk)
    assert in_order(
        words(html),
        f"1. {first.prompt}",
        "Written answer",
        "Required",
        "My answer",
        "Rehearse out loud item 1",
        "1 take",
        "Stories used",
        "Churn model",
        "Remove “Churn model” from item 1",
        "Use a story",
        "Pricing fix",
        "Use this story",
        "Write a new story",
        "Files",
        "cert.png",
        "69 bytes",
        "Remove “cert.png” from item 1",
        "Add another file to item 1",
        "File for item 1",
        "Save and attach",
        "Comments (1)",
        "Casey Coach (coach)",
        "Say what you did.",
        "Reply",
        "Save draft and post reply",
    )
    assert links(html) == [
        world["story"].get_candidate_url(),
        reverse("me:file", args=[world["image"].pk]),
    ]
    assert f'name="item-{first.pk}-version" value="{first.version}"' in html
    assert re.search(rf'<textarea name="item-{first.pk}-response_text"[^>]*rows="5"', html)
    assert f'aria-describedby="item-{first.pk}-prompt"' in html
    assert f'value="rehearse:{first.pk}"' in html
    assert f'value="use_story:{first.pk}"' in html and f'value="new_story:{first.pk}"' in html
    assert f'name="use-story-{first.pk}"' in html
    assert f'<option value="{world["spare"].pk}">' in html
    assert f'name="file-{first.pk}"' in html and f'value="add_file:{first.pk}"' in html
    assert f'name="comment-{first.pk}-body"' in html
    assert f'value="comment:{first.pk}"' in html


def test_the_other_items_forms(world, candidate_client):
    assignment = world["assignment"]
    task, email = item(assignment, 2), item(assignment, 3)
    body = candidate_client.get(assignment.get_candidate_url()).content.decode()
    task_html = _item_html(body, task.pk)
    assert f'type="checkbox" name="item-{task.pk}-done"' in task_html
    assert in_order(words(task_html), f"2. {task.prompt}", "Tick-off task", "Done", "Note")
    email_html = _item_html(body, email.pk)
    assert f'data-email-item="{email.pk}"' in email_html
    assert in_order(
        words(email_html),
        f"3. {email.prompt}",
        "Thank-you email",
        "To",
        "The interviewer's email address.",
        "Subject",
        "Body",
        "Add a file to item 3",
        "Open in my email program",
        "Copy text",
        "Save and mark as sent",
        "Save a draft with a body",
        "Coachsite never sends this email for you.",
    )
    assert in_order(
        words(body),
        "Panel prep",
        "Coach",
        "Due",
        "Readiness",
        "Save draft",
        "Submit for review",
    )


def test_once_submitted_the_page_reads_the_answers_and_keeps_the_reply_boxes(
    world, candidate_client
):
    assignment, first = submitted(world["assignment"]), world["first"]
    body = candidate_client.get(assignment.get_candidate_url()).content.decode()
    assert 'id="checklist-form"' not in body and "data-autosave-url" not in body
    html = _item_html(body, first.pk)
    assert in_order(
        words(html),
        f"1. {first.prompt}",
        "Rehearse out loud item 1",
        "1 take",
        "Stories used, as submitted",
        "Churn model",
        "Action I built it.",
        "Files",
        "cert.png",
        "Comments (1)",
        "Say what you did.",
        "Post reply",
    )
    assert reverse("me:item_rehearse", args=[first.pk]) in links(html)
    assert "Add another file" not in html and "Remove" not in html
    assert f'form="comment-form-{first.pk}"' in html
    action = reverse("me:item_comment", args=[first.pk])
    assert f'<form method="post" action="{action}" id="comment-form-{first.pk}"' in body
