"""The unread-notice count kept on the user row (``User.unread_notices``): every
way a notice is made, read or deleted keeps it equal to the real count, and
the navigation reads it with no query."""

import random
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from interviews.models import Notification, NotificationKind, User
from interviews.services import checklists as checklists_services
from interviews.services import notifications as notifications_services
from interviews.services import privacy as privacy_services
from interviews.services.notifications import Notice

from ..factories import make_assignment

Kind = NotificationKind


def real(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def kept(user) -> int:
    return User.objects.values_list("unread_notices", flat=True).get(pk=user.pk)


def assert_exact(*users) -> None:
    for user in users:
        assert kept(user) == real(user), user


@pytest.fixture
def notice_context(candidate):
    """What the submission email template needs."""
    return {"assignment": make_assignment(candidate), "candidate": candidate}


def _notify(user, key, context, *, email=False):
    return notifications_services.notify(
        user=user,
        kind=Kind.ASSIGNMENT_SUBMITTED,
        object_key=f"test:{key}",
        occasion="1",
        template="assignment_submitted",
        context=context,
        url="/notifications/",
        email=email,
    )


# ---------------------------------------------------------------- each path


def test_a_notice_made_counts_once_and_a_repeat_not_at_all(coach, notice_context):
    assert kept(coach) == 0
    assert _notify(coach, "a", notice_context, email=True) is not None
    assert kept(coach) == 1
    assert _notify(coach, "a", notice_context) is None  # the same occasion: not made
    assert kept(coach) == 1
    assert_exact(coach)


def test_notices_made_together_count_each(coach, notice_context):
    notices = [
        Notice(
            Kind.ASSIGNMENT_SUBMITTED, f"test:{n}", "1", "assignment_submitted", notice_context, "/"
        )
        for n in range(3)
    ]
    made = notifications_services.notify_together(user=coach, notices=notices)
    assert len(made) == 3
    # Again with one new among them: only the new one counts.
    notices.append(
        Notice(
            Kind.ASSIGNMENT_SUBMITTED, "test:new", "1", "assignment_submitted", notice_context, "/"
        )
    )
    assert len(notifications_services.notify_together(user=coach, notices=notices)) == 1
    assert kept(coach) == 4
    assert_exact(coach)


def test_the_services_that_notify_count(coach, candidate):
    """A real event: the coach moves a due date, the candidate is told."""
    assignment = make_assignment(candidate)
    before = kept(candidate.user)
    checklists_services.assignment_update(
        assignment=assignment,
        by=coach,
        due_date=timezone.localdate(),
        instructions="New instructions",
    )
    assert kept(candidate.user) == before + 1
    assert_exact(candidate.user, coach)


def test_reading_one_counts_once_even_from_a_stale_copy(coach, notice_context):
    first = _notify(coach, "a", notice_context)
    _notify(coach, "b", notice_context)
    stale = Notification.objects.get(pk=first.pk)

    notifications_services.notification_mark_read(notification=first)
    assert kept(coach) == 1
    # A second tab that loaded it unread: no second decrement.
    notifications_services.notification_mark_read(notification=stale)
    assert stale.read_at is not None
    assert kept(coach) == 1
    assert_exact(coach)


def test_reading_all_counts_to_zero(coach, candidate, notice_context):
    for key in "abc":
        _notify(coach, key, notice_context)
    _notify(candidate.user, "x", notice_context)

    assert notifications_services.notifications_mark_all_read(user=coach) == 3
    assert kept(coach) == 0
    assert kept(candidate.user) == 1
    assert notifications_services.notifications_mark_all_read(user=coach) == 0
    assert_exact(coach, candidate.user)


def test_deleting_takes_off_the_unread_ones_of_each_user(coach, candidate, notice_context):
    read = _notify(coach, "read", notice_context)
    notifications_services.notification_mark_read(notification=read)
    _notify(coach, "unread", notice_context)
    _notify(candidate.user, "unread", notice_context)
    _notify(candidate.user, "kept", notice_context)

    gone = notifications_services.notifications_delete(
        notices=Notification.objects.filter(object_key__in=["test:read", "test:unread"])
    )

    assert gone == 3
    assert kept(coach) == 0
    assert kept(candidate.user) == 1
    assert_exact(coach, candidate.user)


def test_erasing_a_candidate_takes_their_notices_off_the_coachs_count(
    coach, candidate, other_candidate
):
    """The coach's notices about the erased candidate go (privacy), and with
    them their place in the coach's count; another candidate's stay."""
    mine = make_assignment(candidate, kinds=())
    theirs = make_assignment(other_candidate, kinds=())
    for assignment in (mine, theirs):
        checklists_services.assignment_submit(assignment=assignment, by=assignment.candidate.user)
    assert real(coach) >= 1
    other_coach = theirs.candidate.coach
    before_other = kept(other_coach)

    privacy_services.candidate_erase(candidate=candidate, by=coach)

    assert not Notification.objects.filter(object_key=f"assignment:{mine.pk}").exists()
    assert_exact(coach, other_coach)
    assert kept(other_coach) == before_other  # another coach's notices stay


def test_an_account_deleted_takes_its_notices_with_it(candidate, notice_context):
    user = candidate.user
    _notify(user, "a", notice_context)
    privacy_services.delete_user_rows(user)
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Notification.objects.filter(user_id=user.pk).exists()


# ---------------------------------------------------------------- the pages


def test_opening_and_reading_all_through_the_pages_keep_it(coach, coach_client, notice_context):
    first = _notify(coach, "a", notice_context)
    _notify(coach, "b", notice_context)
    _notify(coach, "c", notice_context)

    coach_client.post(reverse("notification_open", args=[first.pk]))
    coach_client.post(reverse("notification_open", args=[first.pk]))  # twice: once counted
    assert kept(coach) == 2
    html = coach_client.get(reverse("notifications")).content.decode()
    assert "2 unread" in html
    coach_client.post(reverse("notifications_read_all"))
    assert kept(coach) == 0
    assert_exact(coach)


@pytest.fixture
def floor_urls(settings):
    settings.ROOT_URLCONF = "scripts.bare_urls"


def test_the_floor_is_the_session_and_the_user(
    coach, coach_client, notice_context, floor_urls, django_assert_num_queries
):
    """The signed-in layout around an empty page (the benchmark's floor): the
    session and the user, and no COUNT for the badge (it was three queries)."""
    _notify(coach, "a", notice_context)
    with django_assert_num_queries(2):
        response = coach_client.get("/layout/")
    assert response.status_code == 200
    assert '<span class="badge rounded-pill text-bg-danger">1<span' in response.content.decode()


# ---------------------------------------------------------------- random operations


def test_after_random_operations_every_count_is_exact(
    coach, candidate, other_candidate, notice_context
):
    users = [coach, candidate.user, other_candidate.user]
    rng = random.Random(25)
    for step in range(60):
        user = rng.choice(users)
        action = rng.choice(["make", "make", "make", "read", "read all", "delete"])
        mine = Notification.objects.filter(user=user)
        if action == "make":
            _notify(user, f"{rng.randrange(20)}", notice_context)  # repeats are skipped
        elif action == "read" and mine.exists():
            notifications_services.notification_mark_read(notification=rng.choice(list(mine)))
        elif action == "read all":
            notifications_services.notifications_mark_all_read(user=user)
        elif action == "delete" and mine.exists():
            pks = rng.sample(list(mine.values_list("pk", flat=True)), k=1)
            notifications_services.notifications_delete(
                notices=Notification.objects.filter(pk__in=pks)
            )
        assert_exact(*users), step


# ---------------------------------------------------------------- repair


def test_the_recount_command_repairs_drift(coach, candidate, notice_context, capsys):
    _notify(coach, "a", notice_context)
    _notify(candidate.user, "b", notice_context)
    User.objects.filter(pk=coach.pk).update(unread_notices=7)
    User.objects.filter(pk=candidate.user.pk).update(unread_notices=0)

    call_command("recount_unread_notices")

    assert capsys.readouterr().out.strip() == "Unread counts corrected: 2."
    assert_exact(coach, candidate.user)
    call_command("recount_unread_notices")
    assert capsys.readouterr().out.strip() == "Unread counts corrected: 0."


def test_a_drifted_count_never_goes_below_zero(coach, notice_context):
    notice = _notify(coach, "a", notice_context)
    User.objects.filter(pk=coach.pk).update(unread_notices=0)
    notifications_services.notification_mark_read(notification=notice)
    assert kept(coach) == 0


# ---------------------------------------------------------------- at once (PostgreSQL)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_lose_no_count(coach, notice_context):
    """Threads making and reading notices at once on PostgreSQL: F() updates
    and conditional reads leave the count exact."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite runs one writer at a time")
    shared = [_notify(coach, f"shared{n}", notice_context) for n in range(5)]
    barrier = threading.Barrier(6)
    errors = []

    def work(n: int) -> None:
        try:
            barrier.wait()
            for k in range(5):
                _notify(coach, f"t{n}-{k}", notice_context)
            for notice in shared:  # every thread reads the same five: counted once
                notifications_services.notification_mark_read(
                    notification=Notification.objects.get(pk=notice.pk)
                )
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert kept(coach) == real(coach) == 30
