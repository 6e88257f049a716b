from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_encrypt_registrations"),
    ]

    operations = []
