"""The countries of each version's comments, counted as the draft's lists offer them, filled
from the comments already stored; and an index for the lists' order by line."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# As comments.services.counts.REBUILD_COUNTRIES_SQL for every version, kept here so that this
# migration does not change when the service does.
FILL_COUNTRIES = """
INSERT INTO comments_versioncountrycount (version_id, country, public, restricted, withdrawn)
SELECT c.version_id, c.country,
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'hidden' OR (c.state = 'published' AND c.visibility <> 'public')
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'withdrawn' THEN 1 ELSE 0 END)
FROM comments_comment c
WHERE c.country <> ''
GROUP BY c.version_id, c.country
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_language"),
        ("comments", "0016_comment_counts"),
        ("drafts", "0005_frozen_rendering_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="VersionCountryCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("country", models.CharField(max_length=2)),
                ("public", models.IntegerField(default=0)),
                ("restricted", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["version", "line_start", "number"], name="comments_co_version_1e35d0_idx"
            ),
        ),
        migrations.AddField(
            model_name="versioncountrycount",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="drafts.draftversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="versioncountrycount",
            constraint=models.UniqueConstraint(
                fields=("version", "country"), name="comments_country_count_once"
            ),
        ),
        migrations.RunSQL(FILL_COUNTRIES, migrations.RunSQL.noop),
    ]
