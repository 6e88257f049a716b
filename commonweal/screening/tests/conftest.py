"""Fixtures for the screening page, safety and stored-API tests: people and a small directory."""

from commonweal.referrals.tests.people_fixtures import other_person, person
from commonweal.screening.tests.directory_fixtures import small_food_directory

__all__ = ["other_person", "person", "small_food_directory"]
