"""Two saves of the same item at the same moment: one wins, the other gets the
conflict. The row lock in services.checklists.assignment_save is what makes the version
check hold under real concurrency, so this runs two threads on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from interviews import services
from interviews.models import AnswerRevision
from interviews.services import checklists as checklists_services

from ..factories import make_assignment


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_item_never_both_win(candidate, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (run with DATABASE_URL=postgres://…)")
    assignment = make_assignment(candidate, kinds=("text",))
    item = assignment.items.get()
    a_is_writing, release_a = threading.Event(), threading.Event()
    real_bulk_create = AnswerRevision.objects.bulk_create

    def bulk_create_pausing_in_a(objs, *args, **kwargs):
        # Thread A has written the item and holds its locks; keep the transaction open.
        if threading.current_thread().name == "A":
            a_is_writing.set()
            release_a.wait(10)
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(AnswerRevision.objects, "bulk_create", bulk_create_pausing_in_a)
    outcome = {}

    def save(text):
        try:
            checklists_services.assignment_save(
                assignment=assignment,
                by=candidate.user,
                responses={item.pk: (1, {"response_text": text})},
            )
            outcome[text] = "saved"
        except services.EditConflict:
            outcome[text] = "conflict"
        except Exception as exc:  # reported by the assertion below
            outcome[text] = repr(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=save, args=("from A",), name="A")
    second = threading.Thread(target=save, args=("from B",), name="B")
    first.start()
    assert a_is_writing.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive(), "B must wait for A's lock, not read the old version"
    release_a.set()
    first.join(10)
    second.join(10)

    assert outcome == {"from A": "saved", "from B": "conflict"}
    item.refresh_from_db()
    assert (item.response_text, item.version) == ("from A", 2)
    assert AnswerRevision.objects.filter(item=item).count() == 1
