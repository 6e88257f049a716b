from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "commonweal.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        # SQLite drops a table's triggers when a migration re-creates the table: put the
        # search index's triggers back after every migrate.
        from django.db.models.signals import post_migrate

        from commonweal.directory.search import index

        post_migrate.connect(index.ensure_triggers, sender=self, dispatch_uid="search-triggers")
