"""Page speed, query counts and memory at a realistic data size.

    make benchmark                      # SQLite in a temporary file
    DATABASE_URL=postgres://… make benchmark

Builds a throw-away database (the test-database machinery of Django, so
nothing real is touched), fills it with one busy coach — by default 500
candidates with an opportunity, a round and a 13-item checklist each — then
requests the main pages through Django's test client and prints, for each,
the number of SQL queries, the median and 95th-percentile time over a number
of requests, and the peak Python memory of one request. Figures, not
pass/fail: the tests pin the query counts; this shows what they cost.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test.runner import DiscoverRunner
    from django.test.utils import CaptureQueriesContext

    # As in Django's own test cases: keep one connection across requests, so
    # the queries of each request can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        world = _seed(args.candidates)
        from django.test import Client

        coach_client, candidate_client = Client(), Client()
        coach_client.force_login(world["coach"])
        candidate_client.force_login(world["candidate_user"])
        pages = [
            ("coach dashboard", coach_client, "/coach/"),
            ("candidate list", coach_client, "/coach/candidates/"),
            ("candidate search", coach_client, "/coach/candidates/?q=candidate+4"),
            ("candidate detail", coach_client, f"/coach/candidates/{world['candidate'].pk}/"),
            ("question bank", coach_client, "/coach/questions/"),
            ("template editor", coach_client, f"/coach/templates/{world['template'].pk}/edit/"),
            ("review page", coach_client, f"/coach/assignments/{world['assignment'].pk}/"),
            ("candidate home", candidate_client, "/me/"),
            ("checklist fill", candidate_client, f"/me/checklists/{world['assignment'].pk}/"),
        ]
        print(
            f"Database: {connection.vendor}; {args.candidates} candidates, "
            f"{world['assignments']} checklists, {world['items']} checklist items; "
            f"{args.requests} requests per page.\n"
        )
        print(
            f"{'page':<18} {'status':>6} {'queries':>7} {'median ms':>10} "
            f"{'p95 ms':>8} {'peak KiB':>9}"
        )
        for name, client, url in pages:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            query_count = len(queries)  # read now: later requests reset the log
            timings = []
            for _ in range(args.requests):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            tracemalloc.start()
            client.get(url)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            timings.sort()
            p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
            print(
                f"{name:<18} {response.status_code:>6} {query_count:>7} "
                f"{statistics.median(timings):>10.1f} {p95:>8.1f} {peak / 1024:>9.0f}"
            )
    finally:
        runner.teardown_databases(old_config)


def _seed(count: int) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from interviews.models import ChecklistTemplate, Opportunity, User
    from interviews.services import checklists as checklists_services
    from interviews.services import library as library_services
    from interviews.services import rounds as rounds_services
    from tests.factories import CandidateFactory, CoachFactory, UserFactory

    now = timezone.now()
    with transaction.atomic():
        coach = CoachFactory(email="bench-coach@example.com")
        template = library_services.template_copy(
            template=ChecklistTemplate.objects.get(builtin_key="second-round-prep"), by=coach
        )
        first = None
        for n in range(count):
            user = UserFactory(email=f"bench{n}@example.com", role=User.Role.CANDIDATE)
            candidate = CandidateFactory(
                coach=coach, email=user.email, full_name=f"Candidate {n}", user=user
            )
            opportunity = Opportunity.objects.create(
                candidate=candidate, company=f"Company {n}", position="Analyst"
            )
            round_ = rounds_services.round_create(
                opportunity=opportunity,
                by=coach,
                kind="second",
                scheduled_at=now + datetime.timedelta(hours=6 + n % 200),
            )
            assignment = checklists_services.assignment_create(
                coach=coach, candidate=candidate, template=template, round=round_
            )
            items = list(assignment.items.all())
            checklists_services.assignment_save(
                assignment=assignment,
                by=user,
                responses={
                    item.pk: (item.version, {"response_text": f"Answer {n}", "done": True})
                    for item in items[: n % len(items)]
                },
            )
            if n % 3 == 0 and all(i.is_complete for i in assignment.items.all() if i.required):
                checklists_services.assignment_submit(assignment=assignment, by=user)
            first = first or (candidate, assignment, user)
    from interviews.models import Assignment, AssignmentItem

    return {
        "coach": coach,
        "template": template,
        "candidate": first[0],
        "assignment": first[1],
        "candidate_user": first[2],
        "assignments": Assignment.objects.count(),
        "items": AssignmentItem.objects.count(),
    }


if __name__ == "__main__":
    main()
