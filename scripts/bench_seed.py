"""Seeding for the load test (scripts/loadtest.py): a coaching practice of the
given size, written with PostgreSQL's COPY in a minute or so at the large size
(200 coaches x 100 candidates: 400,000 checklist items, about 330,000 answer
revisions), with realistic statuses: a fifth of the checklists not started, two
fifths in progress, the rest submitted or reviewed; half the interviews in the
next 7 days; answers as long as real ones. The coaches form practices (10 of
5 at the large size, each with a lead: the measured coach leads one), and one
coach other than the measured one has a second round per candidate: a
calendar feed of 300 events (200 rounds, 100 due dates).

Runs inside a configured Django process (DJANGO_SETTINGS_MODULE set, django.setup() done).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

PASSWORD = "bench-password-not-secret-0042"  # noqa: S105 - throw-away seeded users


@dataclass(frozen=True)
class Size:
    coaches: int
    candidates: int  # per coach

    @property
    def label(self) -> str:
        coaches = f"{self.coaches} coach{'es' if self.coaches > 1 else ''}"
        return f"{coaches} x {self.candidates} candidates"


SIZES = {"small": Size(1, 100), "large": Size(200, 100)}
ITEMS = 20  # per checklist
#: Bumped whenever the seeded world changes, so that a database kept by an
#: older harness (--keep) is seeded again instead of measured as it was.
SEED_VERSION = 2
#: Practices of PRACTICE_SIZE coaches each, one lead each (issue 25: 10 x 5 at
#: the large size); the measured coach leads the first.
PRACTICES, PRACTICE_SIZE = 10, 5


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


# Statuses of a coach's candidates, by candidate number modulo 20: a fifth
# not started, two fifths in progress, the rest submitted or reviewed.
_STATUS_CYCLE = (
    ["assigned"] * 4
    + ["in_progress"] * 8
    + ["submitted"] * 3
    + ["changes_requested"] * 2
    + ["approved"] * 3
)
# Revisions of an answered item: 1.375 on average, so about 330,000 at the large size.
_REVISION_CYCLE = (1, 1, 2, 1, 1, 2, 1, 2)
_FIRST = ["Ada", "Ben", "Chloé", "Dev", "Esra", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kemi"]
_LAST = ["Okafor", "Lindqvist", "Moreau", "Patel", "Novak", "García", "Kim", "Fischer", "Rossi"]
_COMPANIES = ["Fabrikam", "Contoso", "Northwind", "Tailspin", "Litware", "Adatum", "Woodgrove"]
_POSITIONS = ["Data analyst", "Product manager", "Backend engineer", "UX researcher"]
_KINDS = ["screening", "second", "final"]
SENTENCES = [
    "In my last role I led the migration of our reporting to a new warehouse.",
    "We cut the monthly close from six days to two by automating the reconciliations.",
    "I would start by listening to the people who use the product every day.",
    "The hardest part was agreeing what done meant with three teams at once.",
    "I measured success by the number of support tickets, which fell by a third.",
    "Looking back, I would have involved the finance team much earlier.",
    "I like this company because its customers are small businesses like my family's.",
    "My manager would say I ask good questions and write things down.",
    "When two priorities clash I make the trade-off visible and ask who decides.",
    "I learnt SQL on the job and now teach it to new starters once a month.",
]
_PROMPTS = [
    "Tell me about yourself in two minutes",
    "Why do you want to work here?",
    "Research the company's last annual report",
    "Describe a project you are proud of",
    "A time you disagreed with your manager",
    "Your biggest weakness, honestly",
    "Prepare three questions to ask the panel",
    "Plan the route and arrive ten minutes early",
    "A time you failed and what you learnt",
    "How do you prioritise competing deadlines?",
    "Explain a technical idea to a non-specialist",
    "Where do you see yourself in three years?",
    "Print two copies of your CV",
    "Your salary expectations and how you got there",
    "A time you led without authority",
    "What would you do in your first 90 days?",
    "Questions about the team's ways of working",
    "Check the interviewers' profiles",
    "Thank-you note to the hiring manager",
    "Thank-you note to the recruiter",
]


def _kind(position: int) -> str:
    if position > ITEMS - 2:
        return "email"
    return "check" if position % 5 == 3 else "text"


@dataclass(frozen=True)
class _Ids:
    """First ids of the bulk-written tables; every row's id follows from its
    coach and candidate numbers, so the tables are written one after the
    other as streams, with no Python objects kept."""

    user: int
    candidate: int
    invitation: int
    opportunity: int
    round: int
    assignment: int
    item: int
    coaches: int
    per_coach: int

    def coach(self, c: int) -> int:
        return self.user + c

    def g(self, c: int, n: int) -> int:
        return c * self.per_coach + n

    def candidate_user(self, g: int) -> int:
        return self.user + self.coaches + g


def _candidate_plan(n: int) -> tuple[str, bool, int]:
    """Status, whether the candidate has joined (has a login), and answered items."""
    joined = n % 25 != 24  # the others wait on an invitation, with an untouched checklist
    status = _STATUS_CYCLE[n % 20] if joined else "assigned"
    answered = {"assigned": 0, "in_progress": 6 + n % 10}.get(status, ITEMS)
    return status, joined, answered


def _response(g: int, position: int, kind: str, draft: int | None) -> dict:
    """An answer, as long as real ones; ``draft`` marks an earlier revision."""
    start = g + position
    text = " ".join(SENTENCES[(start + i) % len(SENTENCES)] for i in range(2 + start % 5))
    if draft is not None:
        text = f"(draft {draft}) " + text[: len(text) // 2]
    response = dict.fromkeys(("response_text", "email_to", "email_subject", "email_body"), "")
    response["done"] = False
    if kind == "text":
        response["response_text"] = text
    elif kind == "check":
        response["done"] = draft is None
        response["response_text"] = "" if start % 2 else "Done, notes in my folder."
    else:
        response["email_to"] = f"interviewer{position}@company{g}.example"
        response["email_subject"] = "Thank you for today's interview"
        response["email_body"] = text
    return response


def seed_or_reuse(name: str, size: Size) -> tuple[dict, dict]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS coachsite_bench_marker "
            "(size text PRIMARY KEY, world jsonb NOT NULL, seeding jsonb NOT NULL)"
        )
        cursor.execute("SELECT world, seeding FROM coachsite_bench_marker WHERE size = %s", [name])
        row = cursor.fetchone()
    if row:
        world, seeding = (json.loads(v) if isinstance(v, str) else v for v in row)
        if world_is_current(world, size):
            say(f"{name}: reusing the database seeded earlier (--keep)")
            return world, {**seeding, "reused": True}
        raise RuntimeError(
            f"The database of {name} was seeded by another version of the harness; "
            "drop it (run once without --keep) to seed it again."
        )
    say(f"{name}: seeding {size.label} (bulk COPY)")
    start = time.perf_counter()
    world = _seed(size)
    seeded = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seeding = {"seconds": seeded, "vacuum": time.perf_counter() - start - seeded, **_counts()}
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO coachsite_bench_marker VALUES (%s, %s, %s)",
            [name, json.dumps(world), json.dumps(seeding)],
        )
    say(f"{name}: seeded in {seeded:.0f} s, VACUUM ANALYZE {seeding['vacuum']:.0f} s")
    return world, {**seeding, "reused": False}


def world_is_current(world: dict, size: Size) -> bool:
    """Whether a kept database holds what this version of the seed writes."""
    return (
        world.get("size") == [size.coaches, size.candidates]
        and world.get("version") == SEED_VERSION
    )


def _counts() -> dict:
    from interviews.models import (
        AnswerRevision,
        Assignment,
        AssignmentItem,
        Candidate,
        Comment,
        InterviewRound,
        Practice,
        User,
    )

    return {
        "users": User.objects.count(),
        "candidates": Candidate.objects.count(),
        "checklists": Assignment.objects.count(),
        "items": AssignmentItem.objects.count(),
        "revisions": AnswerRevision.objects.count(),
        "comments": Comment.objects.count(),
        "rounds": InterviewRound.objects.count(),
        "practices": Practice.objects.count(),
    }


def _seed(size: Size) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from interviews import models as m

    now = timezone.now()
    password = make_password(PASSWORD)  # hashed once: every seeded user shares it

    def first_id(model) -> int:
        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    ids = _Ids(
        user=first_id(m.User),
        candidate=first_id(m.Candidate),
        invitation=first_id(m.Invitation),
        opportunity=first_id(m.Opportunity),
        round=first_id(m.InterviewRound),
        assignment=first_id(m.Assignment),
        item=first_id(m.AssignmentItem),
        coaches=size.coaches,
        per_coach=size.candidates,
    )
    everyone = [(c, n) for c in range(size.coaches) for n in range(size.candidates)]
    # The measured coach is one in the middle of the practice; their
    # candidates numbered 4 and 5 are in progress, 12 has submitted. They lead
    # a practice. Another coach (the first) owns the big calendar feed, so the
    # measured coach's pages stay like every other coach's.
    measured = size.coaches // 2
    feed_coach = 0 if size.coaches > 1 else None

    def name_of(g: int) -> str:
        return f"{_FIRST[g % len(_FIRST)]} {_LAST[(g // len(_FIRST)) % len(_LAST)]} {g}"

    def when(n: int) -> datetime.datetime:
        """Half the interviews in the next 7 days, a quarter past, a quarter later."""
        if n % 2 == 0:
            return now + datetime.timedelta(minutes=90 + (n * 997) % (7 * 24 * 60 - 180))
        if n % 4 == 1:
            return now - datetime.timedelta(days=1 + n % 20, hours=n % 5)
        return now + datetime.timedelta(days=8 + n % 30)

    def submitted_at(n: int) -> datetime.datetime:
        return now - datetime.timedelta(hours=6 + n % 48)

    def users() -> Iterator[tuple]:
        for c in range(size.coaches):
            yield ids.coach(c), f"coach{c}@bench.example", f"Coach {c}", "coach", password
        for c, n in everyone:
            g = ids.g(c, n)
            if _candidate_plan(n)[1]:
                yield (
                    ids.candidate_user(g),
                    f"c{c}-{n}@bench.example",
                    name_of(g),
                    "candidate",
                    (password),
                )

    def candidates() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            user = ids.candidate_user(g) if _candidate_plan(n)[1] else None
            email = f"c{c}-{n}@bench.example"
            headline = _POSITIONS[g % len(_POSITIONS)]
            yield ids.candidate + g, ids.coach(c), name_of(g), email, headline, user

    def invitations() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            joined = _candidate_plan(n)[1]
            created = now - datetime.timedelta(days=30 if joined else 1)
            token = hashlib.sha256(f"bench-invitation-{g}".encode()).hexdigest()
            yield (
                *(ids.invitation + g, ids.candidate + g, token, created),
                *(created + datetime.timedelta(days=7), created, created if joined else None),
            )

    def opportunities() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            company = f"{_COMPANIES[g % len(_COMPANIES)]} {g % 97}"
            yield ids.opportunity + g, ids.candidate + g, company, _POSITIONS[n % 4], "active"

    def rounds() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            status = _candidate_plan(n)[0]
            scheduled = when(n)
            outcome = "advanced" if status == "approved" and scheduled < now else "pending"
            yield (
                *(ids.round + g, ids.opportunity + g, 1, _KINDS[n % 3], scheduled),
                *("Video call", outcome),
            )
        # The feed coach's candidates each have a final round two weeks after
        # the first: 200 rounds and 100 checklists, a calendar feed of 300 events.
        if feed_coach is not None:
            for n in range(size.candidates):
                g = ids.g(feed_coach, n)
                yield (
                    *(ids.round + len(everyone) + n, ids.opportunity + g, 2, "final"),
                    *(when(n) + datetime.timedelta(days=14), "Video call", "pending"),
                )

    def assignments() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            status = _candidate_plan(n)[0]
            sent = submitted_at(n) if status not in ("assigned", "in_progress") else None
            reviewed = sent + datetime.timedelta(hours=2) if status in _REVIEWED else None
            due = (when(n) - datetime.timedelta(days=1)).date()
            yield (
                *(ids.assignment + g, ids.candidate + g, ids.round + g, templates[c]),
                *("Second-round preparation", "", due, status, now - datetime.timedelta(days=10)),
                *(sent, reviewed),
            )

    def items_and_revisions() -> tuple[Iterator[tuple], list[tuple]]:
        revisions: list[tuple] = []

        def items() -> Iterator[tuple]:
            for c, n in everyone:
                g = ids.g(c, n)
                status, _, answered = _candidate_plan(n)
                author = ids.candidate_user(g)
                for position in range(1, ITEMS + 1):
                    kind = _kind(position)
                    item_id = ids.item + g * ITEMS + position - 1
                    count = _REVISION_CYCLE[item_id % len(_REVISION_CYCLE)]
                    if position > answered:
                        count = 0
                    elif status == "changes_requested" and position == 2:
                        count += 1
                    response = _response(g, position, kind, None) if count else _EMPTY
                    version = 1 + count
                    mark, marked = "", None
                    if status == "approved":
                        mark, marked = "ok", version
                    elif status == "changes_requested":
                        mark, marked = ("needs_work" if position == 2 else "ok"), version
                    yield (
                        *(item_id, ids.assignment + g, position, kind, _PROMPTS[position - 1]),
                        *("", position % 7 != 0, response["response_text"], response["done"]),
                        *(response["email_to"], response["email_subject"], response["email_body"]),
                        *(mark, marked, version),
                    )
                    start = now - datetime.timedelta(days=5)
                    for draft in range(1, count + 1):
                        value = _response(g, position, kind, None if draft == count else draft)
                        revisions.append(
                            (
                                *(item_id, author, start + datetime.timedelta(hours=draft)),
                                *(1 + draft, value["response_text"], value["done"]),
                                *(value["email_to"], value["email_subject"], value["email_body"]),
                            )
                        )
                if len(revisions) >= 20000:
                    yield _FLUSH

        return items(), revisions

    def comments() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            status = _candidate_plan(n)[0]
            first = ids.item + g * ITEMS
            if status in ("submitted", "changes_requested", "approved"):
                yield first, ids.coach(c), "Good start: add a number to show the result.", now
            if status == "changes_requested":
                body = "I have added the figures, is this better?"
                yield first + 1, ids.candidate_user(g), body, now
            if status == "in_progress" and n % 3 == 0:
                body = "Should I mention the project I did not finish?"
                yield first + 4, ids.candidate_user(g), body, now

    def reviews() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            status = _candidate_plan(n)[0]
            if status in _REVIEWED:
                note = "" if status == "approved" else "Nearly there: see item 2."
                when_ = submitted_at(n) + datetime.timedelta(hours=2)
                yield ids.assignment + g, ids.coach(c), status, note, when_

    def notifications() -> Iterator[tuple]:
        for c, n in everyone:
            g = ids.g(c, n)
            status, joined, _ = _candidate_plan(n)
            assignment = ids.assignment + g
            key = f"assignment:{assignment}"
            url = f"/me/checklists/{assignment}/"
            if joined:
                read = now if n % 3 else None
                yield (
                    *(ids.candidate_user(g), "assignment_created", key, "", "A new checklist"),
                    *("", url, now - datetime.timedelta(days=10), now, read),
                )
            if status == "submitted":
                yield (
                    *(ids.coach(c), "assignment_submitted", key, "", f"{name_of(g)} submitted"),
                    *("", f"/coach/assignments/{assignment}/", submitted_at(n), now, None),
                )

    with transaction.atomic():
        _copy(m.User, ["id", "email", "full_name", "role", "password"], users())
        templates = _templates(ids, size, m)
        _copy(
            m.Candidate,
            ["id", "coach_id", "full_name", "email", "headline", "user_id"],
            candidates(),
        )
        invitation_fields = ["id", "candidate_id", "token_hash", "created_at"]
        invitation_fields += ["expires_at", "sent_at", "accepted_at"]
        _copy(m.Invitation, invitation_fields, invitations())
        _copy(
            m.Opportunity,
            ["id", "candidate_id", "company", "position", "status"],
            opportunities(),
        )
        round_fields = ["id", "opportunity_id", "sequence", "kind", "scheduled_at"]
        _copy(m.InterviewRound, [*round_fields, "location", "outcome"], rounds())
        assignment_fields = ["id", "candidate_id", "round_id", "template_id", "title"]
        assignment_fields += ["description", "due_date", "status", "created_at"]
        _copy(m.Assignment, [*assignment_fields, "submitted_at", "reviewed_at"], assignments())
        item_fields = ["id", "assignment_id", "position", "kind", "prompt", "guidance"]
        item_fields += ["required", "response_text", "done", "email_to", "email_subject"]
        item_fields += ["email_body", "review_mark", "marked_version", "version"]
        revision_fields = ["item_id", "author_id", "created_at", "item_version"]
        revision_fields += ["response_text", "done", "email_to", "email_subject", "email_body"]
        items, revisions = items_and_revisions()
        # Items and their revisions are generated together; revisions are
        # written in chunks between the items' chunks, on a second COPY.
        chunk: list[tuple] = []
        for row in items:
            if row is _FLUSH:
                _copy(m.AssignmentItem, item_fields, chunk)
                _copy(m.AnswerRevision, revision_fields, revisions)
                chunk.clear()
                revisions.clear()
            else:
                chunk.append(row)
        _copy(m.AssignmentItem, item_fields, chunk)
        _copy(m.AnswerRevision, revision_fields, revisions)
        _copy(m.Comment, ["item_id", "author_id", "body", "created_at"], comments())
        review_fields = ["assignment_id", "reviewer_id", "verdict", "note", "created_at"]
        _copy(m.Review, review_fields, reviews())
        notification_fields = ["user_id", "kind", "object_key", "occasion", "subject", "body"]
        notification_fields += ["url", "created_at", "emailed_at", "read_at"]
        _copy(m.Notification, notification_fields, notifications())
        # The navigation's unread counts, as the services keep them (issue 25).
        from interviews.services.notifications import unread_notices_recount

        unread_notices_recount()
        bulk = [m.User, m.Candidate, m.Invitation, m.Opportunity, m.InterviewRound]
        bulk += [m.Assignment, m.AssignmentItem]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), bulk):
                cursor.execute(statement)

    lead_practice = _practices(ids, size, measured, m)
    c = measured
    g_fill, g_save, g_review = ids.g(c, 4), ids.g(c, 5), ids.g(c, 12)
    feed_user = m.User.objects.get(pk=ids.coach(measured if feed_coach is None else feed_coach))
    return {
        "version": SEED_VERSION,
        "size": [size.coaches, size.candidates],
        "practice_coaches": lead_practice,
        "feed_token": feed_user.calendar_token,
        "round": ids.round + g_fill,
        "coach_email": f"coach{c}@bench.example",
        "coach": ids.coach(c),
        "candidate_email": f"c{c}-4@bench.example",
        "candidate_user": ids.candidate_user(g_fill),
        "candidate": ids.candidate + g_fill,
        "fill_assignment": ids.assignment + g_fill,
        "review_assignment": ids.assignment + g_review,
        "save_user": ids.candidate_user(g_save),
        "save_assignment": ids.assignment + g_save,
    }


_REVIEWED = ("changes_requested", "approved")
_EMPTY = {**dict.fromkeys(("response_text", "email_to", "email_subject", "email_body"), "")}
_EMPTY["done"] = False
_FLUSH = ("flush",)


def _practices(ids: _Ids, size: Size, first: int, m) -> int:
    """PRACTICES practices of PRACTICE_SIZE coaches (fewer when there are not
    so many coaches), from coach ``first`` on, each led by its first coach;
    returns the size of the first one (the measured coach's)."""
    per = min(PRACTICE_SIZE, size.coaches)
    count = max(1, min(PRACTICES, size.coaches // per))
    practices = m.Practice.objects.bulk_create(
        m.Practice(name=f"Bench practice {p + 1}") for p in range(count)
    )
    m.PracticeMembership.objects.bulk_create(
        m.PracticeMembership(
            practice=practice,
            user_id=ids.coach((first + p * per + k) % size.coaches),
            role=m.PracticeMembership.Role.LEAD if k == 0 else m.PracticeMembership.Role.COACH,
        )
        for p, practice in enumerate(practices)
        for k in range(per)
    )
    return per


def _templates(ids: _Ids, size: Size, m) -> list[int]:
    """Each coach's own 20-item template (a few hundred rows: the ORM will do)."""
    templates = m.ChecklistTemplate.objects.bulk_create(
        m.ChecklistTemplate(
            owner_id=ids.coach(c),
            title="Second-round preparation",
            description="What to prepare before a second-round interview.",
            round_kind="second",
        )
        for c in range(size.coaches)
    )
    m.TemplateItem.objects.bulk_create(
        (
            m.TemplateItem(
                template=template,
                position=position,
                kind=_kind(position),
                prompt=_PROMPTS[position - 1],
                required=position % 7 != 0,
            )
            for template in templates
            for position in range(1, ITEMS + 1)
        ),
        batch_size=5000,
    )
    return [template.pk for template in templates]


def _copy(model, fields: Sequence[str], rows: Iterable[tuple]) -> None:
    """COPY ``rows`` (values of ``fields``, attnames) into the model's table; the
    model's other columns get their defaults, as Model.save() would give them
    (a fresh value per row where the default is a unique token)."""
    from django.db import connection
    from django.utils import timezone

    meta = model._meta
    given = [meta.get_field(name) for name in fields]
    names = {f.attname for f in given}
    rest = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    now = timezone.now()
    constant: list = []
    fresh: list[tuple[int, object]] = []
    for index, field in enumerate(rest):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constant.append(now)
        else:
            value = field.get_default()
            constant.append(str(value) if isinstance(value, str) else value)
            if field.unique and callable(field.default):
                fresh.append((index, field))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *rest])
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            if fresh:
                values = constant.copy()
                for index, field in fresh:
                    values[index] = field.get_default()
                copy.write_row((*row, *values))
            else:
                copy.write_row((*row, *constant))
