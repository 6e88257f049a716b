from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "commonweal.screening"
    label = "screening"
    verbose_name = "Screening"
