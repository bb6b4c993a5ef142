"""The phrases quoted by published comments, counted as the draft page marks them, filled
from the comments already stored; from here on the services keep them."""

import hashlib

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    """As comments.services.counts._rebuild_quotes for every version, kept here so that this
    migration does not change when the service does."""
    from django.db.models import Count, Q

    Comment = apps.get_model("comments", "Comment")
    LineQuoteCount = apps.get_model("comments", "LineQuoteCount")
    public = Q(visibility="public")
    found = (
        Comment.objects.filter(state="published")
        .exclude(quote_exact="")
        .values("version_id", "quote_language", "line_start", "quote_start", "quote_exact")
        .annotate(public=Count("pk", filter=public), restricted=Count("pk", filter=~public))
        .order_by()
    )
    LineQuoteCount.objects.bulk_create(
        (
            LineQuoteCount(
                version_id=row["version_id"],
                language=row["quote_language"],
                line=row["line_start"],
                quote_start=-1 if row["quote_start"] is None else row["quote_start"],
                quote_hash=hashlib.md5(
                    row["quote_exact"].encode(), usedforsecurity=False
                ).hexdigest(),
                quote_exact=row["quote_exact"],
                public=row["public"],
                restricted=row["restricted"],
            )
            for row in found.iterator(chunk_size=2000)
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_country_counts_and_list_indexes"),
        ("drafts", "0005_frozen_rendering_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="LineQuoteCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("language", models.CharField(blank=True, max_length=12)),
                ("line", models.PositiveIntegerField()),
                ("quote_start", models.IntegerField()),
                ("quote_hash", models.CharField(max_length=32)),
                ("quote_exact", models.TextField()),
                ("public", models.IntegerField(default=0)),
                (
                    "restricted",
                    models.IntegerField(default=0, help_text="Published confidential comments."),
                ),
                (
                    "version",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="drafts.draftversion",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("version", "language", "line", "quote_start", "quote_hash"),
                        name="comments_quote_count_once",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
