"""The health education library's starter pages, from the files in programs/data/education/
(English and Spanish). Pages already present are left alone; reversing removes nothing,
since editors may have changed the pages since."""

from django.db import migrations


def load(apps, schema_editor):
    from commonweal.programs import education

    education.load_starter_pages(
        page_model=apps.get_model("programs", "EducationPage"),
        version_model=apps.get_model("programs", "PageVersion"),
        topic_model=apps.get_model("programs", "PageTopic"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0008_campaigns_education"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
