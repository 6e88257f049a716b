"""People, a referral's service and consent for the backup tests' world."""

from commonweal.referrals.tests.people_fixtures import other_person, person
from commonweal.referrals.tests.referral_fixtures import consent, service, site

__all__ = ["consent", "other_person", "person", "service", "site"]
