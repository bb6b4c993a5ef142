"""The comment counts the pages read (per line of a version, and each version's totals),
filled from the comments already stored; from here on the services keep them."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# As comments.services.counts.REBUILD_LINES_SQL and REBUILD_TOTALS_SQL for every version, kept
# here so that this migration does not change when the service does.
FILL_LINES = """
INSERT INTO comments_linecommentcount
    (version_id, line, public, restricted, public_endorsements, restricted_endorsements)
SELECT c.version_id, c.line_start,
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 0 ELSE 1 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public'
        THEN COALESCE(e.n, 0) ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public'
        THEN 0 ELSE COALESCE(e.n, 0) END)
FROM comments_comment c
LEFT JOIN (
    SELECT comment_id, COUNT(*) AS n FROM comments_endorsement GROUP BY comment_id
) e ON e.comment_id = c.id
WHERE c.state <> 'withdrawn'
GROUP BY c.version_id, c.line_start
"""
FILL_TOTALS = """
INSERT INTO comments_versioncommenttotals
    (version_id, published, published_public, hidden, withdrawn, answered)
SELECT c.version_id,
    SUM(CASE WHEN c.state = 'published' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND c.visibility = 'public' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'hidden' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'withdrawn' THEN 1 ELSE 0 END),
    SUM(CASE WHEN c.state = 'published' AND d.id IS NOT NULL THEN 1 ELSE 0 END)
FROM comments_comment c
LEFT JOIN comments_disposition d ON d.comment_id = c.id
GROUP BY c.version_id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_language"),
        ("comments", "0015_comment_languages"),
        ("drafts", "0005_frozen_rendering_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LineCommentCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("line", models.PositiveIntegerField()),
                ("public", models.IntegerField(default=0)),
                ("restricted", models.IntegerField(default=0)),
                ("public_endorsements", models.IntegerField(default=0)),
                ("restricted_endorsements", models.IntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name="VersionCommentTotals",
            fields=[
                (
                    "version",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="drafts.draftversion",
                    ),
                ),
                ("published", models.IntegerField(default=0, help_text="Public and confidential.")),
                ("published_public", models.IntegerField(default=0)),
                ("hidden", models.IntegerField(default=0)),
                ("withdrawn", models.IntegerField(default=0)),
                (
                    "answered",
                    models.IntegerField(default=0, help_text="Published, with a disposition."),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("state", "hidden"),
                    models.Q(("state", "published"), ("visibility", "confidential")),
                    _connector="OR",
                ),
                fields=["organisation", "version", "line_start"],
                name="comments_restricted_by_org",
            ),
        ),
        migrations.AddField(
            model_name="linecommentcount",
            name="version",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="drafts.draftversion",
            ),
        ),
        migrations.AddConstraint(
            model_name="linecommentcount",
            constraint=models.UniqueConstraint(
                fields=("version", "line"), name="comments_line_count_once"
            ),
        ),
        migrations.RunSQL(FILL_LINES, migrations.RunSQL.noop),
        migrations.RunSQL(FILL_TOTALS, migrations.RunSQL.noop),
    ]
