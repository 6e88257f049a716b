"""Nothing a person told us reaches the logs or an error report: errors are triggered with
a person's name, date of birth, phone and notes in the form, the query string, the path and
an API body, and every log line, the mailed error report and the error page are searched."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from commonweal.referrals import fhir_import, people
from commonweal.referrals.tests.referral_fixtures import bearer
from commonweal.web.log_privacy import (
    HIDDEN,
    RedactRequestDetails,
    redacted_path,
    redacted_request_line,
)

# What must never be written anywhere but the database.
PERSON = {
    "given_name": "Zelda",
    "family_name": "Quixotic-Marrow",
    "date_of_birth": "1961-02-03",
    "phone": "305-555-0147",
    "safe_times": "hears voices at night, call only before noon",
}
TRACES = ["Zelda", "Quixotic", "1961-02-03", "555-0147", "5550147", "voices at night"]
NAME_QUERY = "q=Zelda+Quixotic-Marrow&dob=1961-02-03"


@pytest.fixture
def logs(caplog, capfd) -> Iterator[Callable[[], str]]:
    """Every log record at DEBUG, as written, plus the console output.

    All loggers log at DEBUG here except django.template, which the settings hold at INFO
    (test below): its DEBUG records dump whole template contexts."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    server = logging.getLogger("django.server")  # does not propagate to the root logger
    server.addHandler(caplog.handler)

    def written() -> str:
        formatted = "\n".join(caplog.handler.format(record) for record in caplog.records)
        out, err = capfd.readouterr()
        return "\n".join([formatted, out, err])

    yield written
    server.removeHandler(caplog.handler)


def assert_no_traces(*texts: str) -> None:
    for text in texts:
        for trace in TRACES:
            assert trace not in text, f"{trace!r} leaked into:\n{text[:3000]}"


@pytest.fixture
def admins_mail():
    with override_settings(ADMINS=[("Operations", "ops@example.org")]):
        mail.outbox = []
        yield mail.outbox


def reports(outbox) -> str:
    return "\n".join(
        f"{message.subject}\n{message.body}\n"
        + "".join(str(content) for content, _ in getattr(message, "alternatives", []))
        for message in outbox
    )


@pytest.mark.django_db
def test_a_person_form_that_fails_leaves_no_person_data_behind(
    navigator, logs, admins_mail, monkeypatch
) -> None:
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(people, "create_person", broken)
    client = Client(raise_request_exception=False)
    client.force_login(navigator)
    response = client.post(
        reverse("referrals:person_create") + "?" + NAME_QUERY,
        {**PERSON, "organization": navigator.memberships.get().organization_id},
    )
    assert response.status_code == 500
    text = logs()
    # The error was reported, to the log and to the admins, naming where it happened.
    assert "Internal Server Error: /people/new/" in text
    assert "RuntimeError: the database went away" in text
    assert len(admins_mail) == 1
    report = reports(admins_mail)
    assert "RuntimeError" in report and "/people/new/" in report
    assert "given_name" in report and HIDDEN in report  # the field is named, its value is not
    assert_no_traces(text, report, response.content.decode())


@pytest.mark.django_db
def test_an_api_call_that_fails_leaves_no_person_data_behind(
    navigator, logs, admins_mail, monkeypatch
) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "name": [{"given": ["Zelda"], "family": "Quixotic-Marrow"}],
                    "birthDate": "1961-02-03",
                    "telecom": [{"system": "phone", "value": "305-555-0147"}],
                    "note": "hears voices at night",
                }
            }
        ],
    }
    client = Client(raise_request_exception=False)
    url = "/api/v1/referrals/fhir?" + NAME_QUERY
    refused = client.post(url, json.dumps(bundle), "application/json", **bearer(navigator))
    assert refused.status_code == 400
    monkeypatch.setattr(fhir_import, "import_bundle", lambda **kwargs: 1 / 0)
    failed = client.post(url, json.dumps(bundle), "application/json", **bearer(navigator))
    assert failed.status_code == 500
    text = logs()
    assert "Bad Request: /api/v1/referrals/fhir" in text
    assert "Internal Server Error: /api/v1/referrals/fhir" in text
    assert "ZeroDivisionError" in text
    assert len(admins_mail) == 1
    assert_no_traces(text, reports(admins_mail), failed.content.decode())


@pytest.mark.django_db
def test_a_not_found_address_with_a_name_in_it_is_logged_without_it(
    navigator, client, logs
) -> None:
    client.force_login(navigator)
    assert client.get("/people/Zelda-Quixotic-Marrow/?" + NAME_QUERY).status_code == 404
    missing = reverse("referral:status_page", args=["ZELDA-QUIXOTIC"])
    assert client.get(missing + "?" + NAME_QUERY).status_code in {200, 404}
    text = logs()
    assert "Not Found: /people/…" in text
    assert_no_traces(text)


def test_runserver_request_lines_lose_their_query_and_path_words(logs) -> None:
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /search/?" + NAME_QUERY + " HTTP/1.1", "200", "5120"
    )
    logging.getLogger("django.server").info(
        '"%s" %s %s', "GET /people/Zelda-Quixotic-Marrow/ HTTP/1.1", "404", "179"
    )
    text = logs()
    assert '"GET /search/ HTTP/1.1" 200 5120' in text
    assert '"GET /people/… HTTP/1.1" 404 179' in text
    assert_no_traces(text)


def test_a_path_is_logged_as_its_url_pattern() -> None:
    assert redacted_path("/people/0b7c2a57-2c1f-4b6e-9a55-6f1f0f0d3c1e/edit/") == (
        "/people/<uuid:person_id>/edit/"
    )
    assert redacted_path("/referrals/status/ZELDA/?q=1") == "/referrals/status/<str:code>/"
    assert redacted_path("/") == "/"
    assert redacted_path("/no/such/Zelda") == "/no/…"
    assert redacted_request_line("not a request line Zelda") == HIDDEN


def test_the_filter_never_drops_a_record_and_leaves_other_loggers_words_alone() -> None:
    record = logging.LogRecord(
        "commonweal.referrals.outbox", logging.INFO, __file__, 1, "sent %s", ("/tmp/x",), None
    )
    assert RedactRequestDetails().filter(record) is True
    assert record.getMessage() == "sent /tmp/x"


def test_template_debug_records_which_dump_contexts_are_off() -> None:
    assert logging.getLogger("django.template").level == logging.INFO


def test_a_failing_log_handler_prints_nothing_about_the_record(capfd) -> None:
    # A malformed call (too few arguments) makes the handler fail; Python would print the
    # message and its arguments to stderr unless logging.raiseExceptions is off.
    logging.getLogger("commonweal.test").error("person %s %s", "Zelda Quixotic-Marrow")
    _, err = capfd.readouterr()
    assert_no_traces(err)
