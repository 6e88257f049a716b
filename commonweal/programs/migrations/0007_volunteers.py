from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_personal_reminders"),
    ]

    operations = []
