"""Twilio's inbound-message webhook: the signature, and STOP / START / HELP in two languages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from commonweal.programs import opt_out, personal_reminders, twilio_inbound
from commonweal.programs.tests.test_personal_reminders import E164, values
from commonweal.referrals import outbox

TOKEN = "test-auth-token"
SITE = "https://reminders.example.org"


def test_it_computes_twilios_published_example_signature() -> None:
    # Twilio's documented example (webhooks security; the SDKs' RequestValidator tests).
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675310",
        "Digits": "1234",
        "From": "+14158675310",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_inbound.signature("12345", url, params.items()) == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    assert twilio_inbound.is_signed(
        auth_token="12345", url=url, params=params.items(), header="GvWf1cFY/Q7PnoempGyD5oXAezc="
    )
    changed = {**params, "Digits": "1235"}
    assert not twilio_inbound.is_signed(
        auth_token="12345", url=url, params=changed.items(), header="GvWf1cFY/Q7PnoempGyD5oXAezc="
    )


def test_no_auth_token_means_nothing_is_signed() -> None:
    assert not twilio_inbound.is_signed(auth_token="", url="x", params=[], header="anything")


@pytest.mark.parametrize(
    ("body", "word"),
    [("STOP", "STOP"), (" stop! ", "STOP"), ("Stop all", "STOPALL"), ("don't stop", "DONTSTOP")],
)
def test_a_keyword_is_the_whole_message(body: str, word: str) -> None:
    assert twilio_inbound.normalise_keyword(body) == word


@pytest.fixture
def webhook(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.COMMONWEAL_SITE_URL = SITE
    settings.COMMONWEAL_SMS_BACKEND = "console"
    settings.TIME_ZONE = "America/New_York"
    path = reverse("reminders:sms_inbound")

    def post(body: str, *, sign: bool = True, sender: str = E164, signature: str = ""):
        params = {"From": sender, "To": "+13055550100", "Body": body, "MessageSid": "SM1"}
        headers = {}
        if sign:
            headers["HTTP_X_TWILIO_SIGNATURE"] = signature or twilio_inbound.signature(
                TOKEN, SITE + path, params.items()
            )
        return Client().post(path, params, **headers)

    return post


@pytest.fixture
def queued(db, webhook):
    plan = personal_reminders.create_for_resident(values=values())
    personal_reminders.confirm(plan)
    personal_reminders.queue_due()
    return plan


def pending():
    return outbox.OutboxMessage.objects.filter(
        kind=personal_reminders.KIND, status=outbox.OutboxStatus.PENDING
    )


@pytest.mark.django_db
def test_an_unsigned_request_is_refused_and_changes_nothing(queued, webhook) -> None:
    response = webhook("STOP", sign=False)
    assert response.status_code == 403
    assert not opt_out.is_opted_out(E164) and pending().exists()


@pytest.mark.django_db
def test_a_wrongly_signed_request_is_refused(queued, webhook) -> None:
    response = webhook("STOP", signature="GvWf1cFY/Q7PnoempGyD5oXAezc=")
    assert response.status_code == 403
    assert not opt_out.is_opted_out(E164)


@pytest.mark.django_db
def test_a_get_is_not_allowed(webhook) -> None:
    assert Client().get(reverse("reminders:sms_inbound")).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["STOP", "stopall", "Unsubscribe", "CANCEL", "END", "QUIT"])
def test_a_signed_stop_opts_out_and_cancels_the_queued_reminder(queued, webhook, word) -> None:
    response = webhook(word)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response><Message>" in response.content and b"START" in response.content
    assert opt_out.is_opted_out(E164)
    assert not pending().exists()
    assert outbox.deliver_due().sent == 0


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["ALTO", "parar"])
def test_spanish_stop_words_opt_out_too(queued, webhook, word) -> None:
    response = webhook(word)
    assert response.status_code == 200
    assert opt_out.is_opted_out(E164) and not pending().exists()


@pytest.mark.django_db
def test_start_and_unstop_opt_back_in(queued, webhook) -> None:
    webhook("STOP")
    assert webhook("START").status_code == 200
    assert not opt_out.is_opted_out(E164)
    webhook("STOP")
    webhook("unstop")
    assert not opt_out.is_opted_out(E164)
    assert personal_reminders.queue_due().queued >= 1


@pytest.mark.django_db
def test_help_says_how_to_stop_and_where_crisis_help_is(webhook) -> None:
    response = webhook("HELP")
    assert b"STOP" in response.content and b"988" in response.content


@pytest.mark.django_db
def test_any_other_text_is_answered_with_nothing(queued, webhook) -> None:
    response = webhook("thanks, see you then")
    assert response.status_code == 200
    assert b"<Message>" not in response.content
    assert not opt_out.is_opted_out(E164)


@pytest.mark.django_db
def test_the_number_is_never_logged(queued, webhook, caplog) -> None:
    webhook("STOP")
    assert "5550142" not in caplog.text
