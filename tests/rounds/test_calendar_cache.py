"""The calendar feed's version: 304 Not Modified for an unchanged feed, a new
ETag for every change the feed shows (and only the owner's), and the built
feed kept in the cache per user and version (selectors/calendar.py)."""

import datetime
import gzip

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from interviews.models import Candidate, Interviewer, InterviewRound, Opportunity
from interviews.selectors import calendar
from interviews.services import accounts as accounts_services
from interviews.services import caseload as caseload_services
from interviews.services import checklists as checklists_services
from interviews.services import rounds as rounds_services

from ..factories import (
    InterviewerFactory,
    InterviewRoundFactory,
    OpportunityFactory,
    make_assignment,
)


def soon(**delta) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(**delta)).replace(second=0, microsecond=0)


def feed_url(user) -> str:
    return reverse("calendar_feed", args=[user.calendar_token])


def etag(client, user) -> str:
    user.refresh_from_db()
    response = client.get(feed_url(user))
    assert response.status_code == 200
    return response["ETag"]


@pytest.fixture
def world(coach, candidate, other_coach, other_candidate):
    """A round with two interviewers and a checklist for it, for ``candidate``
    and, the same, for ``other_candidate`` (another coach's)."""

    def build(cand):
        opportunity = OpportunityFactory(candidate=cand, company="Fabrikam", position="Data Lead")
        round_ = InterviewRoundFactory(
            opportunity=opportunity, sequence=1, scheduled_at=soon(days=3)
        )
        InterviewerFactory(round=round_, name="Ann Lee", job_title="Head of Data")
        InterviewerFactory(round=round_, name="Tom Becker")
        assignment = make_assignment(
            cand, kinds=(), round=round_, due_date=timezone.localdate() + datetime.timedelta(days=2)
        )
        return round_, assignment

    mine = build(candidate)
    build(other_candidate)
    return {"round": mine[0], "assignment": mine[1]}


# ---------------------------------------------------------------- 304


def test_a_poll_with_the_etag_gets_304_and_no_body(client, candidate, world):
    first = client.get(feed_url(candidate.user))
    tag = first["ETag"]
    assert first.status_code == 200
    assert tag.startswith('"') and tag.endswith('"')  # strong
    assert first.content.startswith(b"BEGIN:VCALENDAR")

    again = client.get(feed_url(candidate.user), headers={"if-none-match": tag})

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == "private, no-store"
    # Any other tag, or a list without this one, gets the feed.
    other = client.get(feed_url(candidate.user), headers={"if-none-match": '"other", "x"'})
    assert other.status_code == 200
    assert other.content == first.content
    listed = client.get(feed_url(candidate.user), headers={"if-none-match": f'"other", {tag}'})
    assert listed.status_code == 304
    head = client.head(feed_url(candidate.user), headers={"if-none-match": tag})
    assert head.status_code == 304


def test_last_modified_is_the_newest_change_the_feed_shows(client, candidate, world):
    newest = timezone.now() + datetime.timedelta(minutes=7)
    Interviewer.objects.filter(round=world["round"]).update(updated_at=newest)

    response = client.get(feed_url(candidate.user))

    assert response["Last-Modified"] == http_date(newest.timestamp())


def test_an_empty_feed_has_an_etag_and_no_last_modified(client, coach):
    response = client.get(feed_url(coach))
    assert response.status_code == 200
    assert "Last-Modified" not in response
    assert client.get(feed_url(coach), headers={"if-none-match": response["ETag"]}).status_code == (
        304
    )


