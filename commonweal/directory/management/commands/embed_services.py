"""`commonweal embed_services`: bring the semantic search vectors in step with the directory."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from commonweal.directory.search import semantic


class Command(BaseCommand):
    help = (
        "Embed new and changed active services for semantic search (the `semantic` extra). "
        "Unchanged services keep their vectors, so running it after every import is cheap."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not semantic.is_available():
            raise CommandError(
                "The semantic extra is not installed: pip install -c requirements.lock "
                "-c requirements-semantic.lock -e '.[semantic]'"
            )
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  embedded {done} of {total}")

        summary = semantic.refresh_embeddings(progress=progress)
        self.stdout.write(
            f"{summary.embedded} services embedded, {summary.kept} unchanged, "
            f"{summary.removed} removed in {time.monotonic() - started:.1f} s "
            f"({semantic.store_path()})."
        )
