"""`commonweal embed_services`: the semantic vectors, refreshed from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commonweal.directory.models import Service
from commonweal.directory.search import semantic
from commonweal.directory.tests.search_directory import build_search_directory
from commonweal.directory.tests.test_search_semantic import needs_extra


@pytest.mark.django_db
def test_it_says_how_to_install_the_extra_when_it_is_missing(monkeypatch) -> None:
    monkeypatch.setattr(semantic, "is_available", lambda: False)
    with pytest.raises(CommandError, match=r"\.\[semantic\]"):
        call_command("embed_services")


@needs_extra
@pytest.mark.django_db
def test_it_embeds_active_services_once_then_keeps_them(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    build_search_directory()
    active = Service.objects.filter(status="active").count()
    out = StringIO()
    call_command("embed_services", stdout=out)
    assert f"{active} services embedded, 0 unchanged" in out.getvalue()
    out = StringIO()
    call_command("embed_services", stdout=out)
    assert f"0 services embedded, {active} unchanged" in out.getvalue()
