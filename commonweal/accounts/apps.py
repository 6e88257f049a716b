from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "commonweal.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from commonweal.accounts import signals  # noqa: F401  (connects the audit receivers)
