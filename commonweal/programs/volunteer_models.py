"""Volunteer roles, sign-ups, matching, confirmation and hours.

Models of this part; imported by programs/models.py so Django finds them."""

from __future__ import annotations
