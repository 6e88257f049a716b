"""URLs of this part (awareness campaigns and the health education library).

`manage_urlpatterns` join /programs/ (namespace "programs"); `public_urlpatterns` are mounted
by commonweal/urls.py (see there for the prefix and namespace)."""

from __future__ import annotations

manage_urlpatterns: list = []
public_urlpatterns: list = []
