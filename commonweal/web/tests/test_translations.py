"""The Spanish catalogue: complete, faithful to the code, shipped compiled, and used by the pages.

English and Spanish ship complete (docs/translation.md): a string marked for translation
that is missing from the catalogue, left empty or fuzzy, or whose placeholders or HTML
differ from the English fails here, with what to do about it.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

import commonweal
from commonweal.directory import hours

PACKAGE_DIR = Path(commonweal.__file__).resolve().parent
PO_PATH = PACKAGE_DIR / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
HOW_TO_FIX = (
    "Run `make messages`, translate the new entries in "
    "commonweal/locale/es/LC_MESSAGES/django.po (no fuzzy entries; see docs/translation.md), "
    "run `make messages` again to compile, and commit the .po and the .mo."
)
# The same folders `make messages` leaves out.
IGNORED_DIRS = {"tests", "locale", "__pycache__"}
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")

# printf-style (%(name)s, %d, %%), str.format-style ({0}, {count:,}) and HTML tags.
PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
BRACES = re.compile(r"\{[^{}]*\}")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")

Key = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)


def entry_key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def require_gettext() -> None:
    """Loud skip on a machine without GNU gettext; CI must have it."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"needs GNU gettext ({', '.join(missing)} not found; apt-get install gettext)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have GNU gettext: {reason}")
    pytest.skip(f"SKIPPED LOUDLY: {reason}")


