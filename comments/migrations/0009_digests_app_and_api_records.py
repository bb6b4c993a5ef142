"""Joins the two migrations that moved models out of comments: digests to their own app, idempotency records to the API plumbing."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('comments', '0008_digests_app'),
        ('comments', '0008_idempotency_records_to_api'),
    ]

    operations = [
    ]
