"""Registrations' names and contacts written before 0002 made them encrypted fields are still
plaintext in their columns: encrypt them, as referrals 0006/0007 did. A value already
encrypted is left as it is, so a database that applied 0002 after any sign-up is fixed too,
and running it twice changes nothing. Reversing puts the plaintext back, so 0002's reversal
to plain columns finds plaintext. Training records (0003) were encrypted from their first
row: nothing to do for them."""

from django.db import migrations

from commonweal.lib.encrypted_columns import migration_functions

ENCRYPT, DECRYPT = migration_functions("programs", {"Registration": ["name", "contact"]})


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_training_records"),
    ]

    operations = [
        migrations.RunPython(ENCRYPT, DECRYPT),
    ]
