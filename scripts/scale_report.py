"""The scale check's verdict (scripts/scale_check.sh): waits for the queue to
drain, then sets what the simulated users saw beside what the database and the
mail folder hold.

    python scripts/scale_report.py --work DIR --drain-seconds 120

DIR holds the locust statistics (locust_stats.csv), the failed requests with
their times (failures.csv, from scripts/locustfile.py), the moments of the
kills (events.log: "<epoch seconds> <what>") and the emails the workers sent
(mail/, Django's file backend). Runs with the app's environment.

Exits 1 when an email is lost (marked sent, never written) or stuck (neither
sent nor failed once the queue had time to drain), when a reminder was made
twice for one occasion, or when no reminder sweep is left scheduled (each sweep
schedules the next: none means reminders have stopped); duplicated emails are
printed, not counted as a failure (an email sent twice is the price of never
losing one).
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import os
import sys
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

# Django's file backend ends every message with this line.
_SEPARATOR = b"\n" + b"-" * 79 + b"\n"
# A failure this long after a kill or restart is counted as caused by it.
_AFTER = 15.0


def _pending() -> tuple[int, int]:
    from django_tasks_db.models import DBTaskResult

    from interviews.models import OutgoingEmail

    emails = OutgoingEmail.objects.filter(sent_at__isnull=True, failed_at__isnull=True).count()
    # Due and not started (the sweep chain's next run, later on, is not counted).
    return emails, DBTaskResult.objects.ready().count()


def _next_sweeps() -> int:
    """Sweeps waiting to run: each sweep schedules the next, so none means none
    will ever run again. A sweep running right now schedules its successor as it
    ends: look again for a few seconds before concluding."""
    from django_tasks_db.models import DBTaskResult

    for _ in range(10):
        waiting = DBTaskResult.objects.filter(
            task_path="interviews.tasks.sweep_reminders", status="READY"
        ).count()
        if waiting:
            return waiting
        time.sleep(1)
    return 0


def drain(seconds: int) -> float:
    start = time.monotonic()
    while True:
        emails, tasks = _pending()
        waited = time.monotonic() - start
        if (emails == 0 and tasks == 0) or waited >= seconds:
            print(
                f"==> Queue after {waited:.0f} s (bound {seconds} s): {emails} emails "
                f"not sent, {tasks} tasks due and not started"
            )
            return waited
        time.sleep(2)


def sent_messages(folder: Path) -> Counter:
    """(recipient, subject) of every message the file backend wrote."""
    sent: Counter = Counter()
    for path in sorted(folder.glob("*")):
        for chunk in path.read_bytes().split(_SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            sent[(str(message["To"]).strip().lower(), str(message["Subject"]).strip())] += 1
    return sent


def http_part(work: Path) -> list[str]:
    lines = []
    stats = work / "locust_stats.csv"
    if not stats.exists():
        return ["HTTP: no locust statistics (did locust run?)"]
    rows = list(csv.DictReader(stats.open()))
    total = next((r for r in rows if r["Name"] == "Aggregated"), None)
    if total:
        lines.append(
            f"HTTP: {total['Request Count']} requests, {total['Failure Count']} failed; "
            f"p50 {total['50%']} ms, p99 {total['99%']} ms, {float(total['Requests/s']):.1f} req/s"
        )
    for row in rows:
        if row["Name"] != "Aggregated":
            lines.append(
                f"  {row['Name']:<22} {row['Request Count']:>6} req {row['Failure Count']:>4} "
                f"failed  p50 {row['50%']:>5} ms  p99 {row['99%']:>6} ms"
            )
    events = []
    log = work / "events.log"
    if log.exists():
        for line in log.read_text().splitlines():
            at, _, what = line.partition(" ")
            events.append((float(at), what))
    events.sort()
    failures = []
    failed = work / "failures.csv"
    if failed.exists():
        failures = [row for row in csv.reader(failed.open()) if row]
    lines.append("Events (seconds from the first):")
    origin = events[0][0] if events else 0.0
    for at, what in events:
        lines.append(f"  +{at - origin:6.1f} s  {what}")
    by_cause: Counter = Counter()
    examples: dict[str, str] = {}
    for at_text, method, name, status, error in failures:
        at = float(at_text)
        # Causes are the script's kills and restarts, not the exits they lead to.
        before = [(t, what) for t, what in events if t <= at and " exited " not in what]
        cause = "not within 15 s of a kill or restart"
        if before and at - before[-1][0] <= _AFTER:
            cause = f"within 15 s after: {before[-1][1]}"
        by_cause[cause] += 1
        examples.setdefault(cause, f"{method} {name}: {error or status}")
    exits = [what for _, what in events if " exited " in what and "status 137" not in what]
    lines.append(
        f"Workers that exited by themselves (not killed by the script): {len(exits)}"
        + "".join(f"\n  {what}" for what in exits)
    )
    lines.append(f"Failed requests by cause ({len(failures)}):")
    for cause, n in by_cause.most_common():
        lines.append(f"  {n:>5}  {cause}   e.g. {examples[cause][:150]}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--drain-seconds", type=int, default=120)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coachsite.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from interviews.models import Notification, OutgoingEmail

    drain(args.drain_seconds)
    lines = ["", "==================== scale check ===================="]
    lines += http_part(args.work)

    rows: Counter = Counter()
    marked: Counter = Counter()
    stuck_rows: Counter = Counter()
    for to, subject, sent_at, failed_at in OutgoingEmail.objects.values_list(
        "to", "subject", "sent_at", "failed_at"
    ):
        key = (to.strip().lower(), subject.strip())
        rows[key] += 1
        if sent_at:
            marked[key] += 1
        elif not failed_at:
            stuck_rows[key] += 1
    written = sent_messages(Path(os.environ["EMAIL_FILE_PATH"]))
    keys = set(rows) | set(written)
    duplicated = sum(max(0, written[k] - rows[k]) for k in keys)
    lost = sum(max(0, marked[k] - written[k]) for k in keys)
    stuck = sum(stuck_rows.values())
    # Stuck rows whose email did go out: the send happened, its record did not.
    unrecorded = sum(min(stuck_rows[k], max(0, written[k] - marked[k])) for k in keys)
    failed = OutgoingEmail.objects.failed().count()
    lines += [
        f"Emails: {sum(rows.values())} queued, {sum(marked.values())} marked sent, "
        f"{sum(written.values())} written by the mail backend, {failed} failed",
        f"  duplicated (written more often than queued): {duplicated}",
        f"  lost (marked sent, never written): {lost}",
        f"  stuck (neither sent nor failed after the drain): {stuck}"
        + (f", of which {unrecorded} went out but were not recorded" if unrecorded else ""),
    ]
    statuses = Counter(DBTaskResult.objects.values_list("status", flat=True))
    running = DBTaskResult.objects.filter(status="RUNNING").values_list("task_path", flat=True)
    lines.append(
        "Task results: "
        + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
        + (f"; still RUNNING: {dict(Counter(running))}" if running else "")
    )
    chain = _next_sweeps()
    lines.append(
        f"Reminder sweep chain: {chain} next sweep(s) scheduled"
        + ("" if chain else " (none: the sweeps have stopped, no reminder will be made again)")
    )
    reminder_kinds = [
        Notification.Kind.DUE_SOON,
        Notification.Kind.DUE_TODAY,
        Notification.Kind.OVERDUE,
        Notification.Kind.INTERVIEW_TOMORROW,
        Notification.Kind.INTERVIEW_TODAY,
        Notification.Kind.THANK_YOU_WAITING,
        Notification.Kind.FOLLOW_UP_WAITING,
        Notification.Kind.REVIEW_WAITING,
        Notification.Kind.PREP_NOT_READY,
        Notification.Kind.DIGEST,
    ]
    reminders = Notification.objects.filter(kind__in=reminder_kinds)
    doubled = (
        Notification.objects.values("user", "kind", "object_key", "occasion")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    from django.utils import timezone

    from interviews.services.reminders import due

    lines.append(
        f"Reminders: {reminders.count()} made, "
        f"{reminders.filter(emailed_at__isnull=False).count()} handed to the email queue, "
        f"{len(due(timezone.now()))} due now and not made; "
        f"made more than once for one occasion: {doubled}"
    )
    problems = []
    if lost:
        problems.append(f"{lost} emails lost")
    if stuck:
        problems.append(f"{stuck} emails stuck")
    if doubled:
        problems.append(f"{doubled} reminders doubled")
    if not chain:
        problems.append("the reminder sweep chain is broken")
    lines.append("RESULT: " + ("FAIL: " + "; ".join(problems) if problems else "PASS"))
    if duplicated:
        lines.append(f"(warning: {duplicated} emails went out more than once)")
    print("\n".join(lines))
    (args.work / "report.txt").write_text("\n".join(lines) + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
