"""Refuse, in the database itself, any change to the text of a published version.

The service layer and the models already refuse it; these triggers close the last doors (raw
SQL, ``QuerySet.update()``, ``bulk_update()``, a cascade) on PostgreSQL and SQLite alike.
Status may still move forward (draft → open → closed), never back.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION drafts_guard_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'drafts: version % is published and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (
        NEW.source IS DISTINCT FROM OLD.source
        OR NEW.draft_id <> OLD.draft_id
        OR NEW.number <> OLD.number
        OR NEW.line_count <> OLD.line_count
        OR NEW.status = 'draft'
        OR (OLD.status = 'closed' AND NEW.status <> 'closed')
    ) THEN
        RAISE EXCEPTION 'drafts: version % is published; its text is frozen', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard_version
    BEFORE UPDATE OR DELETE ON drafts_draftversion
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_version();

CREATE OR REPLACE FUNCTION drafts_guard_text() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM drafts_draftversion WHERE id = OLD.version_id AND status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'drafts: version % is published; its text is frozen', OLD.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM drafts_draftversion WHERE id = NEW.version_id AND status <> 'draft'
    ) THEN
        RAISE EXCEPTION 'drafts: version % is published; its text is frozen', NEW.version_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard_section
    BEFORE INSERT OR UPDATE OR DELETE ON drafts_section
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_text();
CREATE TRIGGER drafts_guard_line
    BEFORE INSERT OR UPDATE OR DELETE ON drafts_line
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_text();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS drafts_guard_line ON drafts_line;
DROP TRIGGER IF EXISTS drafts_guard_section ON drafts_section;
DROP TRIGGER IF EXISTS drafts_guard_version ON drafts_draftversion;
DROP FUNCTION IF EXISTS drafts_guard_text();
DROP FUNCTION IF EXISTS drafts_guard_version();
"""

_FROZEN = "SELECT RAISE(ABORT, 'drafts: the version is published; its text is frozen')"


def _sqlite_text_triggers(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER drafts_guard_{table}_insert BEFORE INSERT ON drafts_{table}
        WHEN EXISTS (SELECT 1 FROM drafts_draftversion WHERE id = NEW.version_id
                     AND status <> 'draft')
        BEGIN {_FROZEN}; END;""",
        f"""CREATE TRIGGER drafts_guard_{table}_update BEFORE UPDATE ON drafts_{table}
        WHEN EXISTS (SELECT 1 FROM drafts_draftversion WHERE id IN (OLD.version_id,
                     NEW.version_id) AND status <> 'draft')
        BEGIN {_FROZEN}; END;""",
        f"""CREATE TRIGGER drafts_guard_{table}_delete BEFORE DELETE ON drafts_{table}
        WHEN EXISTS (SELECT 1 FROM drafts_draftversion WHERE id = OLD.version_id
                     AND status <> 'draft')
        BEGIN {_FROZEN}; END;""",
    ]


SQLITE_FORWARD = [
    f"""CREATE TRIGGER drafts_guard_version_update BEFORE UPDATE ON drafts_draftversion
    WHEN OLD.status <> 'draft' AND (
        NEW.source IS NOT OLD.source OR NEW.draft_id <> OLD.draft_id
        OR NEW.number <> OLD.number OR NEW.line_count <> OLD.line_count
        OR NEW.status = 'draft' OR (OLD.status = 'closed' AND NEW.status <> 'closed'))
    BEGIN {_FROZEN}; END;""",
    f"""CREATE TRIGGER drafts_guard_version_delete BEFORE DELETE ON drafts_draftversion
    WHEN OLD.status <> 'draft'
    BEGIN {_FROZEN}; END;""",
    *_sqlite_text_triggers("section"),
    *_sqlite_text_triggers("line"),
]

SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS drafts_guard_{name};"
    for name in (
        "version_update",
        "version_delete",
        "section_insert",
        "section_update",
        "section_delete",
        "line_insert",
        "line_update",
        "line_delete",
    )
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
