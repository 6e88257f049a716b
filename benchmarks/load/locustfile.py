"""The load scenario (Locust, headless): residents searching (80 %), navigators screening
and referring (15 %), partner staff working their referral inbox (5 %), and a Baseline
class asking only for /healthz, run on its own for the ratio.

Run by benchmarks/bench_load.py, which prepares the database and the accounts file and
starts the production server; by hand:

    LOAD_ACCOUNTS=var/bench-load/sqlite/accounts.json .venv/bin/locust \
        -f benchmarks/load/locustfile.py --headless -u 50 -r 10 -t 60s \
        --host http://127.0.0.1:8000 Resident Navigator PartnerStaff

Every request is named "<class> · <what>", so Locust's own table reads per class; with
LOAD_SAMPLES set, each request's time, class, name and error is also written there as JSON
when Locust stops (bench_load.py computes its percentiles from them).

The simulated users stand behind the reverse proxy production has: X-Forwarded-Proto:
https (the server keeps its secure cookies; the client sends them over loopback) and one
X-Forwarded-For address per user.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

import scenario  # noqa: E402

ACCOUNTS: dict = {}
if os.environ.get("LOAD_ACCOUNTS"):
    ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
_next_address = itertools.count(1)
_next_account = {"navigator": itertools.count(), "partner": itertools.count()}
SAMPLES: list[tuple[str, str, float, str]] = []
REFERRAL_LINK = re.compile(r'href="/referrals/([0-9a-f-]{36})/"')
PERSON_RECORD = re.compile(r"/screening/records/[0-9a-f-]{36}/")
REFERRAL_PAGE = re.compile(r"/referrals/[0-9a-f-]{36}/$")


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, context, **kw):
    SAMPLES.append(
        (context.get("class", "?"), name, response_time, repr(exception) if exception else "")
    )


@events.quitting.add_listener
def _write_samples(environment, **kw):
    target = os.environ.get("LOAD_SAMPLES")
    if target:
        # Exceptions raised in a task (a page without the form it should have) are not
        # requests: Locust keeps them apart, and they count as errors here.
        crashes = [
            {"count": e["count"], "error": e["msg"]} for e in environment.runner.exceptions.values()
        ]
        Path(target).write_text(json.dumps({"samples": SAMPLES, "exceptions": crashes}))


class SecureOverLoopback(DefaultCookiePolicy):
    """The server marks its cookies Secure (it was told the scheme is https); the proxy's
    TLS is not on loopback, so the client sends them back over plain http here."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Visitor(FastHttpUser):
    abstract = True
    wait_time = between(*scenario.wait_seconds(os.environ.get("LOAD_WAIT")))
    label = "?"

    def __init__(self, *args, **kwargs) -> None:
        n = next(_next_address)
        self.rng = random.Random(n)
        # What nginx would add: the scheme it was reached by and the caller's address
        # (FastHttpUser sends default_headers with every request of this user's client).
        self.default_headers = {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
        }
        super().__init__(*args, **kwargs)
        self.client.cookiejar.set_policy(SecureOverLoopback())

    def context(self) -> dict:
        return {"class": self.label}

    def name(self, what: str) -> str:
        return f"{self.label} · {what}"

    def get(self, route: str, query=None, **parts: str):
        return self.client.get(scenario.path(route, query, **parts), name=self.name(route))

    def post(self, url: str, data: list[tuple[str, str]], what: str, **kwargs):
        # Django checks the Origin of a POST made over https against the host.
        headers = {
            "Origin": "https://" + self.client.base_url.split("://", 1)[1].rstrip("/"),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.client.post(
            url, data=urlencode(data), headers=headers, name=self.name(what), **kwargs
        )


class Baseline(Visitor):
    """The cheapest page that touches the database, under the same users and think time."""

    label = "baseline"

    @task
    def healthz(self) -> None:
        self.get("healthz")


class Resident(Visitor):
    weight = scenario.WEIGHTS["resident"]
    label = "resident"

    @task(4)
    def search_page(self) -> None:
        kind, query = scenario.page_search(self.rng)
        self.client.get(
            scenario.path("search page", query), name=self.name(f"search page ({kind})")
        )

    @task(4)
    def api_search_and_service(self) -> None:
        kind, query = scenario.api_search(self.rng)
        response = self.client.get(
            scenario.path("api search", query), name=self.name(f"api search ({kind})")
        )
        try:
            results = response.json()["results"]
        except (ValueError, KeyError, TypeError):
            return  # the failed request is already counted
        if results:
            service = self.rng.choice(results[:5])["service_id"]
            self.get("service page", service=service)

    @task(1)
    def home(self) -> None:
        self.get("home")

    @task(1)
    def categories(self) -> None:
        self.get("categories")


class Staff(Visitor):
    abstract = True
    kind = "?"

    def on_start(self) -> None:
        accounts = ACCOUNTS[self.kind + "s"]
        self.account = accounts[next(_next_account[self.kind]) % len(accounts)]
        page = self.get("login")
        form = scenario.post_form(page.text, scenario.path("login"))
        data = list(form.hidden.items()) + [
            ("username", self.account["username"]),
            ("password", self.account["password"]),
        ]
        signed_in = self.post(scenario.path("login"), data, "login")
        form = scenario.post_form(signed_in.text, "")
        data = list(form.hidden.items()) + [("code", scenario.totp(self.account["totp_key"]))]
        with self.post(scenario.path("two-step"), data, "two-step", catch_response=True) as done:
            if "/accounts/two-step/" in (done.url or ""):
                done.failure("the second factor was refused")


class Navigator(Staff):
    """Screens one of their clients, then refers them to a partner's service."""

    weight = scenario.WEIGHTS["navigator"]
    label = "navigator"
    kind = "navigator"

    @task(2)
    def worklist(self) -> None:
        self.get("worklist")

    @task(1)
    def people(self) -> None:
        self.get("people")
        self.get("person", person=self.rng.choice(self.account["people"]))

    @task(3)
    def screen(self) -> None:
        person = self.rng.choice(self.account["people"])
        page = self.get("screening form", person=person, code=scenario.SCREENING_CODE)
        url = scenario.path("screening form", person=person, code=scenario.SCREENING_CODE)
        form = scenario.post_form(page.text, url)
        if form is None:
            raise RuntimeError(f"no screening form on {url} ({page.status_code})")
        with self.post(
            url, scenario.fill(form, self.rng), "screening submit", catch_response=True
        ) as done:
            if not PERSON_RECORD.search(done.url or ""):
                done.failure(f"not recorded (ended at {done.url}, {done.status_code})")

    @task(3)
    def refer(self) -> None:
        query = {
            "service": self.rng.choice(ACCOUNTS["services"]),
            "person": self.rng.choice(self.account["people"]),
        }
        page = self.get("refer form", query)
        form = scenario.post_form(page.text, "")
        if form is None:
            raise RuntimeError(f"no referral form ({page.status_code})")
        data = scenario.fill(form, self.rng, skip=frozenset({"needs", "service_at_location"}))
        data += [("needs", self.rng.choice(("food", "living-situation", "utilities")))]
        locations = form.choices.get("service_at_location") or [""]
        data.append(("service_at_location", locations[0]))
        url = scenario.path("refer form", query)
        with self.post(url, data, "refer submit", catch_response=True) as done:
            if not REFERRAL_PAGE.search(done.url or ""):
                done.failure(f"no referral made (ended at {done.url}, {done.status_code})")


class PartnerStaff(Staff):
    """Opens the inbox, then one referral, and moves it on: accept (or decline), start,
    complete with an outcome."""

    weight = scenario.WEIGHTS["partner"]
    label = "partner"
    kind = "partner"

    @task
    def work_inbox(self) -> None:
        inbox = self.get("inbox")
        ids = REFERRAL_LINK.findall(inbox.text)
        if not ids:
            return
        referral = self.rng.choice(ids[:10])
        page = self.get("referral", referral=referral)
        moves = {
            f.hidden.get("status"): f
            for f in scenario.forms(page.text)
            if f.method == "post" and f.action.endswith("/move/")
        }
        for wanted in ("accepted", "in-progress", "completed"):
            if wanted in moves:
                break
        else:
            return
        if wanted == "accepted" and "rejected" in moves and self.rng.random() < 0.15:
            wanted = "rejected"
        form = moves[wanted]
        data = list(form.hidden.items())
        for name in ("reason", "outcome"):
            if form.choices.get(name):
                data.append((name, form.choices[name][0]))
        url = scenario.path("move", referral=referral)
        with self.post(url, data, f"move to {wanted}", catch_response=True) as done:
            if done.status_code == 409:
                done.success()  # another worker moved it first: the page says so, not an error
