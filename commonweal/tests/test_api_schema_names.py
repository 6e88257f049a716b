"""Every schema of the JSON API has a name of its own.

django-ninja names an OpenAPI component after its class and keeps the last class of a name,
so two `Message` schemas of different shapes make the document describe one operation's
answers with another's (schemathesis then finds responses that "violate" it).
"""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import commonweal.api  # noqa: F401  (imports every router, so every schema is defined)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("commonweal."):
            by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}
