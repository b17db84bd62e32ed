"""Simulated coaches and candidates for the scale check (scripts/scale_check.sh).

Each user logs in through the real login form (CSRF token and cookie, with the
Referer an HTTPS POST needs), then browses as a coach (dashboard, candidate
list, a candidate, a round, a review page, a brief, now and then "Remind now",
which queues an email) or as a candidate (home, the checklist filled in and
saved as a draft, the round, the brief).

SCALE_WORLD names the JSON written by scripts/scale_seed.py (logins and ids);
SCALE_FAILURES names a file where each failed request is appended with its
time, so the report can set failures against the moments of the kills.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import re
import threading
import time
from html.parser import HTMLParser

import urllib3
from locust import HttpUser, between, events, task

# nginx serves a self-signed certificate made for the run.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

WORLD = json.loads(open(os.environ["SCALE_WORLD"]).read())  # noqa: SIM115
_coaches = itertools.cycle(WORLD["coaches"])
_candidates = itertools.cycle(WORLD["candidates"])
_pick = threading.Lock()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

_failures_path = os.environ.get("SCALE_FAILURES")
_failures_lock = threading.Lock()


@events.request.add_listener
def _record_failure(request_type, name, response_time, exception, response=None, **_kwargs):
    if exception is None or not _failures_path:
        return
    status = getattr(response, "status_code", "") if response is not None else ""
    with _failures_lock, open(_failures_path, "a", newline="") as out:
        csv.writer(out).writerow(
            [f"{time.time():.3f}", request_type, name, status, str(exception)[:200]]
        )


class _ChecklistForm(HTMLParser):
    """The fields of the checklist's form (#checklist-form), as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.texts: list[str] = []
        self._inside = False
        self._textarea: str | None = None
        self._buffer: list[str] = []

    def _ours(self, attrs: dict) -> bool:
        return self._inside or attrs.get("form") == "checklist-form"

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == "checklist-form"
        elif tag == "input" and attrs.get("name") and self._ours(attrs):
            kind = attrs.get("type", "text")
            if kind in ("submit", "button"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea" and attrs.get("name") and self._ours(attrs):
            self._textarea, self._buffer = attrs["name"], []

    def handle_data(self, data):
        if self._textarea is not None:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._buffer)))
            self.texts.append(self._textarea)
            self._textarea = None


class _SignedIn(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.verify = False
        with _pick:
            self.me = next(self.pool)
        page = self.client.get("/accounts/login/", name="login page")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.me["email"],
                "password": WORLD["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="log in",
            catch_response=True,
        ) as answer:
            if answer.ok and "/accounts/login/" in answer.url:
                answer.failure("still on the login page")

    def _post(self, path: str, data: dict, name: str, referer: str):
        token = self.client.cookies.get("csrftoken", "")
        return self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}{referer}"},
            name=name,
        )


class Coach(_SignedIn):
    weight = 1
    pool = _coaches

    @task(4)
    def dashboard(self):
        self.client.get("/coach/", name="coach dashboard")

    @task(3)
    def candidate_list(self):
        self.client.get("/coach/candidates/", name="candidate list")

    @task(3)
    def candidate(self):
        pk = random.choice(self.me["candidates"])
        self.client.get(f"/coach/candidates/{pk}/", name="candidate detail")

    @task(3)
    def round(self):
        pk = random.choice(self.me["rounds"])
        self.client.get(f"/coach/rounds/{pk}/", name="coach round page")

    @task(3)
    def review(self):
        pk = random.choice(self.me["assignments"])
        self.client.get(f"/coach/assignments/{pk}/", name="review page")

    @task(1)
    def brief(self):
        pk = random.choice(self.me["rounds"])
        self.client.get(f"/coach/rounds/{pk}/brief/", name="coach brief")

    @task(1)
    def remind_now(self):
        # At most once a day per checklist; a refusal is a redirect with a message.
        pk = random.choice(self.me["assignments"])
        page = f"/coach/assignments/{pk}/"
        self._post(f"{page}remind/", {}, name="remind now", referer=page)


class Candidate(_SignedIn):
    weight = 3
    pool = _candidates

    @task(4)
    def home(self):
        self.client.get("/me/", name="candidate home")

    @task(4)
    def checklist(self):
        page = f"/me/checklists/{self.me['assignment']}/"
        shown = self.client.get(page, name="checklist fill")
        if not self.me["editable"] or shown.status_code != 200:
            return
        form = _ChecklistForm()
        form.feed(shown.text)
        if not form.texts:
            return
        changed = random.choice(form.texts)
        note = f" Practised again at {time.strftime('%H:%M:%S')}."
        fields = [
            (name, (value.rstrip() + note)[-2000:] if name == changed else value)
            for name, value in form.fields
            if name != "csrfmiddlewaretoken"
        ]
        fields += [("action", "save"), ("csrfmiddlewaretoken", self.client.cookies["csrftoken"])]
        with self.client.post(
            page,
            data=fields,
            headers={"Referer": f"{self.host}{page}"},
            name="checklist save",
            catch_response=True,
        ) as saved:
            # Saved: redirected back to the page. Refused: the form again, with the reason.
            if saved.ok and not saved.history:
                saved.failure("draft not saved (the form came back)")

    @task(2)
    def round(self):
        self.client.get(f"/me/rounds/{self.me['round']}/", name="candidate round page")

    @task(1)
    def brief(self):
        self.client.get(f"/me/rounds/{self.me['round']}/brief/", name="candidate brief")
