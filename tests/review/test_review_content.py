"""What the coach's review page and the lead's read-only copy show of each
item, read off the page (its words, links and controls): pinned before the
page was rebuilt for speed (issue 25) and unchanged after, so nothing it
shows is lost."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interviews.models import ItemFile
from interviews.services import checklists as checklists_services
from interviews.services import files as file_services
from interviews.services import rehearsal as rehearsal_services
from interviews.services import stories as stories_services

from ..checklist_helpers import changes_requested, form_data, item
from ..conftest import client_for
from ..factories import make_assignment
from ..files import samples
from ..page_content import in_order, links, words
from ..rehearsal.helpers import recording

ANSWER = "I led the migration and we shipped it in May."


def _item_html(body: str, item_pk: int) -> str:
    start = body.index(f'<li id="item-{item_pk}"')
    return body[start : body.index("</li>\n", body.index("review-controls", start))]


@pytest.fixture
def world(candidate, coach, coach_client):
    """A checklist the coach asked changes on and the candidate submitted
    again: item 1 (a written answer) with a story, a file, a rehearsal take
    sent to the coach, a comment and three versions; item 2 a task; item 3
    an email draft."""
    assignment = make_assignment(candidate, title="Panel prep")
    user = candidate.user
    first, task, email = (item(assignment, p) for p in (1, 2, 3))
    story = stories_services.story_create(
        candidate=candidate,
        by=user,
        values={"title": "Churn model", "situation": "Renewals dropped.", "action": "I built it."},
    )
    checklists_services.item_story_use(item=first, story=story, by=user)
    image = file_services.item_file_add(
        item=first, upload=SimpleUploadedFile("cert.png", samples.PNG), by=user
    )
    take = rehearsal_services.take_add(item=first, upload=recording(), by=user)
    rehearsal_services.take_mark_for_coach(take=take, by=user, for_coach=True)
    changes_requested(assignment, coach, marks=(1,), comments={1: "Say what you did."})
    client_for(user).post(
        assignment.get_candidate_url(),
        form_data(assignment, "submit", item1={"response_text": ANSWER}),
    )
    assignment.refresh_from_db()
    return {
        "assignment": assignment,
        "first": first,
        "task": task,
        "email": email,
        "story": story,
        "image": image,
        "take": take,
    }


def test_the_coach_reads_each_item_with_its_marks_comments_files_take_and_history(
    world, coach_client
):
    assignment, first = world["assignment"], world["first"]
    body = coach_client.get(assignment.get_absolute_url()).content.decode()
    html = _item_html(body, first.pk)
    text = words(html)
    assert in_order(
        text,
        f"1. {first.prompt}",
        "Written answer",
        "Required",
        "Coach: needs work",
        "Revised since your comment",
        ANSWER,
        "Stories used",
        "Churn model",
        "as submitted",
        "Situation Renewals dropped.",
        "Action I built it.",
        # The story's writing checks (the answer's own are off: it uses a story).
        "Suggestions",
        "The task is empty",
        "Unchanged since your last review.",
        "Stories in earlier submissions (1)",
        "Files",
        "cert.png",
        "69 bytes",
        "Rehearsal (no timer)",
        "Recorded",
        "Comment on the rehearsal of item 1",
        "Changed since your last review",
        "Answer:",
        "File history (1)",
        "added cert.png",
        # From the second version; the first (before any save) is no revision.
        "Revision history (2)",
        "Version 3",
        ANSWER,
        "Version 2",
        f"Answer to {first.prompt}",
        "Comments (1)",
        "You (coach)",
        "Say what you did.",
        "Mark for item 1",
        "OK Needs work Not reviewed",
        "Comment for the candidate",
        "Comment on item 1",
    )
    file_url = reverse("coach:file", args=[world["image"].pk])
    assert f'<img src="{file_url}" alt="cert.png"' in html
    assert links(html) == [
        reverse("coach:story", args=[world["story"].pk]),
        file_url,
        file_url,
    ]
    assert f'src="{reverse("coach:take", args=[world["take"].pk])}"' in html
    assert f'name="take-comment-{first.pk}"' in html
    # The mark buttons: a revised "needs work" is not carried forward.
    marks = re.findall(rf'name="mark-{first.pk}" id="[^"]+" value="([^"]*)"( checked)?', html)
    assert marks == [("ok", ""), ("needs_work", ""), ("", " checked")]
    assert f'name="comment-{first.pk}"' in html


def test_the_other_items_and_the_page_around_them(world, coach_client):
    assignment, task, email = world["assignment"], world["task"], world["email"]
    body = coach_client.get(assignment.get_absolute_url()).content.decode()
    assert in_order(
        words(_item_html(body, task.pk)),
        f"2. {task.prompt}",
        "Tick-off task",
        "Done",
        "Unchanged since your last review.",
        "OK Needs work Not reviewed",
    )
    assert in_order(
        words(_item_html(body, email.pk)),
        f"3. {email.prompt}",
        "Thank-you email",
        "To pat@example.com",
        "Subject Thank you",
        "Body Thank you for your time.",
        "Not marked as sent yet.",
        "Unchanged since your last review.",
    )
    text = words(body)
    assert in_order(
        text,
        "Panel prep",
        "Readiness 100% 3 of 3 required done",
        "Since your review of",
        "the candidate changed 1 item: 1 .",
        "Quick verdict",
        "3 of 3 items not marked yet.",
        "Mark the unreviewed items OK",
        "Approve",
        "Request changes",
        "More to prepare",
        "Your verdict",
        "Review history",
        "Changes requested by",
    )
    assert body.count('class="h5 checklist-section-title"') >= 1
    assert body.count('type="radio" class="btn-check"') == 9
    assert body.count("checklist-item review-item") == 3


def test_the_leads_copy_shows_the_same_things_without_a_form(world, lead_client):
    assignment, first = world["assignment"], world["first"]
    body = lead_client.get(reverse("practice:assignment", args=[assignment.pk])).content.decode()
    start = body.index(f'<li id="item-{first.pk}"')
    html = body[start : body.index("Comments (1)", start)]
    assert in_order(
        words(html),
        f"1. {first.prompt}",
        "Coach: needs work",
        "Revised since the comment",
        ANSWER,
        "Stories used",
        "Churn model",
        "Files",
        "cert.png",
        "Rehearsal (no timer)",
        "Changed since the last review",
        "Revision history (2)",
    )
    assert reverse("practice:file", args=[world["image"].pk]) in links(html)
    assert reverse("practice:story", args=[world["story"].pk]) in links(html)
    assert f'src="{reverse("practice:take", args=[world["take"].pk])}"' in html
    assert "<textarea" not in body and 'type="radio"' not in body
    assert ItemFile.objects.count() == 1
