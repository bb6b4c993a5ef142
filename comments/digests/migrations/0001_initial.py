"""The digests app takes over the tables the comments app made for digests (``comments/0004``)
with their rows: this migration creates ``Digest`` and ``DigestExport`` in the digests app's
state only, over the existing tables ``comments_digest`` and ``comments_digestexport``, and moves
their content types, so admin history and permissions follow them. ``0002`` renames the
tables."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("digest", "digestexport")


def _relabel(apps, schema_editor, source, target):
    """Give the models' content types (admin history and permissions point at them) to
    ``target``, unless it has its own already (a database migrated back and forth)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    taken = set(types.filter(app_label=target, model__in=MODELS).values_list("model", flat=True))
    types.filter(app_label=source, model__in=set(MODELS) - taken).update(app_label=target)


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "comments", "digests")


def restore_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "digests", "comments")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0004_organisation_country_iso"),
        ("comments", "0008_digests_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("drafts", "0003_unique_reference_prefix"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Digest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('audience', models.CharField(choices=[('public', 'Public'), ('working_group', 'Working group')], max_length=13)),
                        ('section_keys', models.JSONField(blank=True, default=list, help_text='Sections covered; empty for the whole version.')),
                        ('cutoff', models.DateTimeField(help_text='Comments filed after this moment are left out.')),
                        ('trigger', models.CharField(choices=[('request', 'Requested'), ('version_closed', 'Comment period closed')], default='request', max_length=14)),
                        ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('ready', 'Ready'), ('failed', 'Failed')], default='queued', max_length=7)),
                        ('progress', models.PositiveSmallIntegerField(default=0, help_text='Per cent done.')),
                        ('stage', models.CharField(blank=True, max_length=80)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('data', models.JSONField(blank=True, editable=False, null=True)),
                        ('comment_count', models.PositiveIntegerField(default=0)),
                        ('position_count', models.PositiveIntegerField(default=0)),
                        ('error', models.TextField(blank=True)),
                        ('timings', models.JSONField(blank=True, default=dict, help_text='Seconds spent reading, synthesising, rendering.')),
                        ('started_at', models.DateTimeField(blank=True, null=True)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('matrix_ready_at', models.DateTimeField(blank=True, help_text='When the comment matrix files (written after the digest) were stored.', null=True)),
                        ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='digests', to='drafts.draftversion')),
                        ('working_group', models.ForeignKey(blank=True, help_text='The group whose sections it covers; only its members and the secretariat read a working-group digest scoped to it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='digests', to='accounts.workinggroup')),
                    ],
                    options={
                        'ordering': ['-created_at', '-pk'],
                        'db_table': 'comments_digest',
                    },
                ),
                migrations.CreateModel(
                    name='DigestExport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('format', models.CharField(choices=[('pdf', 'PDF'), ('docx', 'Word'), ('html', 'HTML'), ('md', 'Markdown'), ('json', 'JSON'), ('matrix.xlsx', 'Comment matrix (Excel)'), ('matrix.docx', 'Comment matrix (Word)'), ('matrix.csv', 'Comment matrix (CSV)')], max_length=11)),
                        ('file', models.FileField(upload_to='digests/%Y/%m/')),
                        ('size', models.PositiveBigIntegerField(default=0)),
                        ('digest', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exports', to='digests.digest')),
                    ],
                    options={
                        'ordering': ['digest', 'format'],
                        'db_table': 'comments_digestexport',
                    },
                ),
                migrations.AddIndex(
                    model_name='digest',
                    index=models.Index(fields=['version', '-created_at'], name='comments_di_version_3b8e34_idx'),
                ),
                migrations.AddConstraint(
                    model_name='digestexport',
                    constraint=models.UniqueConstraint(fields=('digest', 'format'), name='comments_digest_export_once'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
