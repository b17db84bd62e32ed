"""Where a page's time goes: each benchmark page, timed in-process by part.

    .venv/bin/python scripts/profile_pages.py [--size large] [--requests 200] [--top 25]

Runs against the database `make benchmark` keeps (BENCH_ARGS=--keep; the
size's coachsite_bench_<size> on BENCH_DATABASE_URL / DATABASE_URL's server),
with the benchmark's production-like settings (debug off). For each page it
prints the mean time per request through the full middleware stack (test
client) split into the database, template rendering and the rest (middleware,
views, the ORM building queries and instances), with --top N also cProfile's
top functions, so the remaining cost can be named. The "signed-in layout"
row is the floor every signed-in page stands on.
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
    parser.add_argument(
        "--top", type=int, default=0, help="also print cProfile's top N functions per page"
    )
    parser.add_argument(
        "--pages", default="", help="comma-separated page names or their beginnings (default all)"
    )
    args = parser.parse_args()
    server = (
        os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    )
    os.environ.update(_bench_env(_with_database(server, f"coachsite_bench_{args.size}")))
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.template.backends.django import Template
    from django.test.utils import override_settings

    from scripts.bench_seed import SIZES, seed_or_reuse
    from scripts.loadtest import _client, _feed_events, _pages, conditional_headers

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    world, _ = seed_or_reuse(args.size, SIZES[args.size])
    world["feed_events"] = _feed_events(world)
    wanted = {p.strip() for p in args.pages.split(",") if p.strip()}

    clock = {"db": 0.0, "db_in_render": 0.0, "render": 0.0, "queries": 0, "depth": 0}

    def timed_query(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            clock["db"] += spent
            clock["queries"] += 1
            if clock["depth"]:
                clock["db_in_render"] += spent

    original_render = Template.render

    def timed_render(self, context=None, request=None):
        clock["depth"] += 1
        started = time.perf_counter()
        try:
            return original_render(self, context, request)
        finally:
            clock["depth"] -= 1
            if not clock["depth"]:
                clock["render"] += time.perf_counter() - started

    Template.render = timed_render
    print(
        f"{args.size}: mean per request over {args.requests} in-process requests (test "
        "client, full middleware, debug off). Database: time in cursor.execute (the "
        "server plus the round trip); templates: rendering, less the queries it ran; "
        "the rest: middleware, views, building queries and model instances.\n"
    )
    print("| page | queries | total ms | database ms | templates ms | the rest ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for page in _pages(world):
        if page.who == "bare" or (wanted and not any(page.name.startswith(w) for w in wanted)):
            continue
        if page.download and not wanted:  # the CSV export: ask for it by name
            continue
        urlconf = "scripts.bare_urls" if page.who.startswith("bare") else "coachsite.urls"
        client = _client(world, page.who)
        headers = {}
        if page.conditional:  # the re-poll: with the ETag of a first GET, if the feed has one
            headers = conditional_headers(client.get(page.path).headers)
            if headers is None:
                print(f"| {page.name} | no ETag (feed not conditional) | | | | |")
                continue
        expected = 304 if page.conditional else 200
        with override_settings(ROOT_URLCONF=urlconf), connection.execute_wrapper(timed_query):
            for _ in range(5):
                status = client.get(page.path, headers=headers).status_code
                if status != expected:
                    raise SystemExit(f"{page.name} {page.path} answered {status}, not {expected}.")
            for key in ("db", "db_in_render", "render", "queries"):
                clock[key] = 0
            start = time.perf_counter()
            for _ in range(args.requests):
                client.get(page.path, headers=headers)
            wall = (time.perf_counter() - start) / args.requests * 1000
            per = {k: clock[k] / args.requests for k in ("db", "db_in_render", "render")}
            db = per["db"] * 1000
            templates = (per["render"] - per["db_in_render"]) * 1000
            print(
                f"| {page.name} | {clock['queries'] // args.requests} | {wall:.1f} | "
                f"{db:.1f} | {templates:.1f} | {wall - db - templates:.1f} |"
            )
            if args.top:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.requests):
                    client.get(page.path, headers=headers)
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
                print(out.getvalue())


if __name__ == "__main__":
    main()
