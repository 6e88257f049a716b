"""The referral tests' service (accepting referrals, at one location) for the load scenario."""

from commonweal.referrals.tests.referral_fixtures import service, site

__all__ = ["service", "site"]
