"""The Open Eligibility taxonomy as search needs it: terms by code and by name, and each
term's descendants, read once and kept while the taxonomy is unchanged.

Reading the tree costs a query over every term of every taxonomy (thousands with a 211
source's own codes); a search only needs to know the tree has not changed, which a
count and the largest id tell in one cheap query.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from threading import Lock

from django.db.models import CharField, Count, Max, Q
from django.db.models.functions import Cast

from commonweal.directory.models import TaxonomyTerm
from commonweal.directory.sources.open_eligibility import SITUATIONS_TAXONOMY_NAME, TAXONOMY_NAME

NAMES = (TAXONOMY_NAME, SITUATIONS_TAXONOMY_NAME)


@dataclass
class Tree:
    fingerprint: tuple = ()
    by_code: dict[str, list[TaxonomyTerm]] = field(default_factory=dict)
    by_name: dict[str, list[TaxonomyTerm]] = field(default_factory=dict)
    children: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)

    def descendants(self, roots: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The roots and every term below them (cycle-safe)."""
        seen: dict[uuid.UUID, None] = {}
        frontier = list(roots)
        while frontier:
            current = frontier.pop()
            if current in seen:
                continue
            seen[current] = None
            frontier.extend(self.children.get(current, ()))
        return list(seen)


_tree = Tree()
_lock = Lock()


def _fingerprint() -> tuple:
    # Cast: PostgreSQL has no MAX over uuid.
    figures = TaxonomyTerm.objects.aggregate(
        count=Count("id"), last=Max(Cast("id", output_field=CharField()))
    )
    return (figures["count"], figures["last"])


def tree() -> Tree:
    """The Open Eligibility terms (services and situations), current."""
    global _tree
    fingerprint = _fingerprint()
    if _tree.fingerprint == fingerprint:
        return _tree
    with _lock:
        terms = list(
            TaxonomyTerm.objects.filter(
                Q(taxonomy__name__in=NAMES) | Q(taxonomy_name__in=NAMES)
            ).only("id", "code", "name", "parent_id")
        )
        by_code: dict[str, list[TaxonomyTerm]] = defaultdict(list)
        by_name: dict[str, list[TaxonomyTerm]] = defaultdict(list)
        children: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for term in terms:
            by_code[term.code].append(term)
            by_name[term.name].append(term)
            if term.parent_id is not None:
                children[term.parent_id].append(term.pk)
        _tree = Tree(fingerprint, dict(by_code), dict(by_name), dict(children))
    return _tree