def copy_sources(destination: Path) -> None:
    """The files makemessages reads, without data, tests or the committed catalogue."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name in IGNORED_DIRS
            or (Path(folder, name).is_file() and Path(name).suffix not in SOURCE_SUFFIXES)
        }

    shutil.copytree(PACKAGE_DIR, destination, ignore=ignore)


def extract_with_makemessages(workdir: Path) -> polib.POFile:
    """What `make messages` would put in a brand-new catalogue, written under workdir only."""
    source, locale = workdir / "commonweal", workdir / "locale"
    copy_sources(source)
    locale.mkdir()
    with override_settings(LOCALE_PATHS=[str(locale)]), contextlib.chdir(source):
        call_command(
            "makemessages",
            locale=["es"],
            ignore_patterns=["tests", "*/tests/*"],
            no_obsolete=True,
            verbosity=0,
        )
    return polib.pofile(str(locale / "es" / "LC_MESSAGES" / "django.po"))


# django.utils.translation functions -> positions of (msgctxt, msgid, msgid_plural) arguments.
GETTEXT_ARGS: dict[str, tuple[int | None, int, int | None]] = {
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def marked_in_python(path: Path) -> list[tuple[int, Key]]:
    """Literal strings passed to Django's gettext functions, wherever the call stands.

    Unlike xgettext this also sees calls inside f-strings, which `make messages` misses.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for name in node.names:
                if name.name in GETTEXT_ARGS:
                    aliases[name.asname or name.name] = name.name
        elif isinstance(node, ast.ImportFrom) and node.module == "django.utils":
            modules.update(n.asname or n.name for n in node.names if n.name == "translation")
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        if isinstance(function, ast.Name):
            name = aliases.get(function.id)
        elif isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            name = function.attr if function.value.id in modules else None
        else:
            name = None
        if name not in GETTEXT_ARGS:
            continue
        positions = GETTEXT_ARGS[name]
        values = []
        for position in positions:
            if position is None:
                values.append("")
                continue
            argument = node.args[position] if position < len(node.args) else None
            if not (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
                break
            values.append(argument.value)
        else:
            found.append((node.lineno, (values[0], values[1], values[2])))
    return sorted(found)


def python_sources() -> list[Path]:
    return sorted(
        path
        for path in PACKAGE_DIR.rglob("*.py")
        if not IGNORED_DIRS.intersection(path.relative_to(PACKAGE_DIR).parts)
        and "migrations" not in path.parts
    )


def placeholders(text: str, *, braces: bool) -> Counter[str]:
    found = PRINTF.findall(text) + HTML_TAG.findall(text)
    if braces:
        found += BRACES.findall(text)
    return Counter(found)


def test_it_has_no_untranslated_or_fuzzy_entries(catalogue: polib.POFile) -> None:
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"Untranslated Spanish entries: {untranslated}. {HOW_TO_FIX}"
    assert not fuzzy, f"Fuzzy Spanish entries (review, then drop the flag): {fuzzy}"
    assert not catalogue.metadata_is_fuzzy, "The catalogue header is marked fuzzy."
    assert len(catalogue) > 100


def test_it_uses_two_spanish_plural_forms(catalogue: polib.POFile) -> None:
    assert catalogue.metadata["Language"] == "es"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    plurals = [entry for entry in catalogue if entry.msgid_plural]
    assert plurals, "expected at least one plural entry"
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid


def test_it_has_every_string_the_code_marks_for_translation(
    catalogue: polib.POFile, tmp_path: Path
) -> None:
    require_gettext()
    fresh = extract_with_makemessages(tmp_path)
    committed = {entry_key(entry) for entry in catalogue}
    assert len(fresh) > 100, "makemessages found almost nothing: is the copy of the sources right?"
    missing = [
        f"  {':'.join(entry.occurrences[0]) if entry.occurrences else '?'}: {entry.msgid!r}"
        for entry in fresh
        if entry_key(entry) not in committed
    ]
    assert not missing, (
        f"{len(missing)} string(s) marked for translation are not in the Spanish catalogue:\n"
        + "\n".join(missing)
        + f"\n{HOW_TO_FIX}"
    )


def test_it_has_every_python_string_marked_for_translation(catalogue: polib.POFile) -> None:
    committed = {entry_key(entry) for entry in catalogue}
    missing = [
        f"  {path.relative_to(PACKAGE_DIR.parent)}:{line}: {key[1]!r}"
        for path in python_sources()
        for line, key in marked_in_python(path)
        if key not in committed
    ]
    assert not missing, (
        "Strings marked for translation in Python but not in the Spanish catalogue:\n"
        + "\n".join(missing)
        + "\nIf `make messages` does not pick one up, the call is probably inside an f-string, "
        "where xgettext cannot see it: translate into a variable first, then format. " + HOW_TO_FIX
    )


def test_it_finds_gettext_calls_that_xgettext_misses(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text(
        "from django.utils.translation import gettext as _, pgettext_lazy, ngettext\n"
        "from django.utils import translation\n"
        "a = f\"{name}: {_('file is missing')}\"\n"
        "b = pgettext_lazy('time of day', 'am')\n"
        "c = ngettext('%(n)s row', '%(n)s rows', 2)\n"
        "d = translation.gettext('Hello')\n"
        "e = _(variable)\n"
        "for _ignored in range(2):\n"
        "    pass\n"
    )
    assert [key for _line, key in marked_in_python(module)] == [
        ("", "file is missing", ""),
        ("time of day", "am", ""),
        ("", "%(n)s row", "%(n)s rows"),
        ("", "Hello", ""),
    ]


def test_it_keeps_placeholders_and_html_in_every_translation(catalogue: polib.POFile) -> None:
    problems = []
    for entry in catalogue.translated_entries():
        # xgettext flags "{count:,}" strings as brace-format only sometimes; check any braces.
        braces = "python-brace-format" in entry.flags or bool(BRACES.search(entry.msgid))
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural[0]),
                (entry.msgid_plural, entry.msgstr_plural[1]),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for english, spanish in pairs:
            expected = placeholders(english, braces=braces)
            actual = placeholders(spanish, braces=braces)
            if expected != actual:
                problems.append(f"{english!r}: expected {dict(expected)}, got {dict(actual)}")
    assert not problems, "Placeholders or HTML differ:\n" + "\n".join(problems)


def test_it_notices_a_changed_placeholder() -> None:
    assert placeholders("Hi %(name)s", braces=False) != placeholders(
        "Hola %(nombre)s", braces=False
    )
    assert placeholders("{count:,} more", braces=True) != placeholders("{count} más", braces=True)
    assert placeholders('<a href="%(u)s">x</a>', braces=False) == placeholders(
        '<a href="%(u)s">y</a>', braces=False
    )


def test_it_ships_a_compiled_catalogue_matching_the_po(catalogue: polib.POFile) -> None:
    assert MO_PATH.exists(), f"{MO_PATH} is missing. {HOW_TO_FIX}"
    compiled = polib.mofile(str(MO_PATH))

    def translations(entries: list) -> dict[Key, object]:
        return {
            entry_key(entry): (
                tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
            )
            for entry in entries
            if entry.msgid
        }

    expected, actual = translations(catalogue.translated_entries()), translations(list(compiled))
    stale = sorted(key[1] for key in expected.keys() ^ actual.keys()) + sorted(
        key[1] for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert not stale, f"django.mo does not match django.po for: {stale[:10]}. {HOW_TO_FIX}"
    assert compiled.metadata.get("Plural-Forms") == catalogue.metadata["Plural-Forms"]


def assert_spanish_home_page(html: str) -> None:
    assert '<html lang="es">' in html
    # The crisis banner, in Spanish, keeping the numbers and links.
    assert "Llame al 988 y oprima 2 (español)" in html
    # Crisis Text Line answers in Spanish to AYUDA; 988 to "press 2".
    assert "Envíe AYUDA al 741741" in html
    assert "sms:741741?&amp;body=AYUDA" in html
    assert "oprima 2" in html
    assert "Línea de Crisis para Veteranos:" in html and "llame al 988, luego oprima 1" in html
    assert "llame al 1-800-999-9999" in html and "llame al 911" in html
    assert 'href="tel:988"' in html and 'href="tel:911"' in html
    assert "Encuentre ayuda cerca de usted" in html
    assert "Find help near you" not in html


@pytest.mark.django_db
def test_it_shows_the_home_page_in_spanish_to_a_browser_asking_for_it(client) -> None:
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="es-US,es;q=0.9,en;q=0.5")
    assert response.status_code == 200
    assert_spanish_home_page(response.content.decode())


@pytest.mark.django_db
def test_it_shows_the_home_page_in_spanish_after_choosing_spanish(client) -> None:
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert_spanish_home_page(client.get(reverse("web:home")).content.decode())


@pytest.mark.django_db
def test_it_shows_the_home_page_in_english_by_default(client) -> None:
    html = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html
    assert "Call or text 988" in html and "Find help near you" in html
    assert "Llame o envíe un mensaje de texto al 988" not in html


def test_it_tells_opening_hours_in_spanish() -> None:
    with translation.override("es"):
        assert hours.time_label(dt.time(17, 0)) == "5:00 p. m."
        assert hours.period_label(dt.time(0, 0), dt.time(0, 0)) == "Abierto las 24 horas"
        assert hours.days_label(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]) == "Todos los días"


def test_it_uses_the_spanish_plural_for_every_count_but_one() -> None:
    # Django's own Spanish catalogue has a third ("millions") form; ours keeps two, and
    # Django applies each catalogue's own plural rule to its own strings.
    singular, plural = "%(counter)s service", "%(counter)s services"
    with translation.override("es"):
        said = {
            n: translation.ngettext(singular, plural, n) % {"counter": n} for n in (0, 1, 2, 10**6)
        }
    assert said == {
        0: "0 servicios",
        1: "1 servicio",
        2: "2 servicios",
        1000000: "1000000 servicios",
    }
