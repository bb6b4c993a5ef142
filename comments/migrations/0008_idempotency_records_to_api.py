"""The idempotency records belong to the API plumbing now (``haip_portal.api``, migration
``api/0001``): the comments app lets go of the model; the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0007_rebuild_public_digests"),
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotencyRecord")],
            database_operations=[],
        ),
    ]
