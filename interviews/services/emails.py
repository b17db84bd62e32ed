"""Event emails: what the services send when something happens.

Each is called inside the service's transaction. It stores the email (and,
for a user, the in-app notice, services/notifications.py) and hands it to
the worker when the transaction commits: nothing goes out for a change that
rolled back, and no request waits for the mail server.

Every email to a candidate is written on their coach's behalf and carries
the coach's address as Reply-To: a reply reaches the coach, not the sender
address nobody reads.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from ..lib.links import absolute
from ..lib.readiness import Readiness
from ..models import NotificationKind, Review
from ..selectors import caseload as caseload_selectors
from ..selectors import checklists as checklists_selectors
from ..selectors import rounds as rounds_selectors
from ..selectors.notifications import zone_of
from . import notifications as notifications_services
from .reminders import ITEMS_LISTED

if TYPE_CHECKING:
    from ..models import (
        Assignment,
        Candidate,
        Invitation,
        Notification,
        PracticeInvitation,
        ThankYouNote,
        User,
    )


def _recipient_zone(user: User | None, fallback: User) -> zoneinfo.ZoneInfo:
    """Dates in an email are in the recipient's time zone; for a candidate who has
    no login yet, their coach's is the best guess."""
    for person in (user, fallback):
        if person is not None:
            try:
                return zoneinfo.ZoneInfo(person.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def _send(
    *, to: str, template: str, context: dict, zone: zoneinfo.ZoneInfo, reply_to: str = ""
) -> None:
    """Queue ``emails/<template>_subject.txt`` and ``emails/<template>.txt``,
    with dates and times in the recipient's ``zone``, for a person who has no
    login to keep a notice under. The email carries a secret link (an
    invitation), so its stored body is blanked once sent."""
    subject, body = notifications_services.render(template, context, zone)
    notifications_services.queue_email(
        to=to, subject=subject, body=body, reply_to=reply_to, secret=True
    )


def send_invitation(invitation: Invitation, token: str) -> None:
    """The first email a new candidate gets: who invites them and why, then the link."""
    candidate = invitation.candidate
    _send(
        to=candidate.email,
        template="invitation",
        zone=_recipient_zone(candidate.user, candidate.coach),
        context={
            "candidate": candidate,
            "coach": candidate.coach,
            "purpose": caseload_selectors.invitation_purpose(candidate, now=timezone.now()),
            "link": absolute(reverse("invite_accept", args=[token])),
            "expires_at": invitation.expires_at,
        },
        reply_to=candidate.coach.email,
    )


def send_assignment_created(assignment: Assignment, *, invitation_token: str | None = None) -> None:
    """Tell the candidate about a new checklist, and only what is true of their
    login: joined, invited in this very email, or invited earlier and pending.
    A candidate who was never invited (or whose link lapsed) gets nothing: they
    could not open the checklist, and the coach was told so."""
    candidate = assignment.candidate
    coach = candidate.coach
    status = caseload_selectors.candidate_join_status(candidate)
    if invitation_token is None and status.state == caseload_selectors.JoinState.NOT_INVITED:
        return
    context = {
        "assignment": assignment,
        "candidate": candidate,
        "coach": coach,
        "joined": status.state == caseload_selectors.JoinState.JOINED,
        "invitation": status.invitation,
        "invitation_link": absolute(reverse("invite_accept", args=[invitation_token]))
        if invitation_token
        else "",
        # The first email to a new candidate says who invites them and why.
        "purpose": caseload_selectors.invitation_purpose(
            candidate, round=assignment.round, now=timezone.now()
        )
        if invitation_token
        else "",
        "link": absolute(assignment.get_candidate_url()),
    }
    if status.state == caseload_selectors.JoinState.JOINED:
        notifications_services.notify(
            user=candidate.user,
            kind=NotificationKind.ASSIGNMENT_CREATED,
            object_key=f"assignment:{assignment.pk}",
            occasion=assignment.created_at.isoformat(),
            template="assignment_created",
            context=context,
            url=assignment.get_candidate_url(),
            reply_to=coach.email,
        )
        return
    # Not joined yet: the email carries (or points to) the invitation, and
    # there is no login to keep a notice under.
    subject, body = notifications_services.render(
        "assignment_created", context, _recipient_zone(None, coach)
    )
    notifications_services.queue_email(
        to=candidate.email,
        subject=subject,
        body=body,
        reply_to=coach.email,
        secret=bool(invitation_token),
    )


def send_assignment_updated(
    assignment: Assignment,
    *,
    previous_due: datetime.date | None,
    due_date_changed: bool,
    instructions_changed: bool,
) -> bool:
    """Tell a joined candidate that their coach moved the due date or rewrote
    the instructions; True when they were told (one who has not joined sees
    the change when they first open the checklist)."""
    candidate = assignment.candidate
    if candidate.user is None or not candidate.user.is_active:
        return False
    notifications_services.notify(
        user=candidate.user,
        kind=NotificationKind.ASSIGNMENT_UPDATED,
        object_key=f"assignment:{assignment.pk}",
        occasion=timezone.now().isoformat(),
        template="assignment_updated",
        context={
            "assignment": assignment,
            "coach": candidate.coach,
            "previous_due": previous_due,
            "due_date_changed": due_date_changed,
            "instructions_changed": instructions_changed,
        },
        url=assignment.get_candidate_url(),
        reply_to=candidate.coach.email,
    )
    return True


def send_coach_reminder(
    assignment: Assignment, *, by: User, day: datetime.date
) -> Notification | None:
    """The coach's "Remind now" to a joined candidate: what is left and when it
    is due. ``day`` (the coach's) is the occasion: one a day. None when
    today's was made already."""
    candidate = assignment.candidate
    user = candidate.user
    items = list(assignment.items.all())
    left = [item for item in items if item.required and not item.is_complete]
    return notifications_services.notify(
        user=user,
        kind=NotificationKind.COACH_REMINDER,
        object_key=f"assignment:{assignment.pk}",
        occasion=day.isoformat(),
        template="coach_reminder",
        context={
            "assignment": assignment,
            "coach": by,
            "readiness": Readiness.of_items(items),
            "left": left[:ITEMS_LISTED],
            "more_left": max(0, len(left) - ITEMS_LISTED),
            "days": (
                None
                if assignment.due_date is None
                else (assignment.due_date - timezone.now().astimezone(zone_of(user)).date()).days
            ),
        },
        url=assignment.get_candidate_url(),
        reply_to=by.email,
    )


def send_assignment_submitted(assignment: Assignment) -> None:
    """Tell the coach, with what they need to decide when to review: the
    interview it prepares for (when, and how soon) and the round's readiness."""
    coach = assignment.candidate.coach
    round = rounds_selectors.round_with_readiness(assignment.round_id)
    days = None
    if round is not None and round.scheduled_at is not None:
        zone = zone_of(coach)
        days = (
            round.scheduled_at.astimezone(zone).date() - timezone.now().astimezone(zone).date()
        ).days
    notifications_services.notify(
        user=coach,
        kind=NotificationKind.ASSIGNMENT_SUBMITTED,
        object_key=f"assignment:{assignment.pk}",
        occasion=assignment.submitted_at.isoformat(),
        template="assignment_submitted",
        context={
            "assignment": assignment,
            "candidate": assignment.candidate,
            "round": round,
            "days": days,
            "readiness": Readiness.of_items(assignment.items.all()),
        },
        url=assignment.get_absolute_url(),
    )


def send_assignment_reviewed(assignment: Assignment, verdict: str, note: str) -> None:
    """Tell the candidate the verdict; changes requested lists the items marked
    "needs work", each with the first words of the coach's comment on it."""
    candidate = assignment.candidate
    if candidate.user is None:
        return
    approved = verdict == Review.Verdict.APPROVED
    flagged = (
        []
        if approved
        else [
            row
            for row in checklists_selectors.checklists_needs_work([assignment]).get(
                assignment.pk, []
            )
            if not row.revised
        ]
    )
    notifications_services.notify(
        user=candidate.user,
        kind=NotificationKind.ASSIGNMENT_REVIEWED,
        object_key=f"assignment:{assignment.pk}",
        occasion=assignment.reviewed_at.isoformat(),
        template="assignment_reviewed",
        context={
            "assignment": assignment,
            "coach": candidate.coach,
            "approved": approved,
            "note": note,
            "flagged": flagged,
        },
        url=assignment.get_candidate_url(),
        reply_to=candidate.coach.email,
    )


def send_thank_you_check_requested(note: ThankYouNote) -> None:
    """Tell the coach a candidate asked them to look at a thank-you note."""
    candidate = note.round.opportunity.candidate
    notifications_services.notify(
        user=candidate.coach,
        kind=NotificationKind.THANK_YOU_CHECK_REQUESTED,
        object_key=f"note:{note.pk}",
        occasion=note.check_requested_at.isoformat(),
        template="thank_you_check_requested",
        context={"note": note, "candidate": candidate, "round": note.round},
        url=note.round.get_absolute_url() + f"#note-{note.pk}",
    )


def send_thank_you_checked(note: ThankYouNote) -> None:
    """Tell the candidate their coach answered about a thank-you note."""
    candidate = note.round.opportunity.candidate
    if candidate.user is None:
        return
    notifications_services.notify(
        user=candidate.user,
        kind=NotificationKind.THANK_YOU_CHECKED,
        object_key=f"note:{note.pk}",
        occasion=note.checked_at.isoformat(),
        template="thank_you_checked",
        context={"note": note, "coach": candidate.coach, "round": note.round},
        url=reverse("me:round", args=[note.round.pk]) + f"#note-{note.pk}",
        reply_to=candidate.coach.email,
    )


def send_practice_invitation(invitation: PracticeInvitation, token: str) -> None:
    """The link for a coach to join a practice (secret: blanked once sent)."""
    lead = invitation.invited_by
    _send(
        to=invitation.email,
        template="practice_invitation",
        zone=_recipient_zone(None, lead) if lead else zoneinfo.ZoneInfo("UTC"),
        context={
            "practice": invitation.practice,
            "lead": lead,
            "link": absolute(reverse("practice_join", args=[token])),
            "expires_at": invitation.expires_at,
        },
    )


def send_candidate_reassigned(candidate: Candidate, *, previous: User, by: User) -> None:
    """Tell the candidate who their coach is now, and the new coach what they
    were given. The previous coach is told too, unless they made the change."""
    coach = candidate.coach
    context = {"candidate": candidate, "coach": coach, "previous": previous, "by": by}
    if candidate.user is not None:
        subject, body = notifications_services.render(
            "candidate_reassigned", context, _recipient_zone(candidate.user, coach)
        )
        notifications_services.queue_email(
            to=candidate.user.email, subject=subject, body=body, reply_to=coach.email
        )
    context["link"] = absolute(candidate.get_absolute_url())
    for person in {coach, previous} - {by}:
        subject, body = notifications_services.render(
            "candidate_reassigned_coach", {**context, "to": person}, _recipient_zone(person, coach)
        )
        notifications_services.queue_email(to=person.email, subject=subject, body=body)
