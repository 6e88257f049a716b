"""Awareness campaigns and the health education library.

Models of this part; imported by programs/models.py so Django finds them."""

from __future__ import annotations
