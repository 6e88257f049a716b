from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "commonweal.directory"
    label = "directory"
    verbose_name = "Directory"
