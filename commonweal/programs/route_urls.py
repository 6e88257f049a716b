"""URLs of this part (mobile services: a route of stops (location + schedule) and "the next stop near me").

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` are mounted
by commonweal/urls.py (see there for the prefix and namespace)."""

from __future__ import annotations

manage_urlpatterns: list = []
public_urlpatterns: list = []
