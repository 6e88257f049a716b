from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    """Programmes, their sessions and the public calendar of events."""

    name = "commonweal.programs"
    label = "programs"
    verbose_name = "Programmes and events"
