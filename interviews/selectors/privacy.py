"""A candidate's data as one JSON document (README, "Privacy"): a candidate
downloads it from their profile, a coach for one candidate.
"""

from __future__ import annotations

import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone

from ..lib import files as lib_files
from ..models import (
    AnswerRevision,
    Assignment,
    AssignmentItem,
    Candidate,
    Comment,
    InterviewRound,
    ItemFile,
    ItemStory,
    Opportunity,
    RehearsalTake,
    Review,
    SetAsideNotes,
    Story,
    StoryComment,
    StoryRevision,
    ThankYouNote,
    User,
)

#: Raised when the document's shape changes, so a reader can tell versions apart.
SCHEMA_VERSION = 1


# ---------------------------------------------------------------- export


def _who(user: User) -> dict:
    return {"role": user.role, "name": user.get_full_name()}


def _records(candidates) -> list[Candidate]:
    """The candidate records with everything the document shows, prefetched: the
    number of queries does not grow with the rows."""
    items = AssignmentItem.objects.prefetch_related(
        Prefetch("revisions", queryset=AnswerRevision.objects.select_related("author")),
        Prefetch("comments", queryset=Comment.objects.select_related("author")),
        Prefetch("story_links", queryset=ItemStory.objects.select_related("story")),
        "submitted_stories",
        "files",
        Prefetch("takes", queryset=RehearsalTake.objects.order_by("created_at", "pk")),
    )
    return list(
        candidates.select_related("coach").prefetch_related(
            Prefetch(
                "opportunities",
                queryset=Opportunity.objects.order_by("created_at", "pk"),
            ),
            Prefetch(
                "opportunities__rounds",
                queryset=InterviewRound.objects.order_by("sequence", "pk"),
            ),
            "opportunities__rounds__interviewers",
            "opportunities__rounds__asked_questions",
            Prefetch(
                "opportunities__rounds__thank_you_notes",
                queryset=ThankYouNote.objects.select_related("interviewer"),
            ),
            Prefetch("assignments", queryset=Assignment.objects.order_by("created_at", "pk")),
            Prefetch("set_aside_notes", queryset=SetAsideNotes.objects.select_related("author")),
            Prefetch("assignments__items", queryset=items),
            Prefetch("assignments__reviews", queryset=Review.objects.select_related("reviewer")),
            Prefetch("stories", queryset=Story.objects.order_by("created_at", "pk")),
            "stories__tags",
            Prefetch(
                "stories__revisions",
                queryset=StoryRevision.objects.select_related("author").order_by(
                    "story_version", "pk"
                ),
            ),
            Prefetch("stories__comments", queryset=StoryComment.objects.select_related("author")),
            Prefetch("stories__takes", queryset=RehearsalTake.objects.order_by("created_at", "pk")),
        )
    )


def _round(round: InterviewRound) -> dict:
    return {
        "id": round.pk,
        "sequence": round.sequence,
        "kind": round.kind,
        "scheduled_at": round.scheduled_at,
        "duration_minutes": round.duration_minutes,
        "location": round.location,
        "outcome": round.outcome,
        "outcome_notes": round.outcome_notes,
        "debrief": {
            "how_it_went": round.debrief_notes,
            "what_i_would_do_differently": round.debrief_differently,
            "debriefed_at": round.debriefed_at,
        },
        "interviewers": [
            {
                "name": i.name,
                "job_title": i.job_title,
                "role": i.role,
                "email": i.email,
            }
            for i in round.interviewers.all()
        ],
        "asked_questions": [
            {"text": q.text, "covered_by_prep": q.covered} for q in round.asked_questions.all()
        ],
        "thank_you_notes": [
            {
                "interviewer": note.interviewer.name if note.interviewer else None,
                "to_name": note.to_name,
                "to": note.to,
                "subject": note.subject,
                "body": note.body,
                "check_requested_at": note.check_requested_at,
                "coach_comment": note.coach_comment,
                "checked_at": note.checked_at,
                "approved": note.approved,
                "sent_at": note.sent_at,
            }
            for note in round.thank_you_notes.all()
        ],
    }


def _item(item: AssignmentItem) -> dict:
    return {
        "position": item.position,
        "kind": item.kind,
        "prompt": item.prompt,
        "guidance": item.guidance,
        "required": item.required,
        "answer": item.response(),
        "email_sent_at": item.email_sent_at,
        "review_mark": item.review_mark,
        "came_up": item.came_up,
        "revisions": [
            {"by": _who(r.author), "at": r.created_at, "version": r.item_version, **r.response()}
            for r in item.revisions.all()
        ],
        "comments": [
            {"by": _who(c.author), "body": c.body, "created_at": c.created_at}
            for c in item.comments.all()
        ],
        # The files attached; their bytes are in the ZIP under "path".
        "files": [
            {
                "name": f.name,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
                "added_at": f.created_at,
                "path": archive_path(f),
            }
            for f in item.files.all()
        ],
        # Rehearsals recorded on the answer; their audio is in the ZIP under "path".
        "rehearsal_takes": [_take(t) for t in item.takes.all()],
        # The stories the answer uses now (their text is under "stories"), and
        # each submission's frozen copy of them.
        "stories_used": [
            {"title": link.story.title, "added_at": link.created_at}
            for link in item.story_links.all()
        ],
        "stories_submitted": [
            {
                "submitted_at": s.submitted_at,
                "version": s.story_version,
                **s.content(),
                "tags": s.tag_names,
            }
            for s in item.submitted_stories.all()
        ],
    }


