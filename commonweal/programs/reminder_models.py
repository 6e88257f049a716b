"""Personal reminders (appointments, medication, sessions) by text or email, with opt-out.

Models of this part; imported by programs/models.py so Django finds them."""

from __future__ import annotations
