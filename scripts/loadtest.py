"""What a user feels: pages served by gunicorn, timed by an HTTP load generator.

    make benchmark                                  # both sizes, 10 s per page
    BENCH_ARGS="--sizes large --explain" make benchmark
    .venv/bin/python scripts/loadtest.py --help

For each size (small: 1 coach x 100 candidates; large: 200 coaches x 100
candidates, 400,000 checklist items) it creates a PostgreSQL database of its
own (coachsite_bench_<size>, on the server of BENCH_DATABASE_URL or
DATABASE_URL), migrates and seeds it in bulk, then serves the app with
gunicorn (2 sync workers, production settings: debug off) and, beside it, a
bare "hello" view with the same settings (scripts/bench_settings.py,
scripts/bare_urls.py). It logs in through the real login form, checks that
each page answers 200, drives each with wrk and prints req/s, p50, p99 and the
ratio to the bare view against the targets; the query count of each page and
the checklist save (a POST, which changes state) are measured in-process.

Absolute numbers move between runs and machines (the header says what ran
where); the ratios to the bare view are what to compare. The databases are
dropped at the end unless --keep, which also lets a rerun skip the seeding.
--explain prints EXPLAIN (ANALYZE, BUFFERS) of the dashboard's queries at the
largest size and flags sequential scans of big tables on every page.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts.bench_seed import PASSWORD, SENTENCES, SIZES, say, seed_or_reuse  # noqa: E402

VENV_BIN = Path(sys.executable).parent
ARTIFACTS = BASE_DIR / "test-artifacts"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


# Ratio to the bare view each page should reach (issue 13); and every page's p99.
TARGETS = {
    "login page": 0.30,
    "coach dashboard": 0.20,
    "candidate list": 0.20,
    "candidate detail": 0.20,
    "review page": 0.10,
    "candidate home": 0.20,
    "checklist fill": 0.10,
}
P99_TARGET_MS = 100.0


class BenchError(Exception):
    """Stops the run with a message that says what to do."""


# ================================================================ the run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="small,large", help="comma-separated: small,large")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--warmup", type=int, default=2, help="wrk warm-up seconds per page")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--saves", type=int, default=20, help="timed checklist saves")
    parser.add_argument("--keep", action="store_true", help="keep the databases for a rerun")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN the pages' queries at the largest size"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)  # one size, in its own process
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        if args.child:
            run_size(args)
        else:
            run_all(args)
    except BenchError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        sys.exit(1)


def run_all(args: argparse.Namespace) -> None:
    sizes = [name.strip() for name in args.sizes.split(",") if name.strip()]
    unknown = set(sizes) - set(SIZES)
    if unknown or not sizes:
        raise BenchError(f"--sizes takes {', '.join(SIZES)}; got {args.sizes!r}.")
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError("wrk is not installed; on Debian or Ubuntu: sudo apt-get install wrk")
    server = _server_url()
    import psycopg

    try:
        admin = psycopg.connect(server, autocommit=True)
    except psycopg.OperationalError as exc:
        raise BenchError(f"Cannot connect to PostgreSQL at {_safe(server)}: {exc}") from None
    machine = _machine(admin, wrk)
    print("\n".join(machine), flush=True)
    _collectstatic()
    results = []
    try:
        for name in sizes:
            database = f"coachsite_bench_{name}"
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if exists and not args.keep:
                admin.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
                exists = None
            if not exists:
                admin.execute(f'CREATE DATABASE "{database}"')
            with tempfile.NamedTemporaryFile("r", suffix=".json") as out:
                command = [
                    sys.executable,
                    __file__,
                    "--child",
                    name,
                    "--out",
                    out.name,
                    *("--seconds", str(args.seconds), "--warmup", str(args.warmup)),
                    *("--connections", str(args.connections), "--threads", str(args.threads)),
                    *("--saves", str(args.saves)),
                ]
                if args.explain and name == sizes[-1]:
                    command.append("--explain")
                env = _bench_env(_with_database(server, database))
                done = subprocess.run(command, env=env, cwd=BASE_DIR, check=False)  # noqa: S603
                if done.returncode != 0:
                    raise BenchError(f"The {name} run failed (see above).")
                results.append(json.load(out))
    finally:
        if not args.keep:
            for name in sizes:
                admin.execute(f'DROP DATABASE IF EXISTS "coachsite_bench_{name}" WITH (FORCE)')
        admin.close()
    report = "\n".join([*machine, "", *(line for r in results for line in _table(r, args))])
    print("\n" + report)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "benchmark.md").write_text(report + "\n")
    print(f"\n==> Written to {ARTIFACTS / 'benchmark.md'}")
    if args.keep:
        print("==> Databases kept (--keep): " + ", ".join(f"coachsite_bench_{n}" for n in sizes))


def _server_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not url:
        print(f"==> No BENCH_DATABASE_URL or DATABASE_URL: using {DEFAULT_SERVER}")
        url = DEFAULT_SERVER
    if not urlsplit(url).scheme.startswith("postgres"):
        raise BenchError(
            "The load test needs PostgreSQL (it creates and drops databases named "
            f"coachsite_bench_*); {_safe(url)} is not. Set BENCH_DATABASE_URL, for example "
            "BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres make benchmark"
        )
    return _with_database(url, "postgres")


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    password = urlsplit(url).password
    return url.replace(f":{password}@", ":***@") if password else url


def _bench_env(database_url: str) -> dict[str, str]:
    """Production settings (debug off), told to serve plain HTTP on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "TASKS_BACKEND")}
    env.update(
        DJANGO_SETTINGS_MODULE="scripts.bench_settings",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        COACHSITE_REQUIRE_2FA="0",
        DJANGO_LOG_LEVEL="WARNING",
        TIME_ZONE="UTC",
        SITE_URL="http://127.0.0.1",
        # Emails wait in the task queue (no worker runs); none leave the machine.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(BASE_DIR),
    )
    return env


