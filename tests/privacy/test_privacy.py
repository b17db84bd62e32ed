"""The data download and the erasure (README, "Privacy").

Erasure tests plant a unique marker in every free-text field a candidate's
data can reach, erase, then walk every text field of every row of every model
of the app (and the sessions, and axes' logs when installed): none may still
hold a marker, the candidate's name or their email.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from interviews import services
from interviews.models import (
    AnswerRevision,
    AskedQuestion,
    Assignment,
    AssignmentItem,
    Candidate,
    Comment,
    Interviewer,
    InterviewRound,
    Invitation,
    Notification,
    OutgoingEmail,
    RehearsalTake,
    Review,
    Story,
    StoryComment,
    StoryRevision,
    SubmittedStory,
    ThankYouNote,
    ThrottleHit,
    User,
)
from interviews.selectors import privacy as privacy_selectors
from interviews.services import caseload as caseload_services
from interviews.services import privacy as privacy_services
from interviews.services import stories as stories_services
from tests.export_helpers import exported_json

from ..factories import (
    PASSWORD,
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    ThankYouNoteFactory,
    make_assignment,
    one_of_each,
)

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # Email/URLField: CharField


def plant(candidate: Candidate) -> list[str]:
    """One of every row for ``candidate`` (tests/factories.py ``one_of_each``),
    with a unique marker in each free-text field the candidate's data reaches;
    returns the markers."""
    rows = one_of_each(candidate)
    user, coach = candidate.user, candidate.coach
    markers = []

    def mark(name: str) -> str:
        value = f"MARKER-{name}-123"
        markers.append(value)
        return value

    candidate.headline = mark("HEADLINE")
    candidate.notes = mark("COACH-NOTES")
    candidate.save()
    opportunity = rows[InterviewRound].opportunity
    opportunity.company = mark("COMPANY")
    opportunity.position = mark("POSITION")
    opportunity.link = f"https://{mark('LINK').lower()}.example/job"
    opportunity.save()
    InterviewRound.objects.filter(pk=rows[InterviewRound].pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
        location=mark("LOCATION"),
        outcome=InterviewRound.Outcome.ADVANCED,
        outcome_notes=mark("OUTCOME-NOTES"),
        debrief_notes=mark("DEBRIEF"),
        debrief_differently=mark("DIFFERENTLY"),
        debriefed_at=timezone.now(),
    )
    Interviewer.objects.filter(pk=rows[Interviewer].pk).update(
        name=mark("INTERVIEWER"), job_title=mark("JOB-TITLE"), email="marker-iv@example.com"
    )
    markers.append("marker-iv@example.com")
    AskedQuestion.objects.filter(pk=rows[AskedQuestion].pk).update(text=mark("ASKED"))
    ThankYouNote.objects.filter(pk=rows[ThankYouNote].pk).update(
        interviewer=rows[Interviewer],
        to_name=mark("TO-NAME"),
        to="marker-to@example.com",
        subject=mark("NOTE-SUBJECT"),
        body=mark("NOTE-BODY"),
        coach_comment=mark("NOTE-COACH-COMMENT"),
    )
    markers.append("marker-to@example.com")
    Assignment.objects.filter(pk=rows[Assignment].pk).update(instructions=mark("INSTRUCTIONS"))
    AssignmentItem.objects.filter(assignment=rows[Assignment]).update(
        response_text=mark("ANSWER"),
        email_to="marker-email-to@example.com",
        email_subject=mark("EMAIL-SUBJECT"),
        email_body=mark("EMAIL-BODY"),
    )
    markers.append("marker-email-to@example.com")
    AnswerRevision.objects.filter(item__assignment=rows[Assignment]).update(
        response_text=mark("REVISION"),
        email_to="marker-rev-to@example.com",
        email_subject=mark("REV-SUBJECT"),
        email_body=mark("REV-BODY"),
    )
    markers.append("marker-rev-to@example.com")
    Comment.objects.filter(pk=rows[Comment].pk).update(body=mark("COACH-COMMENT"))
    RehearsalTake.objects.filter(pk=rows[RehearsalTake].pk).update(
        coach_comment=mark("TAKE-COMMENT")
    )
    Story.objects.filter(pk=rows[Story].pk).update(
        title=mark("STORY-TITLE"),
        situation=mark("SITUATION"),
        task=mark("TASK"),
        action=mark("ACTION"),
        result=mark("RESULT"),
        learned=mark("LEARNED"),
        measurable_result=mark("MEASURABLE"),
    )
    StoryRevision.objects.filter(story=rows[Story]).update(
        title=mark("REV-STORY-TITLE"), action=mark("REV-ACTION"), tag_names=[mark("REV-TAG")]
    )
    StoryComment.objects.filter(pk=rows[StoryComment].pk).update(body=mark("STORY-COMMENT"))
    # The copy frozen into the submission outlives the story: it must go too.
    SubmittedStory.objects.filter(pk=rows[SubmittedStory].pk).update(
        title=mark("FROZEN-TITLE"),
        situation=mark("FROZEN-SITUATION"),
        task=mark("FROZEN-TASK"),
        action=mark("FROZEN-ACTION"),
        result=mark("FROZEN-RESULT"),
        learned=mark("FROZEN-LEARNED"),
        measurable_result=mark("FROZEN-MEASURABLE"),
        tag_names=[mark("FROZEN-TAG")],
    )
    # The candidate's own comments: their author is PROTECTed, so they must go first.
    StoryComment.objects.create(story=rows[Story], author=user, body=mark("CAND-STORY-COMMENT"))
    Comment.objects.create(item=rows[AssignmentItem], author=user, body=mark("CAND-COMMENT"))
    Review.objects.filter(pk=rows[Review].pk).update(note=mark("REVIEW-NOTE"))
    Notification.objects.create(
        user=user,
        kind=Notification.Kind.DUE_SOON,
        object_key="elsewhere:1",
        occasion="1",
        subject=mark("NOTICE-SUBJECT"),
        body=mark("NOTICE-BODY"),
    )
    # A coach's digest about this candidate: found by the name in its text.
    Notification.objects.create(
        user=coach,
        kind=Notification.Kind.DIGEST,
        object_key="digest",
        occasion="2026-01-01",
        subject="Your digest",
        body=f"{candidate.full_name} has an interview tomorrow.",
    )
    OutgoingEmail.objects.create(to=user.email, subject="Hello", body=mark("EMAIL-OUT"))
    ThrottleHit.objects.create(scope="reset-email", key=user.email)
    if apps.is_installed("axes"):
        access_log = apps.get_model("axes", "AccessLog")
        access_log.objects.create(
            username=user.email,
            ip_address="203.0.113.9",
            user_agent="t",
            attempt_time=timezone.now(),
        )
    return markers


def leftovers(needles: list[str]) -> list[tuple[str, str, str]]:
    """Every (model, field, needle) where a text field of any row of the app's
    models, of axes' logs (when installed) still holds one of ``needles``."""
    found = []
    all_models = list(apps.get_app_config("interviews").get_models())
    if apps.is_installed("axes"):
        all_models += list(apps.get_app_config("axes").get_models())
    lowered = [n.lower() for n in needles]
    for model in all_models:
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for name, value in zip(fields, row, strict=True):
                text = json.dumps(value).lower() if value is not None else ""
                found += [(model.__name__, name, n) for n in lowered if n in text]
    return found


