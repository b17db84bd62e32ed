"""interviews/lib/bulk.py: one statement that stores what bulk_update would."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interviews.lib.bulk import rows_update
from interviews.models import AssignmentItem

from ..factories import make_assignment

FIELDS = [*AssignmentItem.RESPONSE_FIELDS, "version", "updated_at"]


@pytest.mark.django_db
def test_it_stores_every_field_of_every_row_in_one_statement(candidate):
    assignment = make_assignment(candidate, kinds=("text", "check", "email"))
    untouched = make_assignment(candidate, kinds=("text",)).items.get()
    items = list(assignment.items.order_by("position"))
    when = timezone.now() - datetime.timedelta(days=3)
    for n, item in enumerate(items):
        item.response_text = f'Answer {n}: it\'s "quoted"; -- not SQL\nsecond line'
        item.done = n % 2 == 0
        item.email_to = f"person{n}@example.com"
        item.email_subject = "" if n else "Thank you"
        item.email_body = "Ünïcode ✓" * (n + 1)
        item.version = 7 + n
        item.updated_at = when
    with CaptureQueriesContext(connection) as queries:
        rows_update(items, FIELDS)
    assert len(queries) == 1
    for n, item in enumerate(items):
        stored = AssignmentItem.objects.get(pk=item.pk)
        assert stored.response() == item.response()
        assert (stored.version, stored.updated_at) == (7 + n, when)
    untouched_now = AssignmentItem.objects.get(pk=untouched.pk)
    assert (untouched_now.response_text, untouched_now.version) == ("", untouched.version)


@pytest.mark.django_db
def test_nothing_to_store_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        rows_update([], FIELDS)
