"""The API plumbing takes over the idempotency records from the comments app.

The table (``comments_idempotencyrecord``) and its rows stay as they are: this migration and
``comments/0008`` only move the model between the apps' states. The content type follows, so
anything that names it (permissions) keeps pointing at the same table.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _content_type_to(app_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        other = "comments" if app_label == "api" else "api"
        if not ContentType.objects.filter(app_label=app_label, model="idempotencyrecord").exists():
            ContentType.objects.filter(app_label=other, model="idempotencyrecord").update(
                app_label=app_label
            )

    return move


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        # The table as the comments app left it.
        ("comments", "0006_idempotency_lease"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IdempotencyRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("key", models.CharField(max_length=255)),
                        ("fingerprint", models.CharField(help_text="SHA-256 of method, path and body.", max_length=64)),
                        ("state", models.CharField(choices=[("in_progress", "In progress"), ("done", "Done")], default="in_progress", max_length=12)),
                        ("response_status", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("response_body", models.JSONField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("expires_at", models.DateTimeField(db_index=True)),
                        ("lease_token", models.CharField(blank=True, help_text="The attempt that holds the key while it runs.", max_length=32)),
                        ("lease_expires_at", models.DateTimeField(blank=True, help_text="After this, a retry may take the key over (none: it may at once).", null=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "comments_idempotencyrecord",
                        "constraints": [models.UniqueConstraint(fields=("user", "key"), name="comments_idempotency_key_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(_content_type_to("api"), _content_type_to("comments")),
    ]