def needles_of(candidate: Candidate, markers: list[str]) -> list[str]:
    return [*markers, "MARKER-", candidate.full_name, candidate.email]


def sessions_of(user_pk: int) -> list[Session]:
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_pk)
    ]


# ---------------------------------------------------------------- export


def test_the_candidates_download_holds_all_their_data_and_nothing_else(
    candidate, candidate_client, other_candidate
):
    markers = plant(candidate)
    other_candidate.notes = "OTHER-SECRET-NOTES"
    other_candidate.save()
    OpportunityFactory(candidate=other_candidate, company="OTHER-COMPANY")

    response = candidate_client.get(reverse("my_data_export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="coachsite-data-')
    assert response["Cache-Control"] == "private, no-store"
    text = exported_json(response)
    document = json.loads(text)
    assert document["schema_version"] == privacy_selectors.SCHEMA_VERSION
    assert document["profile"]["email"] == "cand@example.com"
    assert document["profile"]["time_zone"] == "UTC"
    assert "MARKER-NOTICE-SUBJECT-123" in [n["subject"] for n in document["notifications"]]
    for marker in markers:
        if marker != "MARKER-EMAIL-OUT-123":  # the mail queue is the site's, not data
            assert marker.lower() in text.lower(), marker
    [record] = document["candidate_records"]
    assert record["coach_notes"] == "MARKER-COACH-NOTES-123"
    [opportunity] = record["opportunities"]
    [round_] = opportunity["rounds"]
    assert round_["outcome"] == "advanced"
    assert round_["interviewers"][0]["name"] == "MARKER-INTERVIEWER-123"
    assert round_["thank_you_notes"][0]["interviewer"] == "MARKER-INTERVIEWER-123"
    [checklist] = record["checklists"]
    assert checklist["reviews"][0]["verdict"] == "approved"
    item = checklist["items"][0]
    assert item["answer"]["response_text"] == "MARKER-ANSWER-123"
    assert item["revisions"][0]["by"] == {"role": "candidate", "name": "Cam Candidate"}
    assert [c["by"]["role"] for c in item["comments"]] == ["coach", "candidate"]
    [story] = record["stories"]
    assert story["title"] == "MARKER-STORY-TITLE-123"
    assert story["action"] == "MARKER-ACTION-123"
    assert story["tags"] == ["Analysis and data", "Stakeholder management"]
    assert story["revisions"][0]["tags"] == ["MARKER-REV-TAG-123"]
    assert [c["by"]["role"] for c in story["comments"]] == ["coach", "candidate"]
    assert item["stories_used"][0]["title"] == "MARKER-STORY-TITLE-123"
    [frozen] = item["stories_submitted"]
    assert frozen["action"] == "MARKER-FROZEN-ACTION-123"
    assert frozen["tags"] == ["MARKER-FROZEN-TAG-123"]
    assert "OTHER-" not in text
    assert "othercand@example.com" not in text


def test_a_coach_downloads_their_own_profile_only(coach, coach_client, candidate):
    plant(candidate)

    document = json.loads(exported_json(coach_client.get(reverse("my_data_export"))))

    assert document["profile"]["email"] == "coach@example.com"
    assert document["candidate_records"] == []


def test_the_coach_downloads_one_candidates_file(coach_client, candidate, other_coach_client):
    markers = plant(candidate)
    url = reverse("coach:candidate_export", args=[candidate.pk])

    response = coach_client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    text = exported_json(response)
    document = json.loads(text)
    assert document["profile"]["email"] == "cand@example.com"
    assert "notifications" not in document  # the candidate's own notices are not the coach's
    assert "MARKER-ANSWER-123" in text
    assert len(markers) > 20
    assert other_coach_client.get(url).status_code == 404


def _export_queries(candidate) -> int:
    with CaptureQueriesContext(connection) as queries:
        privacy_selectors.export_json(candidate.user)
    return len(queries)


def test_the_download_takes_the_same_queries_whatever_the_data_size(candidate):
    plant(candidate)
    small = _export_queries(candidate)
    for _ in range(3):
        round_ = InterviewRoundFactory(opportunity=OpportunityFactory(candidate=candidate))
        InterviewerFactory(round=round_)
        ThankYouNoteFactory(round=round_)
        assignment = make_assignment(candidate, round=round_)
        item = assignment.items.first()
        Comment.objects.create(item=item, author=candidate.coach, body="More")
        story = stories_services.story_create(
            candidate=candidate, by=candidate.user, values={"title": "Another story"}
        )
        stories_services.story_comment_add(story=story, by=candidate.coach, body="More")
    large = _export_queries(candidate)

    assert small == large
    # 13 for the checklists and rounds, 4 for the stories, their tags,
    # revisions and comments, 2 for the stories the items use and their
    # frozen copies, 1 for the items' files, 2 for the rehearsal takes of the
    # items and of the stories.
    assert large <= 22


# ---------------------------------------------------------------- erasure


def test_a_coach_erasing_a_candidate_leaves_nothing_personal(coach, candidate, candidate_client):
    markers = plant(candidate)
    needles = needles_of(candidate, markers)
    user_pk = candidate.user_id
    assert sessions_of(user_pk)
    # The walk finds every planted marker before: it can fail.
    assert {n for _, _, n in leftovers(needles)} >= {m.lower() for m in markers}

    privacy_services.candidate_erase(candidate=candidate, by=coach)

    assert leftovers(needles) == []
    assert not User.objects.filter(pk=user_pk).exists()  # their only record: the login goes too
    assert sessions_of(user_pk) == []
    candidate.refresh_from_db()
    assert candidate.full_name == privacy_services.ERASED_NAME
    assert candidate.erased_at is not None
    assert candidate.archived
    assert candidate.user is None
    assert not Invitation.objects.filter(candidate=candidate).exists()


def test_the_coach_keeps_a_former_candidate_with_outcomes_and_statuses(
    coach, coach_client, candidate
):
    plant(candidate)
    privacy_services.candidate_erase(candidate=candidate, by=coach)

    [round_] = InterviewRound.objects.filter(opportunity__candidate=candidate)
    assert round_.outcome == InterviewRound.Outcome.ADVANCED
    assert round_.kind == InterviewRound.Kind.SECOND
    [assignment] = Assignment.objects.filter(candidate=candidate)
    assert (assignment.title, assignment.status) == ("Prep", Assignment.Status.APPROVED)
    assert Review.objects.filter(assignment=assignment, verdict="approved").count() == 1
    page = coach_client.get(reverse("coach:candidate_detail", args=[candidate.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Former candidate" in html
    assert "Erased on" in html
    assert "Advanced" in html
    assert reverse("coach:candidate_invite", args=[candidate.pk]) not in html
    assert reverse("coach:candidate_erase", args=[candidate.pk]) not in html
    assert "Assign a checklist" not in html
    archived = coach_client.get(reverse("coach:candidate_list") + "?archived=1")
    assert "Former candidate" in archived.content.decode()
    with pytest.raises(services.WrongState):
        caseload_services.candidate_restore(candidate=candidate, by=coach)
    with pytest.raises(services.WrongState):
        privacy_services.candidate_erase(candidate=candidate, by=coach)


def test_a_candidate_deleting_their_account_leaves_nothing_personal(candidate, candidate_client):
    markers = plant(candidate)
    needles = needles_of(candidate, markers)
    user_pk = candidate.user_id
    assert {n for _, _, n in leftovers(needles)} >= {m.lower() for m in markers}

    response = candidate_client.post(reverse("account_delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert leftovers(needles) == []
    assert not User.objects.filter(pk=user_pk).exists()
    assert sessions_of(user_pk) == []
    candidate.refresh_from_db()
    assert candidate.erased_at is not None
    assert candidate_client.get(reverse("profile")).status_code == 302  # logged out


def test_deleting_an_account_erases_every_coachs_record(candidate, other_coach):
    second = Candidate.objects.create(
        coach=other_coach, full_name="Cam C.", email="cand@example.com", user=candidate.user
    )

    privacy_services.user_delete_account(user=candidate.user, password=PASSWORD)

    for record in (candidate, second):
        record.refresh_from_db()
        assert record.erased_at is not None
        assert record.full_name == privacy_services.ERASED_NAME


def test_a_coachs_erasure_keeps_a_login_another_coach_still_uses(coach, candidate, other_coach):
    second = Candidate.objects.create(
        coach=other_coach, full_name="Cam C.", email="cand@example.com", user=candidate.user
    )

    privacy_services.candidate_erase(candidate=candidate, by=coach)

    assert User.objects.filter(pk=second.user_id).exists()
    second.refresh_from_db()
    assert (second.full_name, second.erased_at) == ("Cam C.", None)


def test_a_wrong_password_erases_nothing(candidate, candidate_client):
    plant(candidate)

    response = candidate_client.post(reverse("account_delete"), {"password": "wrong"})

    assert response.status_code == 200
    assert "That is not your password" in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.erased_at is None
    assert candidate.full_name == "Cam Candidate"
    assert AssignmentItem.objects.filter(response_text="MARKER-ANSWER-123").exists()
    with pytest.raises(services.WrongPassword):
        privacy_services.user_delete_account(user=candidate.user, password="wrong")


def test_the_delete_page_lists_what_goes_and_coaches_cannot_delete_here(
    coach, coach_client, candidate_client
):
    page = candidate_client.get(reverse("account_delete")).content.decode()
    assert "This cannot be undone" in page
    assert 'type="password"' in page

    coach_page = coach_client.get(reverse("account_delete")).content.decode()
    assert "Coaches cannot delete their account here" in coach_page
    coach_client.post(reverse("account_delete"), {"password": PASSWORD})
    assert User.objects.filter(pk=coach.pk).exists()
    with pytest.raises(services.NotAllowed):
        privacy_services.user_delete_account(user=coach, password=PASSWORD)


def test_the_coach_confirms_an_erasure_with_their_password(coach_client, candidate):
    plant(candidate)
    url = reverse("coach:candidate_erase", args=[candidate.pk])

    page = coach_client.get(url)
    assert page.status_code == 200
    assert "This cannot be undone" in page.content.decode()
    wrong = coach_client.post(url, {"password": "wrong"})
    assert wrong.status_code == 200
    candidate.refresh_from_db()
    assert candidate.erased_at is None

    response = coach_client.post(url, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("coach:candidate_list")
    candidate.refresh_from_db()
    assert candidate.erased_at is not None


def test_another_coach_cannot_erase(other_coach, other_coach_client, candidate):
    url = reverse("coach:candidate_erase", args=[candidate.pk])

    assert other_coach_client.post(url, {"password": PASSWORD}).status_code == 404
    with pytest.raises(services.NotAllowed):
        privacy_services.candidate_erase(candidate=candidate, by=other_coach)
    candidate.refresh_from_db()
    assert candidate.erased_at is None


def test_the_profile_and_candidate_pages_link_to_the_data(
    coach_client, candidate_client, candidate
):
    profile = candidate_client.get(reverse("profile")).content.decode()
    assert reverse("my_data_export") in profile
    assert reverse("account_delete") in profile
    detail = coach_client.get(reverse("coach:candidate_detail", args=[candidate.pk]))
    assert reverse("coach:candidate_export", args=[candidate.pk]) in detail.content.decode()
    assert reverse("coach:candidate_erase", args=[candidate.pk]) in detail.content.decode()
