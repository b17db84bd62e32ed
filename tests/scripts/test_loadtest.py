"""The load test's own arithmetic (scripts/loadtest.py, scripts/cpu_meter.py):
reading /proc/<pid>/stat, charging CPU time to requests, and the calendar
feed's re-poll. Nothing here is timed."""

from email.message import Message

import pytest

from scripts import cpu_meter, loadtest
from scripts.cpu_meter import ProcStat


def stat_line(pid, comm, ppid, utime, stime, started):
    # Fields 3..22 of proc(5): state, ppid, 7 others, utime (14), stime (15), 6 others, starttime.
    rest = ["S", ppid, *[0] * 9, utime, stime, *[0] * 6, started, 4096, 100]
    return f"{pid} ({comm}) " + " ".join(str(value) for value in rest) + "\n"


def test_a_stat_line_gives_cpu_ticks_parent_and_start():
    stat = cpu_meter.parse_proc_stat(stat_line(4242, "gunicorn", 17, 120, 30, 98765))
    assert stat == ProcStat(pid=4242, comm="gunicorn", ppid=17, ticks=150, started=98765)


def test_a_command_name_with_spaces_and_parentheses_is_read_whole():
    line = stat_line(99, "postgres: 15/main: postgres db (x) idle", 2203, 7, 3, 500)
    stat = cpu_meter.parse_proc_stat(line)
    assert (stat.comm, stat.ppid, stat.ticks, stat.started) == (
        "postgres: 15/main: postgres db (x) idle",
        2203,
        10,
        500,
    )


def test_a_line_that_is_not_a_stat_line_is_refused():
    with pytest.raises(ValueError):
        cpu_meter.parse_proc_stat("hello world")


def test_the_tree_under_a_process_is_its_children_and_theirs():
    stats = [
        ProcStat(10, "master", 1, 0, 0),
        ProcStat(11, "worker", 10, 0, 0),
        ProcStat(12, "worker", 10, 0, 0),
        ProcStat(13, "helper", 12, 0, 0),
        ProcStat(20, "other", 1, 0, 0),
    ]
    assert cpu_meter.descendants(10, stats) == {10, 11, 12, 13}


def test_a_process_started_during_the_run_counts_from_zero():
    since = 1000
    assert cpu_meter.baseline(ProcStat(1, "old", 0, ticks=50, started=900), since) == 50
    assert cpu_meter.baseline(ProcStat(2, "new", 0, ticks=30, started=1500), since) == 0


def test_the_meter_adds_what_each_process_used_between_its_samples(monkeypatch):
    """An old process (its use before the run left out), one that starts
    during the run (counted from zero), one whose pid is reused by another
    process (two processes), and one that cannot be read."""
    samples = iter(
        [
            {1: ProcStat(1, "old", 0, 50, 900), 3: None},
            {1: ProcStat(1, "old", 0, 70, 900), 2: ProcStat(2, "new", 0, 30, 1500)},
            {
                1: ProcStat(1, "old", 0, 80, 900),
                2: ProcStat(2, "new", 0, 40, 1500),
                4: ProcStat(4, "first", 0, 5, 1100),
            },
            {4: ProcStat(4, "reused", 0, 2, 1600)},
        ]
    )
    current = {}

    def find():
        current.clear()
        current.update(next(samples))
        return list(current)

    monkeypatch.setattr(cpu_meter, "read_stat", lambda pid: current[pid])
    meter = cpu_meter.CpuMeter(find)
    meter.since = 1000
    for _ in range(4):
        meter._sample()
    # old: 80 - 50; new: 40 - 0; pid 4 first: 5 - 0; pid 4 reused: 2 - 0
    assert cpu_meter.ticks_used(meter.first, meter.last) == 30 + 40 + 5 + 2
    assert meter.seconds == pytest.approx(77 / cpu_meter.CLOCK_TICKS)
    assert meter.readable


def test_processes_that_cannot_be_read_are_reported_as_such(monkeypatch):
    monkeypatch.setattr(cpu_meter, "read_stat", lambda pid: None)
    meter = cpu_meter.CpuMeter(lambda: [123])
    meter.since = 0
    meter._sample()
    assert not meter.readable
    assert cpu_meter.CpuMeter(list).readable  # nothing to read is not a failure


def test_cpu_per_request_adds_app_postgresql_and_wrk():
    cells = loadtest.cpu_per_request(app_s=3.0, pg_s=0.5, wrk_s=0.5, requests=400)
    assert cells["cpu_ms"] == pytest.approx(10.0)
    assert cells["pg_ms"] == pytest.approx(1.25)
    assert cells["wrk_ms"] == pytest.approx(1.25)
    unread = loadtest.cpu_per_request(app_s=3.0, pg_s=None, wrk_s=1.0, requests=400)
    assert (unread["cpu_ms"], unread["pg_ms"]) == (pytest.approx(10.0), None)
    assert loadtest.cpu_per_request(1.0, 1.0, 1.0, requests=0)["cpu_ms"] == 0.0


WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/coach/
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    41.12ms   10.25ms 120.01ms   80.00%
  Latency Distribution
     50%   39.80ms
     75%   44.00ms
     90%   52.00ms
     99%    1.20s
  1215 requests in 5.01s, 40.12MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    242.51
Transfer/sec:      8.01MB
"""


def test_wrk_output_gives_rates_latencies_and_the_requests_done():
    result = loadtest.parse_wrk(WRK_OUTPUT)
    assert result["rps"] == 242.51
    assert (result["p50"], result["p99"]) == (pytest.approx(39.8), pytest.approx(1200.0))
    assert result["requests"] == 1215
    assert result["non_2xx"] == 3


def test_unreadable_wrk_output_stops_the_run():
    with pytest.raises(loadtest.BenchError):
        loadtest.parse_wrk(WRK_OUTPUT.replace("1215 requests in", "many requests in"))


def headers(**values):
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


def test_the_re_poll_sends_the_etag_of_the_first_answer():
    first = headers(Content_Type="text/calendar", ETag='W/"feed-42"')
    assert loadtest.conditional_headers(first) == {"If-None-Match": 'W/"feed-42"'}


def test_a_feed_without_an_etag_gets_a_row_that_says_so_not_an_error():
    assert loadtest.conditional_headers(headers(Content_Type="text/calendar")) is None
    page = loadtest.Page(loadtest.REPOLL, "/calendar/x.ics", "anonymous", conditional=True)
    row = loadtest.table_row(page, {"skipped": loadtest.NO_ETAG}, None, floor_ms=5.0)
    assert row.startswith(f"| {loadtest.REPOLL} | — | no ETag (feed not conditional) |")


def result(cpu_ms):
    timings = {"rps": 100.0, "p50": 10.0, "p99": 20.0, "requests": 500}
    errors = {"non_2xx": 0, "timeouts": 0, "connect_errors": 0}
    return {**timings, "cpu_ms": cpu_ms, "pg_ms": 1.0, **errors}


def test_signed_in_pages_are_held_to_20_ms_and_the_re_poll_to_the_floor():
    page = loadtest.Page("coach dashboard", "/coach/", "coach")
    assert loadtest.target_cell(page, result(19.9), floor_ms=6.0).endswith("✓")
    assert loadtest.target_cell(page, result(20.1), floor_ms=6.0).endswith("✗")
    repoll = loadtest.Page(loadtest.REPOLL, "/calendar/x.ics", "anonymous", conditional=True)
    assert loadtest.target_cell(repoll, result(8.9), floor_ms=6.0).endswith("✓")
    assert loadtest.target_cell(repoll, result(9.1), floor_ms=6.0).endswith("✗")
    bare = loadtest.Page("bare view", "/", "bare", target=False)
    assert loadtest.target_cell(bare, result(0.5), floor_ms=6.0) == "—"
    row = loadtest.table_row(page, result(19.9), 8, floor_ms=6.0)
    assert row == "| coach dashboard | 8 | 100.0 | 10.0 | 20.0 | 19.9 | 1.0 | ≤ 20 ms ✓ |"


def test_only_keeps_the_yardsticks_and_the_pages_asked_for():
    world = {
        **dict.fromkeys(("round", "fill_assignment", "candidate", "review_assignment"), 1),
        "feed_token": "t",
        "practice_coaches": 5,
        "feed_events": 300,
    }
    pages = loadtest.select_pages(loadtest._pages(world), "calendar feed")
    assert [page.name for page in pages] == [
        "bare view",
        loadtest.FLOOR,
        "calendar feed (coach, 300 events)",
        loadtest.REPOLL,
    ]
    assert len(loadtest.select_pages(loadtest._pages(world), "")) == len(loadtest._pages(world))


def test_the_pdf_line_compares_the_first_build_with_the_next_ones():
    def probe(first, rest, preload=None):
        return {
            "preload_ms": preload,
            "loaded": preload is not None,
            "builds_ms": [first + 5, *(r + 5 for r in rest)],
            "builds_cpu_ms": [first, *rest],
            "rss_start_mib": 60.0,
            "rss_mib": 105.0,
        }

    line = loadtest.pdf_line(
        {
            "cold": [probe(500, [70, 72]), probe(520, [70, 70]), probe(900, [71, 75])],
            "preload": [
                probe(90, [70, 70], 400),
                probe(80, [69, 71], 420),
                probe(85, [70] * 2, 410),
            ],
        }
    )
    assert "without the preload: first build 520 ms CPU (525 ms wall), the next ones 71" in line
    assert "after the preload: first build 85 ms CPU (90 ms wall), the next ones 70" in line
    assert "the preload takes 410 ms at start; RSS +45 MiB" in line
