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

        # The home and category pages' counts are cached (browse.py): a listing saved or
        # removed, or its categories changed, makes them count again.
        from django.db.models.signals import post_delete, post_save

        from commonweal.directory import browse
        from commonweal.directory.models import Attribute, Service, TaxonomyTerm

        for model in (Service, Attribute, TaxonomyTerm):
            for signal in (post_save, post_delete):
                signal.connect(
                    browse.directory_changed, sender=model, dispatch_uid=f"counts-{model.__name__}"
                )
