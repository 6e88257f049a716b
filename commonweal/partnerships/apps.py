from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """The partnership workspace: partners, shared goals and indicators, plans, meetings."""

    name = "commonweal.partnerships"
    label = "partnerships"
    verbose_name = "Partnership workspace"
