"""The person's status code: added empty, filled for existing referrals, then made unique."""

from django.db import migrations, models

import commonweal.referrals.models


def fill_codes(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    for referral in Referral.objects.filter(status_code__isnull=True).only("pk"):
        Referral.objects.filter(pk=referral.pk).update(
            status_code=commonweal.referrals.models.new_status_code()
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_consent_referrals")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="status_code",
            field=models.CharField(editable=False, max_length=12, null=True),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="referral",
            name="status_code",
            field=models.CharField(
                default=commonweal.referrals.models.new_status_code,
                editable=False,
                max_length=12,
                null=True,
                unique=True,
            ),
        ),
    ]