def _collectstatic() -> None:
    print("==> collectstatic (debug off serves the manifest's files)", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=_bench_env("sqlite:///unused"),
        cwd=BASE_DIR,
        check=True,
    )


def _machine(admin, wrk: str) -> list[str]:
    import django
    import gunicorn

    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = Path("/proc/loadavg").read_text().split()[:3]
    pg = admin.execute("SHOW server_version").fetchone()[0]
    wrk_version = subprocess.run(  # noqa: S603
        [wrk, "-v"], capture_output=True, text=True, check=False
    ).stdout.split()[1:2]
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "# Coachsite load test",
        "",
        f"- Date: {now}",
        f"- Machine: {len(os.sched_getaffinity(0))} cores (nproc), {cpu}; "
        f"load average {' '.join(load)} at the start",
        f"- PostgreSQL {pg}; Python {platform.python_version()}; Django {django.__version__}; "
        f"gunicorn {gunicorn.__version__} (2 sync workers, debug off); "
        f"wrk {''.join(wrk_version) or '?'}",
        "- Absolute numbers move between runs and machines: compare the ratios to the "
        'bare view (a "hello" view served the same way, same settings, same run).',
    ]


# ================================================================ one size (child process)


def run_size(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # As in Django's test cases: one connection across in-process requests, so
    # their queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    name, size = args.child, SIZES[args.child]
    say(f"{name} ({size.label}): migrating")
    call_command("migrate", verbosity=0, interactive=False)
    world, seeding = seed_or_reuse(name, size)
    pages = _pages(world)
    say(f"{name}: counting queries in-process")
    queries = {page.name: _count_queries(page, world) for page in pages}
    explain = _explain(pages, world) if args.explain else None
    http = _serve_and_load(args, name, world, pages)
    say(f"{name}: timing {args.saves} checklist saves in-process")
    save = _measure_save(world, args.saves)
    result = {
        "name": name,
        "label": size.label,
        "seeding": seeding,
        "queries": queries,
        "http": http,
        "save": save,
        "explain": explain,
    }
    Path(args.out).write_text(json.dumps(result))


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    who: str  # "bare", "bare-coach" (bare server, signed in), "anonymous", "coach", "candidate"


def _pages(world: dict) -> list[Page]:
    return [
        Page("bare view", "/", "bare"),
        Page("login page", "/accounts/login/", "anonymous"),
        Page("signed-in layout, empty page", "/layout/", "bare-coach"),
        Page("coach dashboard", "/coach/", "coach"),
        Page("candidate list", "/coach/candidates/", "coach"),
        Page("candidate detail", f"/coach/candidates/{world['candidate']}/", "coach"),
        Page("review page", f"/coach/assignments/{world['review_assignment']}/", "coach"),
        Page("candidate home", "/me/", "candidate"),
        Page("checklist fill", f"/me/checklists/{world['fill_assignment']}/", "candidate"),
    ]


def _client(world: dict, who: str):
    from django.test import Client

    from interviews.models import User

    client = Client(SERVER_NAME="127.0.0.1")
    if who in ("coach", "candidate", "bare-coach"):
        key = "candidate_user" if who == "candidate" else "coach"
        client.force_login(User.objects.get(pk=world[key]))
    return client


def _count_queries(page: Page, world: dict) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    client = _client(world, page.who)
    urlconf = "scripts.bare_urls" if page.who.startswith("bare") else "coachsite.urls"
    with override_settings(ROOT_URLCONF=urlconf):
        client.get(page.path)  # warm: the steady-state count is the one that matters
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
    if response.status_code != 200:
        raise BenchError(f"In-process GET {page.path} answered {response.status_code}, not 200.")
    return len(queries)


def _explain(pages: list[Page], world: dict) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) every SELECT of every page; flag sequential
    scans of big tables and filters that throw away many rows: signs that a
    query reads other coaches' rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    big = 10_000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class "
            "WHERE relkind = 'r' AND relname LIKE %s",
            ["interviews%"],
        )
        rows = dict(cursor.fetchall())
    text: list[str] = []
    flags: list[str] = []
    for page in pages:
        if page.who not in ("coach", "candidate"):
            continue
        client = _client(world, page.who)
        client.get(page.path)
        with CaptureQueriesContext(connection) as queries:
            client.get(page.path)
        text.append(f"## {page.name} ({page.path}): {len(queries)} queries\n")
        for number, query in enumerate(queries, start=1):
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "FOR UPDATE" in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(line for (line,) in cursor.fetchall())
            found = []
            for table in re.findall(r"Seq Scan on (\w+)", plan):
                if table.startswith("interviews") and rows.get(table, 0) > big:
                    found.append(f"Seq Scan on {table} ({rows[table]:,} rows)")
            for removed in re.findall(r"Rows Removed by Filter: (\d+)", plan):
                if int(removed) > big:
                    found.append(f"{int(removed):,} rows removed by a filter")
            flags += [f"{page.name}, query {number}: {flag}" for flag in found]
            title = f"### Query {number}{' — FLAGGED: ' + '; '.join(found) if found else ''}"
            text.append(f"{title}\n\n```sql\n{sql}\n```\n\n```\n{plan}\n```\n")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "benchmark-explain.md").write_text("\n".join(text))
    headers = [i for i, line in enumerate(text) if line.startswith("## ")]
    print("\n".join(text[: headers[1] if len(headers) > 1 else len(text)]))  # the dashboard
    say(f"EXPLAIN of every page: {ARTIFACTS / 'benchmark-explain.md'}")
    return {"flags": sorted(set(flags))}


