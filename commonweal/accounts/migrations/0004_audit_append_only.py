"""Make the audit log append-only in the database itself, not only in Python.

Triggers refuse every UPDATE of an audit event, except the one user deletion needs (actor
set to NULL, everything else unchanged: the hash covers the actor's id kept as text), and
every DELETE. The one way to empty the table is `flush` — the command that wipes the whole
database, which test runs use between transactional tests: it raises a flag in
`commonweal_audit_maintenance` inside its own transaction (commands/flush.py), so no other
connection ever sees the flag raised. That table is not a model's, so flush never empties
it. On PostgreSQL flush is TRUNCATE, which row triggers don't see: a statement trigger
checks the same flag.

SQLite rebuilds a table (and drops its triggers) when a migration alters it: a later
migration that changes AuditEvent must run these statements again; the test
`test_audit_guard.py` and `commonweal audit verify` both notice missing triggers.
"""

from django.db import migrations

MAINTENANCE_TABLE = "commonweal_audit_maintenance"
MESSAGE = "audit events are append-only"
# Every column but actor_id; an UPDATE may set actor_id to NULL and nothing else.
KEPT_COLUMNS = (
    "id",
    "at",
    "actor_label",
    "actor_ref",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "ip_address",
    "detail",
    "prev_hash",
    "hash",
)

SQLITE_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} "
    "(id integer PRIMARY KEY CHECK (id = 1), allow_flush integer NOT NULL DEFAULT 0)",
    f"INSERT OR IGNORE INTO {MAINTENANCE_TABLE} (id, allow_flush) VALUES (1, 0)",
    "CREATE TRIGGER commonweal_audit_no_update BEFORE UPDATE ON accounts_auditevent "
    "WHEN NOT (NEW.actor_id IS NULL AND "
    + " AND ".join(f"NEW.{column} IS OLD.{column}" for column in KEPT_COLUMNS)
    + f") BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "CREATE TRIGGER commonweal_audit_no_delete BEFORE DELETE ON accounts_auditevent "
    f"WHEN (SELECT allow_flush FROM {MAINTENANCE_TABLE} WHERE id = 1) IS NOT 1 "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS commonweal_audit_no_update",
    "DROP TRIGGER IF EXISTS commonweal_audit_no_delete",
    f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}",
]

POSTGRESQL_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {MAINTENANCE_TABLE} "
    "(id integer PRIMARY KEY CHECK (id = 1), allow_flush boolean NOT NULL DEFAULT false)",
    f"INSERT INTO {MAINTENANCE_TABLE} (id, allow_flush) VALUES (1, false) ON CONFLICT DO NOTHING",
    f"""
    CREATE OR REPLACE FUNCTION commonweal_audit_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            -- Whole-row comparison, so a column added later is covered without a change here.
            IF NEW.actor_id IS NULL
               AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
                RETURN NEW;
            END IF;
        ELSIF TG_OP = 'TRUNCATE' THEN
            IF EXISTS (SELECT 1 FROM {MAINTENANCE_TABLE} WHERE id = 1 AND allow_flush) THEN
                RETURN NULL;
            END IF;
        END IF;
        RAISE EXCEPTION '{MESSAGE} (% refused)', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$
    """,
    "CREATE TRIGGER commonweal_audit_no_change BEFORE UPDATE OR DELETE ON accounts_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION commonweal_audit_append_only()",
    "CREATE TRIGGER commonweal_audit_no_truncate BEFORE TRUNCATE ON accounts_auditevent "
    "FOR EACH STATEMENT EXECUTE FUNCTION commonweal_audit_append_only()",
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS commonweal_audit_no_change ON accounts_auditevent",
    "DROP TRIGGER IF EXISTS commonweal_audit_no_truncate ON accounts_auditevent",
    "DROP FUNCTION IF EXISTS commonweal_audit_append_only()",
    f"DROP TABLE IF EXISTS {MAINTENANCE_TABLE}",
]

STATEMENTS = {
    "sqlite": (SQLITE_INSTALL, SQLITE_REMOVE),
    "postgresql": (POSTGRESQL_INSTALL, POSTGRESQL_REMOVE),
}


def _run(schema_editor, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"No append-only guard for the audit log on {vendor}.")
    for statement in STATEMENTS[vendor][which]:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor) -> None:
    _run(schema_editor, 0)


def remove(apps, schema_editor) -> None:
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_hash_chain"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
