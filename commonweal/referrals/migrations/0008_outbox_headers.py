"""Outbox messages carry their own email headers (List-Unsubscribe on reminders); existing
rows get none."""

from django.db import migrations

import commonweal.lib.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_encrypt_contact_details"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="headers",
            field=commonweal.lib.encrypted_fields.EncryptedJSONField(blank=True, default=dict),
        ),
    ]
