"""People a partnership serves, consent, and referrals followed until the person is served."""