# ---------------------------------------------------------------- over HTTP


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _http(port: int, method: str, path: str, cookies: dict | None = None, body: str | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {}
    if cookies:
        headers["Cookie"] = _cookie_header(cookies)
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    jar = SimpleCookie()
    for header in response.msg.get_all("Set-Cookie") or []:
        jar.load(header)  # Secure cookies come back over plain HTTP too
    cookies = {name: morsel.value for name, morsel in jar.items()}
    return response.status, response.getheader("Location"), cookies, data


def _cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def _login(port: int, email: str) -> dict:
    """Log in through the real form, as a browser does: GET it, POST it with the token."""
    status, _, cookies, html = _http(port, "GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or token is None:
        raise BenchError(f"The login page answered {status} without a form.")
    body = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": PASSWORD}
    )
    status, location, new, _ = _http(port, "POST", "/accounts/login/", cookies, body)
    if status != 302 or "sessionid" not in new:
        raise BenchError(f"Logging in as {email} answered {status} (to {location}), no session.")
    return {**cookies, **new}


def _start(port: int, log: Path, urlconf: str | None) -> subprocess.Popen:
    env = dict(os.environ)
    if urlconf:
        env["BENCH_URLCONF"] = urlconf
    command = [str(VENV_BIN / "gunicorn"), "coachsite.wsgi", "-w", "2", "--worker-class", "sync"]
    command += ["-b", f"127.0.0.1:{port}", "--chdir", str(BASE_DIR), "--log-level", "warning"]
    return subprocess.Popen(  # noqa: S603
        command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=BASE_DIR
    )


def _wait_ready(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            if _http(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise BenchError(f"gunicorn on port {port} did not answer /healthz within 60 s.")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _serve_and_load(args: argparse.Namespace, name: str, world: dict, pages: list[Page]) -> dict:
    logs = Path(tempfile.mkdtemp(prefix="coachsite-bench-"))
    app_port, bare_port = _free_port(), _free_port()
    app = _start(app_port, logs / "app.log", None)
    bare = _start(bare_port, logs / "bare.log", "scripts.bare_urls")
    try:
        _wait_ready(app_port, app, logs / "app.log")
        _wait_ready(bare_port, bare, logs / "bare.log")
        cookies = {
            "anonymous": None,
            "bare": None,
            "coach": _login(app_port, world["coach_email"]),
            "candidate": _login(app_port, world["candidate_email"]),
        }
        cookies["bare-coach"] = cookies["coach"]  # sessions live in the shared database
        for page in pages:
            _check_200(page, app_port, bare_port, cookies[page.who])
        load = Path("/proc/loadavg").read_text().split()[:3]
        say(
            f"{name}: wrk, {args.seconds} s per page after {args.warmup} s warm-up; "
            f"load average {' '.join(load)}"
        )
        results = {}
        for page in pages:
            port = bare_port if page.who.startswith("bare") else app_port
            url = f"http://127.0.0.1:{port}{page.path}"
            cookie = cookies[page.who]
            if args.warmup:
                _wrk(args, url, cookie, args.warmup)
            results[page.name] = _wrk(args, url, cookie, args.seconds)
            _check_200(page, app_port, bare_port, cookie)  # the session held throughout
            r = results[page.name]
            say(f"  {page.name}: {r['rps']:.1f} req/s, p50 {r['p50']:.1f}, p99 {r['p99']:.1f} ms")
        return {"pages": results, "load": load}
    finally:
        _stop(app)
        _stop(bare)
        shutil.rmtree(logs, ignore_errors=True)


def _check_200(page: Page, app_port: int, bare_port: int, cookies: dict | None) -> None:
    port = bare_port if page.who.startswith("bare") else app_port
    status, location, _, _ = _http(port, "GET", page.path, cookies)
    if status != 200:
        where = f" (redirect to {location})" if location else ""
        raise BenchError(f"{page.name} {page.path} answered {status}{where}, not 200.")


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _wrk(args: argparse.Namespace, url: str, cookies: dict | None, seconds: int) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds}s", "--latency"]
    # A page slower than wrk's default 2 s timeout would drop out of the latencies.
    command.append("--timeout=30s")
    if cookies:
        command += ["-H", f"Cookie: {_cookie_header(cookies)}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    latency = {p: float(v) * _UNIT_MS[unit] for p, v, unit in _LATENCY.findall(output)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None or set(latency) != {"50", "99"}:
        raise BenchError(f"Could not read wrk's output:\n{output}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read \d+, write \d+, timeout (\d+)", output)
    return {
        "rps": float(rps.group(1)),
        "p50": latency["50"],
        "p99": latency["99"],
        "non_2xx": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(2)) if errors else 0,
        "connect_errors": int(errors.group(1)) if errors else 0,
    }


# ---------------------------------------------------------------- the save (a POST)


def _measure_save(world: dict, saves: int) -> dict:
    """Save a 20-item checklist with every answer changed, ``saves`` times, each
    from the versions now stored (as a fresh page would post them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interviews.models import AssignmentItem

    client = _client({**world, "candidate_user": world["save_user"]}, "candidate")
    path = f"/me/checklists/{world['save_assignment']}/"
    items = AssignmentItem.objects.filter(assignment_id=world["save_assignment"])
    before = dict(items.values_list("pk", "version"))
    timings, query_counts = [], []
    for n in range(saves + 1):  # the first one warms up
        data = {"action": "save"}
        for item in items.order_by("position"):
            prefix = f"item-{item.pk}-"
            data[prefix + "version"] = str(item.version)
            answer = f"Answer {item.version}: " + SENTENCES[(n + item.position) % 10]
            if item.kind == "text":
                data[prefix + "response_text"] = answer
            elif item.kind == "check":
                data[prefix + "response_text"] = answer
                if not item.done:
                    data[prefix + "done"] = "on"
            else:
                data[prefix + "email_to"] = item.email_to or "someone@company.example"
                data[prefix + "email_subject"] = item.email_subject or "Thank you"
                data[prefix + "email_body"] = answer
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.post(path, data)
            elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 302:
            raise BenchError(f"The checklist save answered {response.status_code}, not 302.")
        if n:
            timings.append(elapsed)
            query_counts.append(len(queries))
    after = dict(items.values_list("pk", "version"))
    unchanged = [pk for pk in before if after[pk] != before[pk] + saves + 1]
    if unchanged:
        raise BenchError(f"Not every answer changed on every save (items {unchanged}).")
    return {
        "queries": max(query_counts),
        "median_ms": statistics.median(timings),
        "p95_ms": sorted(timings)[max(0, int(len(timings) * 0.95) - 1)],
        "saves": saves,
        "items": len(before),
    }


# ================================================================ the report


def _table(result: dict, args: argparse.Namespace) -> list[str]:
    seeding, http = result["seeding"], result["http"]
    pages = http["pages"]
    bare = pages["bare view"]["rps"]
    how = "reused from an earlier --keep run, seeded" if seeding["reused"] else "seeded"
    lines = [
        f"## {result['name']}: {result['label']}",
        "",
        f"{how} in {seeding['seconds']:.0f} s (+ VACUUM ANALYZE {seeding['vacuum']:.0f} s): "
        f"{seeding['users']:,} users, {seeding['candidates']:,} candidates, "
        f"{seeding['checklists']:,} checklists, {seeding['items']:,} checklist items, "
        f"{seeding['revisions']:,} answer revisions, {seeding['comments']:,} comments. "
        f"Load average before timing: {' '.join(http['load'])}. "
        f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s per page.",
        "",
        "| page | queries | req/s | p50 ms | p99 ms | ratio | target |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for name, r in pages.items():
        ratio = r["rps"] / bare if bare else 0.0
        p99_ok = "✓" if r["p99"] <= P99_TARGET_MS else "✗"
        if name in TARGETS:
            ok = "✓" if ratio >= TARGETS[name] else "✗"
            target = f"≥ {TARGETS[name]:.2f}x {ok} · p99 ≤ {P99_TARGET_MS:.0f} ms {p99_ok}"
        else:
            target = f"— · p99 ≤ {P99_TARGET_MS:.0f} ms {p99_ok}"
        trouble = []
        if r["non_2xx"]:
            trouble.append(f"{r['non_2xx']} non-2xx/3xx")
        if r["timeouts"] or r["connect_errors"]:
            trouble.append(f"{r['timeouts']} timeouts, {r['connect_errors']} connect errors")
        if trouble:
            target += " (" + "; ".join(trouble) + ")"
        queries = result["queries"].get(name, 0)
        lines.append(
            f"| {name} | {queries} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} "
            f"| {ratio:.2f} | {target} |"
        )
    save = result["save"]
    lines += [
        "",
        f"Saving a {save['items']}-item checklist with every answer changed (POST, in-process "
        f"test client, {save['saves']} saves): {save['queries']} queries, "
        f"median {save['median_ms']:.1f} ms, p95 {save['p95_ms']:.1f} ms.",
        "",
    ]
    if result["explain"] is not None:
        flags = result["explain"]["flags"]
        lines.append(
            "EXPLAIN (ANALYZE, BUFFERS) of every page's queries "
            "(test-artifacts/benchmark-explain.md): "
            + ("no sequential scan of a table over 10,000 rows." if not flags else "flagged:")
        )
        lines += [f"- {flag}" for flag in flags]
        lines.append("")
    return lines


if __name__ == "__main__":
    main()
