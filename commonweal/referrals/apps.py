from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "commonweal.referrals"
    label = "referrals"
    verbose_name = "People and referrals"
