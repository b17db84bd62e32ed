"""Browser journeys: headless Chromium (Playwright) against pytest-django's live server.

Every journey page is checked the same way: no console errors, no JavaScript
exceptions, no response of 500 or more, no serious or critical axe-core
violation; and a full-page screenshot lands in test-artifacts/<journey>/.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from interviews.lib.demo import sample_responses
from interviews.models import (
    Assignment,
    Candidate,
    ChecklistTemplate,
    InterviewRound,
    Opportunity,
    Question,
    StoryTag,
    TemplateItem,
    User,
)
from interviews.services import builtin_library
from interviews.services import checklists as checklists_services

from ..factories import InterviewerFactory, InterviewRoundFactory, OpportunityFactory

# Playwright's sync API keeps an event loop running in this thread, and Django
# refuses database access from a thread with a running loop. The tests and the
# live server only touch the database from plain synchronous code, so this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
AXE_FILE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A fake microphone (a beep) and no permission prompt: the rehearsal
    # journey records (tests/browser/test_rehearsal_journey.py).
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
FAILING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def find_chromium() -> str | None:
    """CHROMIUM_PATH if set, else Debian's Chromium, else whatever is on PATH."""
    configured = os.environ.get("CHROMIUM_PATH", "").strip()
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "journey(name): the folder name of a journey's screenshots in test-artifacts/"
    )


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = find_chromium()
    if path is None:
        configured = os.environ.get("CHROMIUM_PATH", "").strip()
        message = (
            f"CHROMIUM_PATH={configured} is not an executable file. "
            if configured
            else "No Chromium found for the browser tests. "
        ) + (
            "Install Debian's package (`apt-get install chromium`) "
            "or point CHROMIUM_PATH at a Chromium binary."
        )
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message + " In CI a missing browser is a failure.", pytrace=False)
        pytest.skip(message)
    if not AXE_FILE.is_file():
        pytest.fail(
            f"{AXE_FILE} is missing: run `make setup` to copy axe-core into static/vendor.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    """pytest-playwright's launch options plus Debian's Chromium, headless."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": chromium_executable,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "en-GB",
    }


@pytest.fixture
def library(transactional_db):
    """The built-in question bank, templates and story tags.

    The data migrations create them, but transactional tests flush every table
    afterwards, so install them again (idempotent) for each journey; without
    the tags, a story form after the first journey offers no competency.
    """
    builtin_library.install(Question, ChecklistTemplate, TemplateItem)
    builtin_library.install_story_tags(StoryTag)


@pytest.fixture(autouse=True)
def _links_point_at_live_server(settings, live_server):
    """Links in emails lead to the live server the browser talks to."""
    settings.SITE_URL = live_server.url


