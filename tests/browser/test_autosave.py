"""The checklist saves itself a few seconds after typing stops
(static/js/autosave.js): leaving without a button loses nothing and asks
nothing; offline, it says so and saves when the network is back; a save from
another tab stops it, and Save draft then shows both texts."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from interviews.models import AssignmentItem, Comment
from interviews.services import checklists as checklists_services

from ..factories import InterviewRoundFactory, OpportunityFactory
from .conftest import DESKTOP, PHONE, checklist_item, log_in, main_nav

pytestmark = [pytest.mark.browser, pytest.mark.journey("autosave")]

SAVED = re.compile(r"^Saved \d\d:\d\d$")
# Several autosave delays (2.5 s) and a retry, on a busy machine.
WAIT = 20_000
TITLE = "Second-round interview prep"


def open_checklist(open_page, journey, prepared, password, label="candidate", viewport=DESKTOP):
    page = open_page(label, viewport=viewport)
    log_in(page, journey, prepared.candidate.user.email, password)
    journey.check(page, "home")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    journey.check(page, "checklist")
    return page


def autosave_url(journey, prepared):
    return journey.base_url + reverse("me:checklist_autosave", args=[prepared.assignment.pk])


def stored(prepared, position):
    return AssignmentItem.objects.get(assignment=prepared.assignment, position=position)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_typing_saves_itself_and_leaving_asks_nothing(
    open_page, journey, prepared, password, viewport
):
    page = open_checklist(open_page, journey, prepared, password, viewport=viewport)
    # What the candidate's typing costs: posts of the checklist form (a button
    # pressed) against the autosave's own posts, and page loads.
    posts = {"buttons": 0, "autosave": 0}
    loads = []
    checklist_path = prepared.assignment.get_candidate_url()

    def on_request(request):
        if request.method == "POST" and request.url.endswith(checklist_path):
            posts["buttons"] += 1
        elif request.method == "POST" and request.url.endswith("/autosave/"):
            posts["autosave"] += 1

    page.on("request", on_request)
    page.on("framenavigated", lambda frame: frame == page.main_frame and loads.append(frame.url))
    hint = page.get_by_text("Drafts save themselves a few seconds after you stop typing.")
    expect(hint).to_be_visible()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    answer = "Who would I work with every day?"
    checklist_item(page, 1).get_by_label("Questions I will ask").fill(answer)
    # A reply typed but not posted: the autosave leaves it alone.
    item2 = checklist_item(page, 2)
    item2.get_by_text("Add a comment").click()
    item2.get_by_label("Reply").fill("Half a thought")
    item2.get_by_label("Reply").fill("")
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=WAIT)
    journey.check(page, "saved-by-itself")
    assert stored(prepared, 1).response_text == answer
    assert not Comment.objects.exists()

    main_nav(page).get_by_role("link", name="My checklists").click()
    expect(page.get_by_role("heading", name="My checklists")).to_be_visible()
    journey.check(page, "left-without-a-button")
    assert dialogs == []
    print(
        f"\n[autosave {viewport['width']}px] page loads after opening the checklist: "
        f"{len(loads)} (the page left to); buttons pressed: {posts['buttons']}; "
        f"autosave posts: {posts['autosave']}"
    )
    assert posts["buttons"] == 0 and posts["autosave"] >= 1
    assert len(loads) == 1

    page.get_by_role("link", name=TITLE).click()
    expect(checklist_item(page, 1).get_by_label("Questions I will ask")).to_have_value(answer)
    journey.check(page, "back")

    # Typing again saves again, from the version the first save made.
    checklist_item(page, 1).get_by_label("Questions I will ask").fill(f"{answer} And who decides?")
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=WAIT)
    item = stored(prepared, 1)
    assert item.response_text == f"{answer} And who decides?"
    assert item.version == 3


def test_leaving_before_the_pause_sends_the_answers_on_the_way_out(
    open_page, journey, prepared, password
):
    """What iOS relies on (it never fires beforeunload): the answers go out with
    keepalive when the page is hidden, before the usual pause is over."""
    page = open_checklist(open_page, journey, prepared, password)
    page.on("dialog", lambda dialog: dialog.accept())  # Chromium's "Leave site?"
    answer = "Typed just before leaving"
    checklist_item(page, 1).get_by_label("Questions I will ask").fill(answer)
    main_nav(page).get_by_role("link", name="My checklists").click()
    expect(page.get_by_role("heading", name="My checklists")).to_be_visible()
    journey.check(page, "left-at-once")
    page.get_by_role("link", name=TITLE).click()
    expect(checklist_item(page, 1).get_by_label("Questions I will ask")).to_have_value(answer)
    journey.check(page, "back-with-the-answer")
    assert stored(prepared, 1).response_text == answer


def test_a_withdrawn_checklist_says_it_cannot_save_and_keeps_the_page(
    open_page, journey, prepared, password
):
    page = open_checklist(open_page, journey, prepared, password)
    checklists_services.assignment_withdraw(assignment=prepared.assignment, by=prepared.coach)
    journey.expected_failures.add((autosave_url(journey, prepared), "status of 404"))
    checklist_item(page, 1).get_by_label("Questions I will ask").fill("Typed after the withdrawal")
    expect(page.locator("[data-autosave-status]")).to_have_text(
        re.compile("^Not saved: this page can no longer save the checklist"), timeout=WAIT
    )
    expect(checklist_item(page, 1).get_by_label("Questions I will ask")).to_have_value(
        "Typed after the withdrawal"
    )
    journey.check(page, "withdrawn-meanwhile")
    assert stored(prepared, 1).response_text == ""


def test_offline_typing_is_kept_and_saved_when_back_online(open_page, journey, prepared, password):
    page = open_checklist(open_page, journey, prepared, password)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    journey.expected_failures.add((autosave_url(journey, prepared), "ERR_INTERNET_DISCONNECTED"))
    page.context.set_offline(True)
    answer = "Typed on a train"
    checklist_item(page, 1).get_by_label("Questions I will ask").fill(answer)
    expect(page.locator("[data-autosave-status]")).to_have_text(
        re.compile("^Not saved yet: you seem to be offline."), timeout=WAIT
    )
    assert stored(prepared, 1).response_text == ""
    page.context.set_offline(False)
    expect(page.locator("[data-autosave-status]")).to_have_text(SAVED, timeout=WAIT)
    journey.check(page, "saved-when-online")
    assert stored(prepared, 1).response_text == answer


def test_a_save_in_another_tab_stops_the_autosave_and_save_draft_shows_both(
    open_page, journey, prepared, password
):
    tab_a = open_checklist(open_page, journey, prepared, password, "tab A")
    tab_b = journey.watch(tab_a.context.new_page(), "tab B")
    tab_b.goto(tab_a.url)
    journey.check(tab_b, "tab-b-open")

    from_b = "Tab B: saved with the button"
    checklist_item(tab_b, 1).get_by_label("Questions I will ask").fill(from_b)
    tab_b.get_by_role("button", name="Save draft").click()
    expect(tab_b.get_by_text("Draft saved (1 answer).")).to_be_visible()
    journey.check(tab_b, "tab-b-saved")

    tab_a.bring_to_front()
    journey.expected_failures.add((autosave_url(journey, prepared), "status of 409"))
    from_a = "Tab A: typed on the old page"
    checklist_item(tab_a, 1).get_by_label("Questions I will ask").fill(from_a)
    expect(tab_a.locator("[data-autosave-status]")).to_have_text(
        "This checklist was changed in another tab or by someone else. Press Save draft to see "
        "both versions; nothing you typed is lost.",
        timeout=WAIT,
    )
    journey.check(tab_a, "tab-a-autosave-conflict")
    assert stored(prepared, 1).response_text == from_b

    tab_a.get_by_role("button", name="Save draft").click()
    conflict = tab_a.get_by_role("group", name="Conflict on item 1")
    expect(conflict).to_be_visible()
    expect(conflict.get_by_text(from_a)).to_be_visible()
    expect(conflict.get_by_text(from_b)).to_be_visible()
    expect(checklist_item(tab_a, 1).get_by_label("Questions I will ask")).to_have_value(from_a)
    journey.check(tab_a, "tab-a-both-versions")
    assert stored(prepared, 1).response_text == from_b


@pytest.mark.journey("unsaved-typing-put-back")
def test_typing_left_on_a_form_without_autosave_is_offered_back(
    open_page, journey, candidate, password
):
    """iOS Safari never warns before leaving: the round page's forms keep what
    was typed in sessionStorage and offer it back when the page is shown again."""
    round_ = InterviewRoundFactory(
        opportunity=OpportunityFactory(candidate=candidate, company="Northwind Traders"),
        scheduled_at=timezone.now() - datetime.timedelta(hours=3),
        debrief_notes="Saved before.",
    )
    url = reverse("me:round", args=[round_.pk])
    page = open_page("candidate")
    log_in(page, journey, candidate.user.email, password)
    journey.check(page, "home")
    page.goto(url)
    journey.check(page, "round")
    debrief = page.locator("#debrief")
    banner = debrief.get_by_role("group", name="Unsaved typing")
    expect(banner).to_be_hidden()
    typed = "Saved before. Then the panel asked about budgets."
    debrief.get_by_label("How did it go?").fill(typed)

    # Leaving: Chromium asks (iOS would not); the typing is kept all the same.
    page.on("dialog", lambda dialog: dialog.accept())
    main_nav(page).get_by_role("link", name="My checklists").click()
    expect(page.get_by_role("heading", name="My checklists")).to_be_visible()
    journey.check(page, "left")
    page.goto(url)
    expect(banner).to_be_visible()
    expect(debrief.get_by_label("How did it go?")).to_have_value("Saved before.")
    expect(page.locator("#notes").get_by_role("group", name="Unsaved typing")).to_be_hidden()
    journey.check(page, "offered-back")
    banner.get_by_role("button", name="Put it back").click()
    expect(debrief.get_by_label("How did it go?")).to_have_value(typed)
    expect(banner).to_be_hidden()
    debrief.get_by_role("button", name="Save debrief").click()
    expect(page.get_by_text("Debrief saved.")).to_be_visible()
    journey.check(page, "saved")
    round_.refresh_from_db()
    assert round_.debrief_notes == typed

    # Saved: nothing is offered any more.
    page.goto(url)
    journey.check(page, "again")
    expect(banner).to_be_hidden()
