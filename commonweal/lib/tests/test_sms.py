from __future__ import annotations

import base64
import io
import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from commonweal.lib import sms


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("(305) 555-0100", "+13055550100"),
        ("305.555.0100", "+13055550100"),
        ("1 305 555 0100", "+13055550100"),
        ("+1 305-555-0100", "+13055550100"),
    ],
)
def test_it_reads_us_numbers_written_the_usual_ways(typed: str, number: str) -> None:
    assert sms.us_number(typed) == number


@pytest.mark.parametrize(
    "typed",
    ["", "555-0100", "305555010", "0305550100", "3051550100", "call me", "+44 20 7946 0958"],
)
def test_it_refuses_what_is_not_a_us_number(typed: str) -> None:
    assert sms.us_number(typed) is None


def test_it_masks_all_but_the_last_four_digits() -> None:
    assert sms.mask("+13055550100") == "•••-•••-0100"
    assert "305" not in sms.mask("+13055550100")


def test_the_console_backend_prints_the_message_without_the_number() -> None:
    out = io.StringIO()
    sms.ConsoleBackend(stream=out).send("+13055550100", "Food pantry: 305-555-0199")
    printed = out.getvalue()
    assert "Food pantry: 305-555-0199" in printed
    assert "0100" in printed and "3055550100" not in printed


def test_console_is_the_default_backend_in_tests(settings, monkeypatch) -> None:
    settings.COMMONWEAL_SMS_BACKEND = None  # not configured
    monkeypatch.delenv("COMMONWEAL_SMS_BACKEND", raising=False)
    assert sms.backend_name() == "console" and sms.is_enabled()


def test_texting_is_off_by_default_in_production(settings, monkeypatch) -> None:
    settings.DEBUG = False
    settings.TESTING = False
    settings.COMMONWEAL_SMS_BACKEND = None  # not configured
    monkeypatch.delenv("COMMONWEAL_SMS_BACKEND", raising=False)
    assert not sms.is_enabled()
    with pytest.raises(sms.SmsError, match="not set up"):
        sms.send("+13055550100", "hello")


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path) -> None:
    settings.COMMONWEAL_SMS_BACKEND = "file"
    settings.COMMONWEAL_SMS_FILE_PATH = str(tmp_path / "sms")
    sms.send("+13055550100", "Weekend Food Pantry")
    sms.send("+13055550101", "Walk-in Clinic")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    texts = {f.read_text() for f in files}
    assert "To: +13055550100\n\nWeekend Food Pantry\n" in texts


class _FakeTwilio(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    status = 201

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        type(self).requests.append(
            {
                "path": self.path,
                "auth": self.headers["Authorization"],
                "form": dict(urllib.parse.parse_qsl(body)),
            }
        )
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        if type(self).status == 201:
            self.wfile.write(json.dumps({"sid": "SM123", "status": "queued"}).encode())
        else:
            self.wfile.write(
                json.dumps(
                    {"code": 21211, "message": "The 'To' number +13055550100 is not valid"}
                ).encode()
            )

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def twilio(settings) -> Iterator[type[_FakeTwilio]]:
    _FakeTwilio.requests = []
    _FakeTwilio.status = 201
    server = HTTPServer(("127.0.0.1", 0), _FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.COMMONWEAL_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC0123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+13055550000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""
    settings.TWILIO_API_BASE = f"http://127.0.0.1:{server.server_port}"
    yield _FakeTwilio
    server.shutdown()
    server.server_close()


def test_the_twilio_backend_posts_the_message_to_twilios_messages_resource(twilio) -> None:
    sms.send("+13055550100", "Weekend Food Pantry — 305-555-0199")
    [request] = twilio.requests
    assert request["path"] == "/2010-04-01/Accounts/AC0123/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(b"AC0123:secret-token").decode()
    assert request["form"] == {
        "To": "+13055550100",
        "From": "+13055550000",
        "Body": "Weekend Food Pantry — 305-555-0199",
    }


def test_the_twilio_backend_can_send_through_a_messaging_service(twilio, settings) -> None:
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG42"
    sms.send("+13055550100", "hello")
    form = twilio.requests[0]["form"]
    assert form["MessagingServiceSid"] == "MG42" and "From" not in form


def test_a_refused_message_gives_a_message_without_the_number(twilio, caplog) -> None:
    twilio.status = 400
    with pytest.raises(sms.SmsError) as raised:
        sms.send("+13055550100", "hello")
    assert "mobile number" in str(raised.value)
    assert "3055550100" not in str(raised.value)
    assert "3055550100" not in caplog.text and "21211" in caplog.text


def test_an_unreachable_twilio_is_a_clear_error(settings) -> None:
    settings.COMMONWEAL_SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC0123"
    settings.TWILIO_AUTH_TOKEN = "secret-token"
    settings.TWILIO_FROM_NUMBER = "+13055550000"
    settings.TWILIO_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(sms.SmsError, match="Try again later"):
        sms.send("+13055550100", "hello")


def test_twilio_without_credentials_is_not_set_up(settings, monkeypatch) -> None:
    settings.COMMONWEAL_SMS_BACKEND = "twilio"
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(sms.SmsError, match="not set up"):
        sms.send("+13055550100", "hello")
