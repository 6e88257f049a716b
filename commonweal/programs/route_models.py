"""Mobile services: a route of stops (location + schedule) and "the next stop near me".

Models of this part; imported by programs/models.py so Django finds them."""

from __future__ import annotations
