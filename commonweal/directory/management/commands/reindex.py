"""`commonweal reindex`: rebuild the search index from the directory."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from commonweal.directory.search import index


class Command(BaseCommand):
    help = "Rebuild the full-text search index of services from the directory."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = index.reindex_all()
        self.stdout.write(
            f"Indexed {count} services in {time.monotonic() - started:.1f} s "
            f"({index.indexed_count()} in the index)."
        )