def test_a_compressed_feed_is_revalidated_with_its_weak_tag(client, candidate, world):
    """GZipMiddleware weakens the ETag of the bytes it compresses; the weak tag
    a calendar app sends back still matches (If-None-Match compares weakly)."""
    zipped = client.get(feed_url(candidate.user), headers={"accept-encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["ETag"].startswith('W/"')
    assert gzip.decompress(zipped.content) == client.get(feed_url(candidate.user)).content

    again = client.get(
        feed_url(candidate.user),
        headers={"accept-encoding": "gzip", "if-none-match": zipped["ETag"]},
    )
    assert again.status_code == 304


def test_if_modified_since_alone_never_hides_a_change(client, coach, candidate, world):
    """A deleted round changes the feed without any newer timestamp: only the
    ETag decides, so a poll with just If-Modified-Since gets the feed."""
    first = client.get(feed_url(candidate.user))
    world["round"].delete()

    response = client.get(
        feed_url(candidate.user), headers={"if-modified-since": first["Last-Modified"]}
    )

    assert response.status_code == 200
    assert b"round-" not in response.content


def test_an_unknown_token_is_404_whatever_the_tag(client, candidate, world):
    tag = client.get(feed_url(candidate.user))["ETag"]
    response = client.get(
        reverse("calendar_feed", args=["no-such-token"]), headers={"if-none-match": tag}
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- what changes the ETag


def _later(**delta) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=1, **delta)


def edit_round(w, coach, candidate):
    r = w["round"]
    rounds_services.round_update(
        round=r,
        by=coach,
        kind=r.kind,
        scheduled_at=r.scheduled_at,
        duration_minutes=r.duration_minutes,
        location="On site, 1 King St",
        outcome=r.outcome,
        outcome_notes="",
    )


def reschedule_round(w, coach, candidate):
    r = w["round"]
    rounds_services.round_update(
        round=r,
        by=coach,
        kind=r.kind,
        scheduled_at=r.scheduled_at + datetime.timedelta(hours=2),
        duration_minutes=r.duration_minutes,
        location=r.location,
        outcome=r.outcome,
        outcome_notes="",
    )


def cancel_round(w, coach, candidate):
    rounds_services.round_record_outcome(round=w["round"], by=candidate.user, outcome="withdrawn")


def close_opportunity(w, coach, candidate):
    opportunity = w["round"].opportunity
    opportunity.status = Opportunity.Status.REJECTED
    opportunity.save()


def rename_opportunity(w, coach, candidate):
    opportunity = w["round"].opportunity
    opportunity.company = "Contoso"
    opportunity.save()


def rename_candidate(w, coach, candidate):
    candidate.full_name = "Cameron Candidate"
    candidate.save()


def add_interviewer(w, coach, candidate):
    rounds_services.interviewer_add(round=w["round"], by=coach, name="Eve Park")


def edit_interviewer(w, coach, candidate):
    interviewer = w["round"].interviewers.first()
    rounds_services.interviewer_update(
        interviewer=interviewer,
        by=coach,
        name="Ann Lee-Smith",
        job_title=interviewer.job_title,
        role=interviewer.role,
        email="",
    )


def remove_interviewer(w, coach, candidate):
    rounds_services.interviewer_remove(interviewer=w["round"].interviewers.last(), by=coach)


def add_round(w, coach, candidate):
    rounds_services.round_create(
        opportunity=w["round"].opportunity, by=coach, kind="final", scheduled_at=soon(days=9)
    )


def add_undated_round_of_the_same_kind(w, coach, candidate):
    """Not in the feed itself, but it renames the dated one "… (round 1)"."""
    rounds_services.round_create(
        opportunity=w["round"].opportunity, by=coach, kind=w["round"].kind, scheduled_at=None
    )


def delete_round(w, coach, candidate):
    InterviewRound.objects.filter(pk=w["round"].pk).delete()


def move_due_date(w, coach, candidate):
    checklists_services.assignment_update(
        assignment=w["assignment"],
        by=coach,
        due_date=w["assignment"].due_date + datetime.timedelta(days=1),
        instructions="",
    )


def withdraw_checklist(w, coach, candidate):
    checklists_services.assignment_withdraw(assignment=w["assignment"], by=coach)


def add_checklist(w, coach, candidate):
    make_assignment(candidate, kinds=(), due_date=timezone.localdate())


def archive_candidate(w, coach, candidate):
    """The coach's feed drops them; the candidate's own feed keeps its rows."""
    caseload_services.candidate_archive(candidate=candidate, by=coach)


def set_time_zone(w, coach, candidate):
    for user in (coach, candidate.user):
        accounts_services.user_time_zone_set(user=user, time_zone="Asia/Tokyo")


def rename_user(w, coach, candidate):
    for user in (coach, candidate.user):
        user.full_name = "Someone Else"
        user.save()


BOTH = ("coach", "candidate")
#: Each change, the feeds whose ETag it must change, and those whose bytes it
#: changes. A coach's feed names the candidate record; the candidate's own feed
#: does not (its ETag may still move: wider is harmless, narrower is the bug).
CHANGES = [
    (edit_round, BOTH, BOTH),
    (reschedule_round, BOTH, BOTH),
    (cancel_round, BOTH, BOTH),
    (close_opportunity, BOTH, BOTH),
    (rename_opportunity, BOTH, BOTH),
    (rename_candidate, ("coach",), ("coach",)),
    (add_interviewer, BOTH, BOTH),
    (edit_interviewer, BOTH, BOTH),
    (remove_interviewer, BOTH, BOTH),
    (add_round, BOTH, BOTH),
    (add_undated_round_of_the_same_kind, BOTH, BOTH),
    (delete_round, BOTH, BOTH),
    (move_due_date, BOTH, BOTH),
    (withdraw_checklist, BOTH, BOTH),
    (add_checklist, BOTH, BOTH),
    (archive_candidate, ("coach",), ("coach",)),
    # The feed is written in UTC: the same bytes, yet a new version (a feed
    # that one day names its zone cannot be forgotten).
    (set_time_zone, BOTH, ()),
    (rename_user, BOTH, BOTH),
]


@pytest.mark.parametrize(
    ("change", "etag_changes", "body_changes"), CHANGES, ids=[c[0].__name__ for c in CHANGES]
)
def test_each_change_the_feed_shows_changes_the_etag_of_its_owners_only(
    change,
    etag_changes,
    body_changes,
    client,
    coach,
    candidate,
    other_coach,
    other_candidate,
    world,
):
    users = {
        "coach": coach,
        "candidate": candidate.user,
        "other coach": other_coach,
        "other candidate": other_candidate.user,
    }
    before = {name: etag(client, user) for name, user in users.items()}
    bodies = {name: client.get(feed_url(user)).content for name, user in users.items()}

    with time_machine.travel(_later(), tick=True):
        change(world, coach, candidate)
        after = {name: etag(client, user) for name, user in users.items()}
        changed = {name for name in users if after[name] != before[name]}
        assert set(etag_changes) <= changed <= set(BOTH)
        for name, user in users.items():
            body = client.get(feed_url(user)).content
            # What is served is the feed as freshly built, whatever was cached.
            assert body == calendar.feed_for(user, now=timezone.now()), name
            assert (body != bodies[name]) == (name in body_changes), name


def test_a_rotated_token_gives_a_new_etag_and_the_old_address_is_gone(client, candidate, world):
    user = candidate.user
    old_url, old_tag = feed_url(user), etag(client, user)

    accounts_services.calendar_token_replace(user=user)

    assert client.get(old_url, headers={"if-none-match": old_tag}).status_code == 404
    assert etag(client, user) != old_tag
    assert client.get(feed_url(user), headers={"if-none-match": old_tag}).status_code == 200


def test_a_round_leaving_the_window_with_time_changes_the_etag(client, candidate, world):
    world["assignment"].delete()
    leaves = world["round"].scheduled_at + calendar.PAST_WINDOW
    uid = f"round-{world['round'].pk}@".encode()
    with time_machine.travel(leaves - datetime.timedelta(minutes=1)):
        response = client.get(feed_url(candidate.user))
        assert uid in response.content
    with time_machine.travel(leaves + datetime.timedelta(minutes=1)):
        assert (
            client.get(
                feed_url(candidate.user), headers={"if-none-match": response["ETag"]}
            ).status_code
            == 200
        )
        assert uid not in client.get(feed_url(candidate.user)).content


def test_a_checklist_leaving_the_window_with_time_changes_the_etag(client, candidate, world):
    world["round"].delete()
    leaves = datetime.datetime.combine(
        world["assignment"].due_date + calendar.PAST_WINDOW + datetime.timedelta(days=1),
        datetime.time(0, 1),
        tzinfo=datetime.UTC,
    )
    uid = f"checklist-{world['assignment'].pk}@".encode()
    with time_machine.travel(leaves - datetime.timedelta(days=1)):
        response = client.get(feed_url(candidate.user))
        assert uid in response.content
    with time_machine.travel(leaves):
        assert (
            client.get(
                feed_url(candidate.user), headers={"if-none-match": response["ETag"]}
            ).status_code
            == 200
        )
        assert uid not in client.get(feed_url(candidate.user)).content


def test_a_reassigned_candidate_moves_between_the_coaches_feeds(
    client, coach, other_coach, candidate, world
):
    mine, theirs = etag(client, coach), etag(client, other_coach)
    own = client.get(feed_url(candidate.user)).content

    with time_machine.travel(_later(), tick=True):
        # As services.practices.candidate_reassign writes it.
        Candidate.objects.filter(pk=candidate.pk).update(
            coach=other_coach, updated_at=timezone.now()
        )

        assert etag(client, coach) != mine
        assert etag(client, other_coach) != theirs
        # The candidate's own feed: the same rows, the same text (its ETag
        # moves with the record's updated_at: wider than needed, harmless).
        assert client.get(feed_url(candidate.user)).content == own


# ---------------------------------------------------------------- the cache


def test_the_feed_is_built_once_per_version(client, candidate, world, monkeypatch):
    built = []
    feed_for = calendar.feed_for

    def counting(user, *, now):
        built.append(user.pk)
        return feed_for(user, now=now)

    monkeypatch.setattr(calendar, "feed_for", counting)
    first = client.get(feed_url(candidate.user)).content
    second = client.get(feed_url(candidate.user)).content
    assert built == [candidate.user.pk]
    assert first == second

    with time_machine.travel(_later(), tick=True):
        move_due_date(world, candidate.coach, candidate)
        third = client.get(feed_url(candidate.user)).content
    assert built == [candidate.user.pk, candidate.user.pk]
    assert third != first


def test_a_cached_feed_is_the_same_bytes_as_a_fresh_one(client, coach, candidate, world):
    built = client.get(feed_url(coach)).content
    cached = client.get(feed_url(coach)).content
    assert cached == built == calendar.feed_for(coach, now=timezone.now())


def test_the_cache_key_is_per_user_and_version(coach, candidate, world):
    now = timezone.now()
    mine = calendar.feed_version(coach, now=now)
    theirs = calendar.feed_version(candidate.user, now=now)
    assert mine.cache_key.startswith(f"calendar-feed:{coach.pk}:")
    assert theirs.cache_key.startswith(f"calendar-feed:{candidate.user.pk}:")
    assert mine.cache_key != theirs.cache_key
    # No secret in the key: the token is hashed into it, never written.
    assert coach.calendar_token not in mine.cache_key


# ---------------------------------------------------------------- queries


def _rounds(candidate, count: int) -> None:
    opportunity = OpportunityFactory(candidate=candidate)
    for n in range(count):
        round_ = InterviewRoundFactory(
            opportunity=opportunity, sequence=n + 1, scheduled_at=soon(days=n + 1)
        )
        InterviewerFactory.create_batch(2, round=round_)
        make_assignment(candidate, kinds=(), round=round_, due_date=timezone.localdate())


@pytest.mark.parametrize("size", [3, 30])
def test_a_poll_costs_the_token_lookup_and_one_query_at_any_size(
    client, coach, candidate, size, django_assert_num_queries
):
    _rounds(candidate, size)
    for user in (coach, candidate.user):
        # Built: the token, the version, the rounds, their interviewers, the checklists.
        with django_assert_num_queries(5):
            first = client.get(feed_url(user))
        assert first.content.count(b"BEGIN:VEVENT") == 2 * size
        # Cached 200: the token and the version.
        with django_assert_num_queries(2):
            cached = client.get(feed_url(user))
        assert cached.content == first.content
        # 304: the token and the version.
        with django_assert_num_queries(2):
            response = client.get(feed_url(user), headers={"if-none-match": first["ETag"]})
        assert response.status_code == 304


def test_the_compiled_version_query_reads_what_the_orm_reads(coach, candidate, other_coach, world):
    """The version's statement is prepared once per role with stand-ins and
    run with each user's values (selectors/calendar.py says why): for every
    user it must read what the ORM's own query reads."""
    now = timezone.now()
    for user in (coach, candidate.user, other_coach):
        orm = calendar._version_query(
            user,
            rounds_from=now - calendar.PAST_WINDOW,
            checklists_from=(now - calendar.PAST_WINDOW).date(),
        )
        assert calendar._version_rows(user, now=now) == sorted(tuple(row.values()) for row in orm)
