"""Every page the demo reaches is valid HTML, by the Nu Html Checker.

Each demo login (and an anonymous visitor, with the public pages a link in an
email opens) follows every same-site link from its start page; the pages are
written to a folder and checked in one run of vnu.jar (the npm package
``vnu-jar``, a Java program). Errors fail the test; warnings do not.
"""

import json
import os
import shutil
import subprocess
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.test.utils import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.views.defaults import server_error

from interviews.models import Candidate, Practice, User
from interviews.services import caseload as caseload_services
from interviews.services import notifications as notifications_services
from interviews.services import practices as practices_services

VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DEMO_LOGINS = {
    # role: the demo login (interviews/management/commands/load_demo.py)
    "coach, practice lead": "coach@example.com",
    "coach on their own": "coach2@example.com",
    "coach in a practice": "coach3@example.com",
    "candidate, checklist in progress": "alex@example.com",
    "candidate, checklist submitted": "sam@example.com",
    "candidate, interviewed yesterday": "casey@example.com",
    "candidate of a solo coach": "jordan@example.com",
    "candidate, practice template": "morgan@example.com",
}
# Far more than any role reaches today; a bound, not a target.
MAX_PAGES_PER_ROLE = 300
# Not pages: downloads and feeds, and links that change the session.
SKIPPED_SUFFIXES = (".pdf", ".ics", ".csv", ".json", ".txt", ".ico", ".svg")
SKIPPED_PREFIXES = ("/static/", "/admin/", "/accounts/logout/", "/healthz")


