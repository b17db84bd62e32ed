"""Where a page's time goes: each benchmark page, profiled in-process.

    .venv/bin/python scripts/profile_pages.py [--size large] [--requests 200] [--top 25]

Runs against the database `make benchmark` keeps (BENCH_ARGS=--keep; the
size's coachsite_bench_<size> on BENCH_DATABASE_URL / DATABASE_URL's server),
with the benchmark's production-like settings (debug off). For each page it
prints the mean time per request through the full middleware stack (test
client), the share spent waiting on SQL, and cProfile's top functions by own
time and by cumulative time, so the remaining cost can be named.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts.loadtest import (  # noqa: E402
    DEFAULT_SERVER,
    _bench_env,
    _with_database,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--pages", default="", help="comma-separated page names (default all)")
    args = parser.parse_args()
    server = (
        os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    )
    os.environ.update(_bench_env(_with_database(server, f"coachsite_bench_{args.size}")))
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    from scripts.bench_seed import SIZES, seed_or_reuse
    from scripts.loadtest import _client, _pages

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    world, _ = seed_or_reuse(args.size, SIZES[args.size])
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}
    for page in _pages(world):
        if page.who == "bare" or (wanted and page.name not in wanted):
            continue
        client = _client(world, page.who)
        for _ in range(5):
            status = client.get(page.path).status_code
            if status != 200:
                raise SystemExit(f"{page.name} {page.path} answered {status}, not 200.")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            for _ in range(args.requests):
                client.get(page.path)
            wall = (time.perf_counter() - start) / args.requests * 1000
        sql = sum(float(q["time"]) for q in queries.captured_queries) / args.requests * 1000
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(page.path)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        stats.sort_stats("cumulative").print_stats(args.top)
        n = len(queries.captured_queries) // args.requests
        print(
            f"\n## {page.name} {page.path}: {wall:.1f} ms per request, {n} queries, "
            f"SQL {sql:.1f} ms ({sql / wall:.0%})"
        )
        print(out.getvalue())


if __name__ == "__main__":
    main()
