"""Screening: validated questionnaires as data, scoring, and the crisis safety protocol."""
