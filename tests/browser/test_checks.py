"""The journeys' safety nets must be able to fail: a serious axe violation, a
console error, a blocked inline script, a 500 and an unchecked page each fail."""

import shutil

import pytest

from .conftest import Journey

pytestmark = pytest.mark.browser


@pytest.fixture
def probe(new_context, live_server, db):
    journey = Journey("checks-self-test", live_server.url)
    page = journey.watch(new_context().new_page(), "probe")
    page.goto("/accounts/login/")
    yield journey, page
    shutil.rmtree(journey.folder, ignore_errors=True)


def test_a_serious_accessibility_violation_fails_the_check(probe):
    journey, page = probe
    page.evaluate(
        """() => document.querySelector("main").append(document.createElement("select"))"""
    )
    with pytest.raises(AssertionError, match=r"critical: select-name"):
        journey.check(page, "unlabelled-select")


def test_a_console_error_fails_the_check(probe):
    journey, page = probe
    page.evaluate("() => console.error('something broke')")
    with pytest.raises(AssertionError, match=r"console error .*something broke"):
        journey.check(page, "console-error")


def test_the_content_security_policy_stays_on_so_an_inline_script_fails(probe):
    journey, page = probe
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.inlineRan") is None
    with pytest.raises(AssertionError, match="Content Security Policy"):
        journey.check(page, "inline-script")


def test_a_server_error_fails_the_check(probe):
    journey, page = probe
    page.route("**/broken/", lambda route: route.fulfill(status=500, body="boom"))
    page.goto("/broken/")
    with pytest.raises(AssertionError, match=r"500 from GET .*/broken/"):
        journey.check(page, "server-error")


def test_a_visited_page_without_a_check_fails_the_journey(probe):
    journey, _page = probe
    with pytest.raises(AssertionError, match="without an accessibility check"):
        journey.finish(passed=True)