def _slug(text: str) -> str:
    text = re.sub(r"^test_", "", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Navigation:
    url: str
    checked: bool = False


@dataclass
class PageWatch:
    """What one browser tab did: navigations, console errors, exceptions, 5xx."""

    label: str
    navigations: list[Navigation] = field(default_factory=list)


class Journey:
    """Watches every tab of one journey and checks each page it lands on.

    Call ``journey.check(page, "step-name")`` after every navigation: it runs
    axe-core, saves a full-page screenshot and fails at once on any problem seen
    so far. At the end, a page that was navigated to but never checked fails
    the test too, so no visited page escapes the accessibility run.
    """

    def __init__(self, name: str, base_url: str):
        self.name = name
        self.base_url = base_url
        self.folder = ARTIFACTS / name
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.problems: list[str] = []
        self.watches: dict[int, PageWatch] = {}
        self.expected_404: set[str] = set()
        # (address, words of Chromium's note) a journey makes fail on purpose:
        # cut off the network, or a script's request the server refuses.
        self.expected_failures: set[tuple[str, str]] = set()
        self.axe_log: list[dict] = []
        self.step = 0

    # -- watching ---------------------------------------------------------
    def watch(self, page, label: str = ""):
        watch = PageWatch(label=label or f"tab {len(self.watches) + 1}")
        self.watches[id(page)] = watch

        def on_console(message):
            if message.type != "error":
                return
            text = message.text
            location = message.location or {}
            if location.get("url") in self.expected_404 and "status of 404" in text:
                return  # Chromium's note on a not-found page the journey asked for
            if any(
                location.get("url") == url and words in text
                for url, words in self.expected_failures
            ):
                return  # a failure the journey brought about
            self.problems.append(
                f"[{watch.label}] console error on {page.url}: {text} "
                f"({location.get('url', '')}:{location.get('lineNumber', '')})"
            )

        def on_page_error(error):
            self.problems.append(f"[{watch.label}] JavaScript error on {page.url}: {error}")

        def on_response(response):
            if response.status >= 500:
                self.problems.append(
                    f"[{watch.label}] {response.status} from {response.request.method} "
                    f"{response.url}"
                )

        def on_navigated(frame):
            if frame != page.main_frame:
                return
            url = frame.url
            previous = watch.navigations[-1].url if watch.navigations else None
            if previous and url.split("#")[0] == previous.split("#")[0] and "#" in url:
                return  # an in-page anchor, not a new page
            watch.navigations.append(Navigation(url=url))

        page.on("console", on_console)
        page.on("pageerror", on_page_error)
        page.on("response", on_response)
        page.on("framenavigated", on_navigated)
        return page

    def expect_not_found(self, page, url: str, step: str) -> None:
        """Open ``url`` as typed into the address bar; it must be the not-found page."""
        self.expected_404.add(url if url.startswith("http") else self.base_url + url)
        response = page.goto(url)
        assert response is not None
        assert response.status == 404, f"{url} answered {response.status}, expected 404"
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        self.check(page, step)

    def assert_clean(self) -> None:
        if self.problems:
            problems, self.problems = self.problems, []
            raise AssertionError(f"Journey {self.name!r} hit problems:\n  " + "\n  ".join(problems))

    # -- per page ---------------------------------------------------------
    def check(self, page, step: str) -> None:
        """Accessibility run + screenshot for the page as it is now."""
        page.wait_for_load_state("load")
        self.assert_clean()
        violations = self._axe(page)
        self.step += 1
        shot = self.folder / f"{self.step:02d}-{_slug(step)}.png"
        page.screenshot(path=str(shot), full_page=True)
        watch = self.watches.get(id(page))
        if watch and watch.navigations:
            watch.navigations[-1].checked = True
        failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
        if failing:
            lines = []
            for violation in failing:
                targets = "; ".join(
                    " ".join(node["target"]) if isinstance(node["target"], list) else ""
                    for node in violation["nodes"]
                )
                lines.append(
                    f"{violation['impact']}: {violation['id']} — {violation['help']} "
                    f"[{targets}] ({violation['helpUrl']})"
                )
            raise AssertionError(
                f"axe-core found serious/critical problems on {page.url} "
                f"(step {step!r}, screenshot {shot}):\n  " + "\n  ".join(lines)
            )
        self.assert_clean()

    def _axe(self, page) -> list[dict]:
        # Loaded from the app's own /static/ so the strict CSP (script-src 'self')
        # stays on during the tests: a CSP breach still shows up as a console error.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=f"{self.base_url}/static/vendor/axe-core/axe.min.js")
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ["violations"]});
                return {
                    violations: r.violations.map(v => ({
                        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                        nodes: v.nodes.map(n => ({target: n.target, html: n.html})),
                    })),
                    passes: r.passes.length,
                };
            }"""
        )
        violations = result["violations"]
        self.axe_log.append(
            {
                "step": self.step + 1,
                "url": page.url,
                "passed_rules": result["passes"],
                "violations": [
                    {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
                    for v in violations
                ],
            }
        )
        return violations

    def finish(self, *, passed: bool) -> None:
        (self.folder / "axe.json").write_text(json.dumps(self.axe_log, indent=2) + "\n")
        if not passed:
            return  # the test already failed; do not pile a teardown error on top
        unchecked = [
            f"[{watch.label}] {nav.url}"
            for watch in self.watches.values()
            for nav in watch.navigations
            if not nav.checked and nav.url != "about:blank"
        ]
        self.assert_clean()
        assert not unchecked, "Pages visited without an accessibility check:\n  " + "\n  ".join(
            unchecked
        )


@pytest.fixture
def journey(request, live_server, library):
    """A Journey named after the test (and its parameters)."""
    marker = request.node.get_closest_marker("journey")
    base = marker.args[0] if marker else request.node.originalname
    params = getattr(getattr(request.node, "callspec", None), "params", {})
    extra = [str(value) for key, value in params.items() if key != "browser_name"]
    name = _slug("-".join([base, *extra]))
    journey = Journey(name, live_server.url)
    yield journey
    report = getattr(request.node, "journey_call_report", None)
    journey.finish(passed=report is not None and report.passed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.journey_call_report = report
    return report


@pytest.fixture
def open_page(new_context, journey):
    """Open a new tab in a fresh browser context (its own cookies = its own person)."""

    def _open(label: str = "", *, viewport=DESKTOP, **context_args):
        context = new_context(viewport=viewport, **context_args)
        return journey.watch(context.new_page(), label)

    return _open


def log_in(page, journey: Journey, email: str, password: str, *, first: bool = True) -> None:
    """Log in through the real form; the login page is the one URL a journey types."""
    if first:
        page.goto("/accounts/login/")
        journey.check(page, "login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")


def main_nav(page):
    """The main navigation, with its menu opened first where a phone folds it
    behind "Menu" (templates/base.html)."""
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Menu")
    if menu.is_visible() and menu.get_attribute("aria-expanded") == "false":
        menu.click()
        # Bootstrap ignores clicks while the menu is still sliding open.
        page.wait_for_function("() => !document.getElementById('main-menu').matches('.collapsing')")
    return nav


def log_out(page) -> None:
    main_nav(page).get_by_role("button", name="Log out").click()
    page.wait_for_load_state("load")


@dataclass
class Prepared:
    """A coach's candidate (joined) with a second-round interview and the
    built-in second-round prep assigned for it."""

    coach: User
    candidate: Candidate
    opportunity: Opportunity
    round: InterviewRound
    assignment: Assignment


def prepare_second_round(
    coach,
    candidate,
    *,
    company: str,
    position: str,
    in_days: int,
    interviewer: str,
    email: str,
    instructions: str,
) -> Prepared:
    """A second round in ``in_days`` days with the built-in prep checklist assigned for it."""
    opportunity = OpportunityFactory(candidate=candidate, company=company, position=position)
    round_ = InterviewRoundFactory(
        opportunity=opportunity,
        sequence=2,
        scheduled_at=timezone.now() + datetime.timedelta(days=in_days),
    )
    InterviewerFactory(round=round_, name=interviewer, email=email)
    assignment = checklists_services.assignment_create(
        coach=coach,
        candidate=candidate,
        template=ChecklistTemplate.objects.get(builtin_key="second-round-prep", owner=None),
        round=round_,
        instructions=instructions,
    )
    return Prepared(coach, candidate, opportunity, round_, assignment)


@pytest.fixture
def prepared(library, coach, candidate) -> Prepared:
    return prepare_second_round(
        coach,
        candidate,
        company="Northwind Traders",
        position="Operations Lead",
        in_days=4,
        interviewer="Dana Interviewer",
        email="dana@northwind.example",
        instructions="Answer in your own words; bullet points are fine.",
    )


def mark_button(page, position: int, mark: str):
    """The review mark button ("OK", "Needs work", "Not reviewed") of an item."""
    group = page.get_by_role("group", name=f"Mark for item {position}", exact=True)
    return group.get_by_role("radio", name=mark, exact=True)


def mark_item(page, position: int, mark: str) -> None:
    """Press an item's review mark button (its label: the radio itself is hidden)."""
    group = page.get_by_role("group", name=f"Mark for item {position}", exact=True)
    group.locator("label", has_text=mark).click()
    expect(mark_button(page, position, mark)).to_be_checked()


