"""`check_instruments [FILE ...]`: check questionnaire definitions before a partnership uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from commonweal.screening import instruments


class Command(BaseCommand):
    help = (
        "Check screening instrument definitions (JSON) against the instrument schema and their "
        "own references. With no file, check every bundled definition and those in "
        "COMMONWEAL_INSTRUMENTS_DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", type=Path, help="definition files to check")

    # The system check would stop at a bad local file before this command could say which
    # files are fine and which are not; this command is the fuller report.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[Path] = options["files"]
        instruments.clear_cache()
        if not files:
            try:
                files = [path for path, _local in instruments.definition_paths()]
            except instruments.InstrumentDefinitionError as error:
                raise CommandError(str(error)) from None
        try:
            loaded = {i.code: i for i in instruments.available()}
        except instruments.InstrumentDefinitionError as error:
            raise CommandError(str(error)) from None
        urls = {url: i for i in loaded.values() for url in i.canonicals}
        failures = 0
        for path in files:
            try:
                instrument = self._check(path, loaded, urls)
            except instruments.InstrumentDefinitionError as error:
                failures += 1
                self.stderr.write(str(error))
                continue
            self.stdout.write(_("ok: {code} ({file})").format(code=instrument.code, file=path))
        if failures:
            raise CommandError(_("{count} definition(s) failed the check").format(count=failures))

    def _check(
        self,
        path: Path,
        loaded: dict[str, instruments.Instrument],
        urls: dict[str, instruments.Instrument],
    ) -> instruments.Instrument:
        bundled = path.resolve().parent == instruments.BUNDLED_DIR
        instrument = instruments.load_file(path, local=not bundled)
        clash = loaded.get(instrument.code)
        if clash is not None and Path(clash.origin).resolve() != path.resolve():
            raise instruments.InstrumentDefinitionError(
                str(path),
                "$.code",
                f"code {instrument.code!r} is already used by {clash.origin}",
            )
        for url in instrument.canonicals:
            other = urls.get(url)
            if other is not None and Path(other.origin).resolve() != path.resolve():
                raise instruments.InstrumentDefinitionError(
                    str(path),
                    "$.url",
                    f"canonical URL {url!r} is already used by {other.origin}",
                )
        return instrument
