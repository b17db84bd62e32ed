"""The height of the coach's two longest pages, at desktop and phone width.

    python scripts/page_heights.py --base-url http://127.0.0.1:8123 --out DIR

Against a running server with the demo data (`manage.py load_demo`), headless
Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH) logs in as the demo
coach and opens:

- the review page of a submitted 13-item checklist, found from the dashboard's
  "Waiting for your review" list;
- the editor of a coach-owned template with the built-in second-round items:
  the coach's "Second-round interview prep (copy)", made with the template
  list's "Copy" button when the coach has none yet (so a second run reuses it).

For each page at 1280 and 390 px wide it prints
`document.documentElement.scrollHeight` and saves a full-page screenshot in
DIR (`review-1280.png`, `editor-390.png`, ...). A scratch server, for example:

    export DATABASE_URL=sqlite:////tmp/journey-db.sqlite3 DJANGO_DEBUG=1
    python manage.py migrate && python manage.py load_demo
    python manage.py runserver 127.0.0.1:8123 --noreload &

For comparing layouts before and after a change, not for testing them: the
browser journeys in tests/browser do that.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Page, sync_playwright

COACH = "coach@example.com"
PASSWORD = "demo-pass-2026"  # noqa: S105 - the published demo password (load_demo)
BUILTIN = "Second-round interview prep"
ITEMS = 13
WIDTHS = (1280, 390)
HEIGHT = 900  # the window; the full-page screenshot and scrollHeight do not depend on it
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def log_in(page: Page, base: str) -> None:
    page.goto(urljoin(base, "/accounts/login/"))
    page.get_by_label("Email").fill(COACH)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    if "/accounts/login/" in page.url:
        sys.exit(f"Could not log in as {COACH}: is the demo data loaded (manage.py load_demo)?")


def review_url(page: Page, base: str) -> str:
    """The first checklist waiting for review on the dashboard with 13 items."""
    page.goto(base)
    waiting = page.get_by_role("region", name="Waiting for your review")
    hrefs = [link.get_attribute("href") for link in waiting.get_by_role("link").all()]
    for href in dict.fromkeys(h for h in hrefs if h and "/assignments/" in h):
        url = urljoin(base, href)
        page.goto(url)
        if page.locator("ol.checklist-items > li").count() == ITEMS:
            return url
    sys.exit(f"No submitted {ITEMS}-item checklist waiting for {COACH}'s review.")


def editor_url(page: Page, base: str) -> str:
    """The editor of the coach's copy of the built-in second-round prep."""
    page.goto(urljoin(base, "/coach/templates/"))
    edit = page.get_by_role("link", name=f"Edit {BUILTIN} (copy)", exact=True)
    if edit.count():
        return urljoin(base, edit.first.get_attribute("href"))
    page.get_by_role("button", name=f"Copy {BUILTIN}", exact=True).click()
    page.wait_for_load_state("load")
    if not page.url.rstrip("/").endswith("/edit"):
        sys.exit(f"Copying {BUILTIN!r} did not lead to its editor (at {page.url}).")
    return page.url


def measure(page: Page, url: str, name: str, out: Path) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(url)
        page.wait_for_load_state("load")
        height = page.evaluate("() => document.documentElement.scrollHeight")
        shot = out / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"{name:<7}{width:>5} px wide  {height:>6} px high  {shot}  ({url})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8123")
    parser.add_argument("--out", required=True, type=Path, help="folder for the screenshots")
    args = parser.parse_args()
    base = args.base_url.rstrip("/") + "/"
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            headless=True, executable_path=chromium, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": HEIGHT})
        log_in(page, base)
        pages = {"review": review_url(page, base), "editor": editor_url(page, base)}
        for name, url in pages.items():
            measure(page, url, name, args.out)
        browser.close()


if __name__ == "__main__":
    main()
