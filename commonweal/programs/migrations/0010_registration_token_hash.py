"""Registrations keep only a hash of their private link's token, no longer the token.

Every existing token's SHA-256 becomes the row's `token_hash`, so each link already sent
(in a confirmation, a reminder still queued) keeps working; the token column goes. Such a
row has no nonce, so the next message that needs its link re-keys it
(`registration.token_for`): a new derived link, the old hash kept as `previous_token_hash`.

Reversing cannot bring the tokens back (only their hashes were kept): each row gets a fresh
random token, so links sent before the reversal stop working.
"""

import hashlib
import secrets

from django.db import migrations, models

import commonweal.programs.models


def hash_tokens(apps, schema_editor):
    Registration = apps.get_model("programs", "Registration")
    rows = list(Registration.objects.only("pk", "token"))
    for row in rows:
        row.token_hash = hashlib.sha256(row.token.encode()).hexdigest()
    Registration.objects.bulk_update(rows, ["token_hash"], batch_size=500)


def fresh_tokens(apps, schema_editor):
    Registration = apps.get_model("programs", "Registration")
    rows = list(Registration.objects.only("pk"))
    for row in rows:
        row.token = secrets.token_urlsafe(24)
    Registration.objects.bulk_update(rows, ["token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0009_education_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="token_hash",
            field=models.CharField(max_length=64, null=True),
        ),
        migrations.AddField(
            model_name="registration",
            name="token_nonce",
            field=models.CharField(blank=True, default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="registration",
            name="previous_token_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        # Nullable for a moment, so that reversing can add the column back before it is filled.
        migrations.AlterField(
            model_name="registration",
            name="token",
            field=models.CharField(max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(hash_tokens, fresh_tokens),
        migrations.RemoveField(model_name="registration", name="token"),
        migrations.AlterField(
            model_name="registration",
            name="token_hash",
            field=models.CharField(
                default=commonweal.programs.models.unissued_token_hash, max_length=64, unique=True
            ),
        ),
    ]
