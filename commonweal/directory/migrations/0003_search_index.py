"""The full-text search index (SQLite FTS5 or PostgreSQL tsvector + GIN), built for the
services already stored. See commonweal/directory/search/index.py."""

from django.db import migrations


def create_and_fill(apps, schema_editor):
    from commonweal.directory.search import index

    index.create_schema(schema_editor)
    # The historical models are not needed: the index reads only columns that exist in
    # 0001 (service, organisation, attribute, taxonomy term, language).
    if apps.get_model("directory", "Service").objects.exists():
        index.reindex_all()


def drop(apps, schema_editor):
    from commonweal.directory.search import index

    index.drop_schema(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_intake")]

    operations = [migrations.RunPython(create_and_fill, drop)]
