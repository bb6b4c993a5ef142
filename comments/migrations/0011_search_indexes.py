"""GIN indexes for full-text search over comments and their attachments' text (PostgreSQL
only; a no-op elsewhere). Their expressions are built by comments.search, the same that the
search queries use, so PostgreSQL can answer a search from them."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from comments.search import attachment_vector, comment_vector

INDEXES = (
    ("Comment", "comments_search_gin", comment_vector),
    ("Attachment", "comments_attachment_search_gin", attachment_vector),
)


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, vector in INDEXES:
        schema_editor.add_index(apps.get_model("comments", model), GinIndex(vector(), name=name))


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, vector in INDEXES:
        schema_editor.remove_index(
            apps.get_model("comments", model), GinIndex(vector(), name=name)
        )


class Migration(migrations.Migration):
    dependencies = [("comments", "0010_attachments")]

    operations = [migrations.RunPython(add, remove)]
