"""Seeding for the scale check (scripts/scale_check.sh): the benchmark's bulk
practice (scripts/bench_seed.py) at a small size, with everyone's time zone set
where it is now daytime, so the reminder sweep has work whatever the hour the
check runs (no reminder goes out in a recipient's quiet hours, 21:00 to 08:00).

    python scripts/scale_seed.py --coaches 6 --candidates 50 --world world.json

Writes the logins and the ids each simulated user visits (scripts/locustfile.py
reads them) and prints how many reminders are due now. Runs with the app's
environment (DATABASE_URL and the rest).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import zoneinfo
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# Zones a few hours apart: one of them is always well inside 08:00-21:00.
_ZONES = [
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
]


def daytime_zone(now: datetime.datetime) -> str:
    """The zone whose local time is nearest 13:00 (far from both quiet-hour edges)."""

    def distance(zone: str) -> float:
        local = now.astimezone(zoneinfo.ZoneInfo(zone))
        return abs(local.hour + local.minute / 60 - 13)

    return min(_ZONES, key=distance)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--coaches", type=int, default=6)
    parser.add_argument("--candidates", type=int, default=50, help="per coach")
    parser.add_argument("--world", type=Path, required=True, help="JSON for the locustfile")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachsite.settings")
    import django

    django.setup()
    from django.utils import timezone

    from interviews.models import Assignment, Candidate, InterviewRound, User
    from interviews.services import reminders
    from scripts.bench_seed import PASSWORD, Size, _seed, say

    size = Size(args.coaches, args.candidates)
    say(f"seeding {size.label}")
    _seed(size)
    now = timezone.now()
    zone = daytime_zone(now)
    User.objects.update(time_zone=zone)
    local = now.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M")
    say(f"every user's time zone set to {zone} (it is {local} there): reminders are not held")

    seeded = Candidate.objects.filter(email__endswith="@bench.example")
    coaches = []
    for coach in User.objects.filter(email__endswith="@bench.example", role=User.Role.COACH):
        theirs = seeded.filter(coach=coach)
        coaches.append(
            {
                "email": coach.email,
                "candidates": list(theirs.values_list("pk", flat=True)),
                "rounds": list(
                    InterviewRound.objects.filter(opportunity__candidate__in=theirs).values_list(
                        "pk", flat=True
                    )
                ),
                "assignments": list(
                    Assignment.objects.filter(candidate__in=theirs).values_list("pk", flat=True)
                ),
            }
        )
    candidates = []
    for candidate in seeded.filter(user__isnull=False).select_related("user"):
        assignment = Assignment.objects.filter(candidate=candidate).first()
        candidates.append(
            {
                "email": candidate.user.email,
                "assignment": assignment.pk,
                "round": assignment.round_id,
                "editable": assignment.status in Assignment.EDITABLE,
            }
        )
    world = {"password": PASSWORD, "coaches": coaches, "candidates": candidates}
    args.world.write_text(json.dumps(world))
    due = reminders.due(now)
    say(
        f"{len(coaches)} coaches and {len(candidates)} candidates can log in; "
        f"{len(due)} reminders due now"
    )


if __name__ == "__main__":
    main()
