"""The digests' tables take the app's names (``digests_digest``, ``digests_digestexport``), and
so do their index and unique constraint. Renaming a table keeps its rows, keys and sequence
(``ALTER TABLE … RENAME``); the unique constraint of a digest's files is dropped and made
again under its new name, in the same transaction."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("digests", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="digest", table=None),
        migrations.AlterModelTable(name="digestexport", table=None),
        migrations.RenameIndex(
            model_name="digest",
            old_name="comments_di_version_3b8e34_idx",
            new_name="digests_dig_version_7f9727_idx",
        ),
        migrations.RemoveConstraint(model_name="digestexport", name="comments_digest_export_once"),
        migrations.AddConstraint(
            model_name="digestexport",
            constraint=models.UniqueConstraint(
                fields=("digest", "format"), name="digests_export_once"
            ),
        ),
    ]
