"""Digests became an app of their own (``comments.digests``, label ``digests``). This
migration only forgets ``Digest`` and ``DigestExport`` in the comments app's state: their
tables and rows stay where they are, and ``digests/0001_initial`` takes them over (state only)
before ``digests/0002`` gives the tables the new app's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_rebuild_public_digests")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DigestExport"),
                migrations.DeleteModel(name="Digest"),
            ],
            database_operations=[],
        )
    ]
