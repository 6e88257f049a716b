from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Counts without people: de-identification, and (issue 9) gaps, outcomes, early warning."""

    name = "commonweal.insights"
    label = "insights"
    verbose_name = "Insights"
