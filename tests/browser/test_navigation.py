"""The top navigation at phone width: folded behind "Menu" (Bootstrap's
collapse, vendored), opened from the keyboard; open without JavaScript; and
unfolded on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.browser

# The brand and the "Menu" button on one line; the unfolded coach menu was ~200 px.
FOLDED_HEADER_MAX = 70


def _header_height(page) -> float:
    return page.evaluate("() => document.querySelector('header').getBoundingClientRect().height")


def _settled(page) -> None:
    """Bootstrap ignores the button while the menu is still sliding."""
    page.wait_for_function("() => !document.getElementById('main-menu').matches('.collapsing')")


def _main_nav(page):
    return page.get_by_role("navigation", name="Main")


def test_a_coach_on_a_phone_opens_the_menu_from_the_keyboard(open_page, journey, coach, password):
    page = open_page("coach", viewport=PHONE)
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard-folded")
    nav = _main_nav(page)
    menu = nav.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-controls", "main-menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(nav.get_by_role("link", name="Candidates")).to_be_hidden()
    expect(nav.get_by_role("button", name="Log out")).to_be_hidden()
    assert _header_height(page) <= FOLDED_HEADER_MAX
    # The page's own "Assign checklist" is the only one in sight.
    expect(page.get_by_role("link", name="Assign checklist").filter(visible=True)).to_have_count(1)

    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Candidates")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    _settled(page)
    journey.check(page, "dashboard-menu-open")

    # Tab runs from the button into the menu, in reading order.
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Dashboard")).to_be_focused()
    page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="Candidates")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/coach/candidates/$"))
    journey.check(page, "candidates")
    expect(nav.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")
    assert _header_height(page) <= FOLDED_HEADER_MAX

    # And closes again.
    nav.get_by_role("button", name="Menu").click()
    expect(nav.get_by_role("link", name="Questions")).to_be_visible()
    _settled(page)
    nav.get_by_role("button", name="Menu").click()
    expect(nav.get_by_role("link", name="Questions")).to_be_hidden()


def test_a_candidate_on_a_phone_has_the_same_folded_menu(open_page, journey, candidate, password):
    page = open_page("candidate", viewport=PHONE)
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "my-checklists-folded")
    nav = _main_nav(page)
    assert _header_height(page) <= FOLDED_HEADER_MAX
    expect(nav.get_by_role("link", name="My checklists")).to_be_hidden()
    nav.get_by_role("button", name="Menu").click()
    expect(nav.get_by_role("link", name="My checklists")).to_be_visible()
    expect(nav.get_by_role("link", name=re.compile(r"^Notifications"))).to_be_visible()
    _settled(page)
    journey.check(page, "my-checklists-menu-open")


def test_nothing_folds_on_a_desktop(open_page, journey, coach, password):
    page = open_page("coach", viewport=DESKTOP)
    log_in(page, journey, coach.email, password)
    journey.check(page, "dashboard")
    nav = _main_nav(page)
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    for name in ("Dashboard", "Candidates", "Questions", "Templates", "Outcomes", "Practice"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Assign checklist")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()


def test_without_javascript_the_phone_menu_stays_open(new_context, live_server, coach, password):
    # Not a journey: axe-core needs JavaScript. The page itself is the one checked above.
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    nav = _main_nav(page)
    expect(nav.get_by_role("link", name="Candidates")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    # A button that could not open anything is not shown.
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    assert page.evaluate("() => document.documentElement.className") == "no-js"