def _java() -> tuple[str, Path]:
    """java and the jar, or a skip locally and a failure in CI."""
    java = shutil.which("java")
    missing = []
    if java is None:
        missing.append("no `java` on PATH (apt-get install default-jre-headless)")
    if not VNU_JAR.is_file():
        missing.append(f"{VNU_JAR} is missing (make setup installs vnu-jar with npm ci)")
    if missing:
        message = "The Nu Html Checker cannot run: " + "; ".join(missing) + "."
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " In CI a missing checker is a failure.", pytrace=False)
        pytest.skip(message)
    return java, VNU_JAR


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _same_site_path(base: str, href: str) -> str | None:
    """The path (with its query) a link leads to on this site, or None."""
    url = urlsplit(urljoin(f"http://testserver{base}", href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    path = url.path
    if path.endswith(SKIPPED_SUFFIXES) or path.startswith(SKIPPED_PREFIXES):
        return None
    return path + (f"?{url.query}" if url.query else "")


def _page_key(path: str) -> str:
    """A page once per path and set of query names: ``?sort=coach`` stands for
    every sort order, ``?candidate=1&round=2`` for every pair of ids."""
    url = urlsplit(path)
    return url.path + "?" + "&".join(sorted({name for name, _ in parse_qsl(url.query)}))


def crawl(client: Client, starts: list[str]) -> tuple[dict[str, str], list[str]]:
    """Every HTML page reachable from ``starts`` by links (once per
    ``_page_key``), and the links that answered with an error."""
    pages: dict[str, str] = {}
    broken: list[str] = []
    seen: set[str] = set()
    queue = deque((start, "the start") for start in starts)
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        path, referrer = queue.popleft()
        key = _page_key(path)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(path)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_site_path(path, response["Location"])
            if target:
                queue.append((target, path))
            continue
        if response.status_code != 200:
            broken.append(f"{path} (linked from {referrer}): {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        pages[path] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            target = _same_site_path(path, href)
            if target and _page_key(target) not in seen:
                queue.append((target, path))
    return pages, broken


def _public_starts() -> list[str]:
    """Pages an anonymous visitor opens from an email, with valid credentials."""
    coach = User.objects.get(email="coach@example.com")
    newcomer = Candidate.objects.create(
        coach=coach, full_name="Nia Newcomer", email="nia.newcomer@example.com"
    )
    _, invitation_token = caseload_services.invitation_create(candidate=newcomer, by=coach)
    _, join_token = practices_services.practice_invite(
        practice=Practice.objects.get(), by=coach, email="new.coach@example.com"
    )
    unsubscribe_token = notifications_services.unsubscribe_token(coach, "assignment_submitted")
    uid = urlsafe_base64_encode(force_bytes(coach.pk))
    reset_token = default_token_generator.make_token(coach)
    return [
        "/accounts/login/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        f"/accounts/reset/{uid}/{reset_token}/",
        "/accounts/reset/done/",
        f"/invite/{invitation_token}/",
        f"/practice/join/{join_token}/",
        f"/notifications/unsubscribe/{unsubscribe_token}/",
    ]


def _unlinked_pages(anonymous: Client) -> dict[str, str]:
    """Pages no link leads to: error pages, a failed log-in, the 500 page, and
    an invitation to an address that already has an account."""
    pages = {}
    for path, status in [
        ("/no-such-page/", 404),
        ("/invite/not-a-valid-invitation-token-at-all/", 410),
        ("/practice/join/not-a-valid-invitation-token-at-all/", 410),
        ("/notifications/unsubscribe/not-a-valid-token-at-all/", 404),
        ("/accounts/unlock/not-a-valid-token-at-all/", 410),
    ]:
        response = anonymous.get(path)
        assert response.status_code == status, (path, response.status_code)
        pages[path] = response.content.decode()

    response = anonymous.post(
        "/accounts/login/", {"username": "coach@example.com", "password": "not the password"}
    )
    assert response.status_code == 200
    pages["/accounts/login/ (wrong password)"] = response.content.decode()

    coach2 = User.objects.get(email="coach2@example.com")
    existing = Candidate.objects.create(
        coach=coach2, full_name="Alex Rivera", email="alex@example.com"
    )
    _, token = caseload_services.invitation_create(candidate=existing, by=coach2)
    response = anonymous.get(f"/invite/{token}/")
    assert response.status_code == 200
    pages["/invite/<token>/ (the address has an account)"] = response.content.decode()

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    pages["the 500 page"] = response.content.decode()
    return pages


# A page the checker must fault, checked in the same run: proof that errors
# are read and traced back to their page.
CANARY = "<!DOCTYPE html><html lang=en><title>Canary</title><p><legend>Out of place</legend>"


def nu_errors(documents: dict[str, tuple[str, str]], folder: Path) -> list[str]:
    """The checker's errors, one line each, over ``documents`` (file name:
    (where, html)), in one run of the JVM."""
    java, jar = _java()
    for name, (_, html) in documents.items():
        (folder / name).write_text(html, encoding="utf-8")
    result = subprocess.run(  # noqa: S603 - our own arguments, no shell
        [java, "-jar", str(jar), "--errors-only", "--format", "json", "--stdout"]
        + [str(folder / name) for name in documents],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no report (exit {result.returncode}): {result.stderr[-2000:]}")
    errors = []
    for message in messages:
        name = Path(urlsplit(message.get("url", "")).path).name
        where = documents.get(name, (message.get("url", "?"), ""))[0]
        errors.append(
            f"{where} line {message.get('lastLine', '?')}: {message['type']}: "
            f"{message.get('message', '')}  [{' '.join(message.get('extract', '').split())}]"
        )
    return errors


def test_every_page_the_demo_reaches_is_valid_html(db, tmp_path):
    _java()  # skip (or fail, in CI) before any work when the checker cannot run
    with override_settings(DEBUG=True):  # load_demo refuses to run without it
        call_command("load_demo", stdout=StringIO())

    documents: dict[str, tuple[str, str]] = {}
    broken: list[str] = []
    counts: dict[str, int] = {}

    def add(role: str, pages: dict[str, str]) -> None:
        counts[role] = len(pages)
        for path, html in pages.items():
            documents[f"page-{len(documents):04d}.html"] = (f"{role}: {path}", html)

    for role, email in DEMO_LOGINS.items():
        client = Client()
        client.force_login(User.objects.get(email=email))
        pages, role_broken = crawl(client, ["/"])
        broken += [f"{role}: {line}" for line in role_broken]
        add(role, pages)

    anonymous = Client()
    public, public_broken = crawl(anonymous, _public_starts())
    broken += [f"anonymous: {line}" for line in public_broken]
    add("anonymous", public | _unlinked_pages(anonymous))

    print("pages checked per role:", counts)  # shown with -s, or -rA
    assert counts["coach, practice lead"] > 20 and counts["anonymous"] >= 8, counts
    assert broken == []

    # A description for search engines on each public page (base.html's block);
    # not on the 500 page, which stands alone (it must render when what failed is
    # the database or a context processor) and which no search engine indexes.
    undescribed = [
        where
        for where, html in documents.values()
        if where.startswith("anonymous:")
        and where != "anonymous: the 500 page"
        and html.count('<meta name="description" content="') != 1
    ]
    assert undescribed == []

    documents["canary.html"] = ("canary", CANARY)
    errors = nu_errors(documents, tmp_path)
    canary = [error for error in errors if error.startswith("canary ")]
    assert canary and "legend" in canary[0], errors
    errors = [error for error in errors if not error.startswith("canary ")]
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
