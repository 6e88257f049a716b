"""URLs of this part (volunteer roles, sign-ups, matching, confirmation and hours).

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` are mounted
by commonweal/urls.py (see there for the prefix and namespace)."""

from __future__ import annotations

manage_urlpatterns: list = []
public_urlpatterns: list = []
