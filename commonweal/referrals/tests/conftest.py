"""People fixtures for the referrals tests (defined in people_fixtures, shared with screening)."""

from commonweal.referrals.tests.people_fixtures import other_person, person

__all__ = ["other_person", "person"]