def _take(take: RehearsalTake) -> dict:
    return {
        "recorded_at": take.created_at,
        "content_type": take.content_type,
        "size": take.size,
        "sha256": take.sha256,
        "duration_seconds": take.duration_seconds,
        "timer_seconds": take.timer_seconds,
        "for_coach": take.for_coach,
        "coach_comment": take.coach_comment,
        "commented_at": take.commented_at,
        "path": archive_path(take),
    }


def _checklist(assignment: Assignment) -> dict:
    return {
        "title": assignment.title,
        "description": assignment.description,
        "instructions": assignment.instructions,
        "round_id": assignment.round_id,
        "due_date": assignment.due_date,
        "status": assignment.status,
        "created_at": assignment.created_at,
        "submitted_at": assignment.submitted_at,
        "reviewed_at": assignment.reviewed_at,
        "withdrawn_at": assignment.withdrawn_at,
        "items": [_item(item) for item in assignment.items.all()],
        "reviews": [
            {"by": _who(r.reviewer), "verdict": r.verdict, "note": r.note, "at": r.created_at}
            for r in assignment.reviews.all()
        ],
    }


def _story(story: Story) -> dict:
    return {
        **story.content(),
        "tags": [tag.name for tag in story.tags.all()],
        "archived_at": story.archived_at,
        "marked_strong_at": story.strong_at,
        "created_at": story.created_at,
        "updated_at": story.updated_at,
        "revisions": [
            {
                "by": _who(r.author),
                "at": r.created_at,
                "version": r.story_version,
                **r.content(),
                "tags": r.tag_names,
            }
            for r in story.revisions.all()
        ],
        "comments": [
            {"by": _who(c.author), "body": c.body, "created_at": c.created_at}
            for c in story.comments.all()
        ],
        "rehearsal_takes": [_take(t) for t in story.takes.all()],
    }


def _record(candidate: Candidate) -> dict:
    return {
        "coach": {"name": candidate.coach.get_full_name(), "email": candidate.coach.email},
        "full_name": candidate.full_name,
        "email": candidate.email,
        "headline": candidate.headline,
        # The coach's private notes are personal data about the candidate, so
        # the candidate's own download holds them too (README, "Privacy").
        "coach_notes": candidate.notes,
        # Notes of earlier coaches, set aside when the candidate was reassigned.
        "earlier_coaches_notes": [
            {"by": _who(n.author), "notes": n.notes, "set_aside_at": n.set_aside_at}
            for n in candidate.set_aside_notes.all()
        ],
        "archived": candidate.archived,
        "erased_at": candidate.erased_at,
        "created_at": candidate.created_at,
        "opportunities": [
            {
                "company": o.company,
                "position": o.position,
                "link": o.link,
                "status": o.status,
                "created_at": o.created_at,
                "rounds": [_round(r) for r in o.rounds.all()],
            }
            for o in candidate.opportunities.all()
        ],
        "checklists": [_checklist(a) for a in candidate.assignments.all()],
        "stories": [_story(s) for s in candidate.stories.all()],
    }


def _profile(user: User) -> dict:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "time_zone": user.time_zone,
        "date_joined": user.date_joined,
    }


def export_candidate(candidate_or_user: Candidate | User) -> dict:
    """The data document: for a user, their profile, every candidate record
    linked to them and their notifications (a coach's own download holds their
    profile only); for a candidate record (the coach's download), that one
    record and the profile of its login, if any."""
    if isinstance(candidate_or_user, Candidate):
        user = candidate_or_user.user
        records = _records(Candidate.objects.filter(pk=candidate_or_user.pk))
        notices = None
    else:
        user = candidate_or_user
        records = _records(Candidate.objects.filter(user=user)) if user.is_candidate else []
        notices = [
            {
                "kind": n.kind,
                "subject": n.subject,
                "body": n.body,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in user.notifications.all()
        ]
    document = {
        "schema_version": SCHEMA_VERSION,
        "exported_at": timezone.now(),
        "profile": _profile(user) if user is not None else None,
        "candidate_records": [_record(c) for c in records],
    }
    if notices is not None:
        document["notifications"] = notices
    return document


def export_json(candidate_or_user: Candidate | User) -> str:
    return json.dumps(export_candidate(candidate_or_user), cls=DjangoJSONEncoder, indent=2)


def archive_path(file: ItemFile | RehearsalTake) -> str:
    """Where a file's (or take's) bytes are in the data download: unique by
    the row's id, named as uploaded (the name is data, cleaned when it was
    stored); takes under "takes/"."""
    folder = "takes" if isinstance(file, RehearsalTake) else "files"
    return f"{folder}/{file.pk}-{file.name.replace('/', '_')}"


def export_files(candidate_or_user: Candidate | User) -> list[ItemFile | RehearsalTake]:
    """The files and rehearsal takes the data download holds: a candidate
    record's, or those of every record linked to a candidate's login (a
    coach's own: none)."""
    if isinstance(candidate_or_user, Candidate):
        mine = {"candidate": candidate_or_user}
    else:
        mine = {"candidate__user": candidate_or_user}
    return [
        *ItemFile.objects.filter(**mine).order_by("pk"),
        *RehearsalTake.objects.filter(**mine).order_by("pk"),
    ]


def write_export_zip(candidate_or_user: Candidate | User, out) -> None:
    """The data download as a ZIP: ``data.json`` (``export_json``) and every
    file's bytes at its ``path``; a file whose bytes are missing from the
    storage is listed in ``missing-files.txt`` instead of failing the download."""
    storage = lib_files.private_storage()
    missing = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", export_json(candidate_or_user))
        for file in export_files(candidate_or_user):
            try:
                with storage.open(file.key, "rb") as stored:
                    archive.writestr(archive_path(file), stored.read())
            except FileNotFoundError:
                missing.append(archive_path(file))
        if missing:
            archive.writestr("missing-files.txt", "\n".join(missing) + "\n")