def checklist_item(page, position: int):
    """One checklist item (a list item), found by its visible numbered prompt."""
    heading = page.get_by_role("heading", name=re.compile(rf"^{position}\. "))
    return page.get_by_role("listitem").filter(has=heading)


def invitation_link(mailoutbox, email: str) -> str:
    """The accept link from the last invitation email sent to ``email``."""
    for message in reversed(mailoutbox):
        if email in message.to and "/invite/" in message.body:
            return re.search(r"https?://\S+/invite/\S+/", message.body).group(0)
    raise AssertionError(f"No invitation email to {email} in {[m.subject for m in mailoutbox]}")


ANSWERS = {
    1: {"response_text": "What would my first three months look like?"},
    2: {"response_text": "Did someone hold this role before?"},
    5: {"response_text": "Which qualities matter most to you?"},
    6: {"response_text": "I ran the warehouse move in 2023."},
    8: {"response_text": "Is there anything else you need from me?"},
    9: {"done": True, "response_text": "Portfolio link ready."},
    10: {"done": True},
    12: {"done": True, "response_text": "One month's notice."},
    13: {"response_text": "Thank Dana for explaining the warehouse move."},
}


@pytest.fixture
def submitted(prepared) -> Prepared:
    """``prepared`` with every required item answered and submitted for review."""
    assignment = prepared.assignment
    user = prepared.candidate.user
    checklists_services.assignment_save(
        assignment=assignment,
        by=user,
        responses=sample_responses(assignment, answers=ANSWERS, required_only=True),
    )
    checklists_services.assignment_submit(assignment=assignment, by=user)
    return prepared
