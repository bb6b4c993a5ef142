"""Refuse, in the database itself, any change to the text of a published version.

The service layer and the models already refuse it; on PostgreSQL, the production database,
these triggers close the last doors (raw SQL, ``QuerySet.update()``, ``bulk_update()``, a
cascade). Status may still move forward (draft → open → closed), never back. ``TRUNCATE``
(used only to empty a whole test database) fires no row trigger.
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

def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafts", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
