"""Chain the audit log: every existing event gets prev_hash and hash, in id order."""

from django.db import migrations, models

from commonweal.accounts import audit_chain

BATCH = 2000


def chain_existing_events(apps, schema_editor) -> None:
    # The canonical form is imported, not copied: it is frozen (see audit_chain.py), and
    # `commonweal audit verify` must recompute exactly these hashes.
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    events = AuditEvent.objects.using(schema_editor.connection.alias)
    prev_hash = audit_chain.GENESIS
    last_id = 0
    while True:
        rows = list(
            events.filter(id__gt=last_id)
            .order_by("id")
            .values(
                "id",
                "at",
                "actor_id",
                "actor_label",
                "action",
                "object_type",
                "object_id",
                "person_id",
                "ip_address",
                "detail",
            )[:BATCH]
        )
        if not rows:
            return
        chained = []
        for row in rows:
            actor_ref = str(row["actor_id"]) if row["actor_id"] is not None else ""
            digest = audit_chain.event_hash(
                at=row["at"],
                actor_label=row["actor_label"],
                actor_ref=actor_ref,
                action=row["action"],
                object_type=row["object_type"],
                object_id=row["object_id"],
                person_id=row["person_id"],
                ip_address=row["ip_address"],
                detail=row["detail"],
                prev_hash=prev_hash,
            )
            chained.append(
                AuditEvent(id=row["id"], actor_ref=actor_ref, prev_hash=prev_hash, hash=digest)
            )
            prev_hash = digest
        events.bulk_update(chained, ["actor_ref", "prev_hash", "hash"])
        last_id = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="actor_ref",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "view"),
                    ("create", "create"),
                    ("update", "update"),
                    ("delete", "delete"),
                    ("export", "export"),
                    ("login", "login"),
                    ("logout", "logout"),
                    ("login_failed", "login failed"),
                    ("token_create", "token created"),
                    ("token_revoke", "token revoked"),
                    ("import", "import"),
                    ("erase", "erase"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(chain_existing_events, migrations.RunPython.noop, elidable=False),
        # Unique only once every row has its own previous hash.
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
