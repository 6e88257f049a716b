from __future__ import annotations

from django.test import RequestFactory

from commonweal.accounts.audit import client_ip


def test_it_uses_the_socket_address_when_there_is_no_trusted_proxy(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.9"


def test_it_reads_the_client_from_the_trusted_proxy_hop(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; nginx appended the real address.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7"
    )
    assert client_ip(request) == "198.51.100.7"


def test_it_falls_back_to_the_socket_address_on_a_garbled_header(settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_ip(request) == "127.0.0.1"
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "127.0.0.1"
