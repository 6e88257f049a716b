from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "commonweal.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        # Registers the system check that validates every instrument definition.
        from commonweal.screening import instruments  # noqa: F401
