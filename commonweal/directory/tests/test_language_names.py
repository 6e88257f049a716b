from __future__ import annotations

from django.utils import translation

from commonweal.directory.language_names import display_name


def test_it_names_a_language_in_the_active_language_by_its_code() -> None:
    with translation.override("es"):
        assert display_name(name="English", code="en") == "Inglés"
        assert display_name(name="Haitian Creole", code="ht") == "Criollo haitiano"
    with translation.override("en"):
        assert display_name(name="english", code="EN") == "English"


def test_it_keeps_the_stored_name_when_it_says_more_or_the_code_is_unknown() -> None:
    with translation.override("es"):
        assert display_name(name="Mandarin", code="zh") == "Mandarin"
        assert display_name(name="Kreyol", code="") == "Kreyol"
        assert display_name(name="Klingon", code="tlh") == "Klingon"
