"""Refuse, in the database itself, any change to a published rendering and its lines, as
``0002`` does for the master text; the master's language is frozen with its text.

``TRUNCATE`` (used only to empty a whole test database) fires no row trigger.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION drafts_guard_master_language() RETURNS trigger AS $$
BEGIN
    IF OLD.status <> 'draft' AND NEW.language IS DISTINCT FROM OLD.language THEN
        RAISE EXCEPTION 'drafts: version % is published; its language is frozen', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard_master_language
    BEFORE UPDATE ON drafts_draftversion
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_master_language();

CREATE OR REPLACE FUNCTION drafts_guard_rendering() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION 'drafts: rendering % is published and cannot be deleted', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'published' AND (
        NEW.source IS DISTINCT FROM OLD.source
        OR NEW.language IS DISTINCT FROM OLD.language
        OR NEW.version_id <> OLD.version_id
        OR NEW.status <> 'published'
    ) THEN
        RAISE EXCEPTION 'drafts: rendering % is published; its text is frozen', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard_rendering
    BEFORE UPDATE OR DELETE ON drafts_rendering
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_rendering();

CREATE OR REPLACE FUNCTION drafts_guard_rendering_text() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM drafts_rendering WHERE id = OLD.rendering_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'drafts: rendering % is published; its text is frozen', OLD.rendering_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM drafts_rendering WHERE id = NEW.rendering_id AND status = 'published'
    ) THEN
        RAISE EXCEPTION 'drafts: rendering % is published; its text is frozen', NEW.rendering_id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER drafts_guard_rendering_line
    BEFORE INSERT OR UPDATE OR DELETE ON drafts_renderingline
    FOR EACH ROW EXECUTE FUNCTION drafts_guard_rendering_text();
"""

POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS drafts_guard_rendering_line ON drafts_renderingline;
DROP TRIGGER IF EXISTS drafts_guard_rendering ON drafts_rendering;
DROP TRIGGER IF EXISTS drafts_guard_master_language ON drafts_draftversion;
DROP FUNCTION IF EXISTS drafts_guard_rendering_text();
DROP FUNCTION IF EXISTS drafts_guard_rendering();
DROP FUNCTION IF EXISTS drafts_guard_master_language();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("drafts", "0004_renderings")]

    operations = [migrations.RunPython(forward, backward)]
