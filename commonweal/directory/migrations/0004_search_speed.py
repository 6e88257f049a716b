"""Search speed at 100,000 services (issue 3):

- the known words of spelling correction and the index's generation token, kept at index
  time (`directory_search_word`, `directory_search_state`), filled here from the index
  already built, so no search reads the whole directory to build its dictionary;
- the insert triggers split off on PostgreSQL (a bulk import skips them), via
  `create_schema`;
- covering indexes on attribute for the two ways search reads it: the services filed
  under some categories (term → service, an index-only scan) and the categories of some
  services (service → term). Raw SQL rather than `Meta.indexes`, because the model belongs
  to the HSDS schema and these exist only for search.
"""

from django.db import migrations

INDEXES = (
    ("directory_attribute_term_entity_link", "taxonomy_term_id, link_entity, link_id"),
    ("directory_attribute_entity_link_term", "link_entity, link_id, taxonomy_term_id"),
)


def create_and_fill(apps, schema_editor):
    from commonweal.directory.search import index

    index.create_schema(schema_editor)
    if apps.get_model("directory", "Service").objects.exists():
        index.fill_words()


def drop(apps, schema_editor):
    from commonweal.directory.search import index

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {index.WORD_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {index.STATE_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_search_index")]

    operations = [
        migrations.RunPython(create_and_fill, drop),
        *(
            migrations.RunSQL(
                f"CREATE INDEX IF NOT EXISTS {name} ON directory_attribute ({columns})",
                f"DROP INDEX IF EXISTS {name}",
            )
            for name, columns in INDEXES
        ),
    ]
