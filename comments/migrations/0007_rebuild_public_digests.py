"""Public digests built before confidential comments were kept out of their analysis may hold
terms, labels and references that came from confidential comments. Their data and files are
dropped and they are queued again: beat's stalled-digest check rebuilds each one, with the
same cut-off, from public comments only (confidential ones counted in the total)."""

from django.db import migrations


def requeue_public_digests(apps, schema_editor):
    Digest = apps.get_model("comments", "Digest")
    DigestExport = apps.get_model("comments", "DigestExport")
    public = Digest.objects.filter(audience="public").exclude(status="queued")
    exports = DigestExport.objects.filter(digest__in=public)
    storage = DigestExport._meta.get_field("file").storage
    for name in list(exports.values_list("file", flat=True)):
        if name:
            storage.delete(name)
    exports.delete()
    public.update(
        status="queued",
        data=None,
        attempts=0,
        progress=0,
        stage="Waiting for the worker",
        error="",
        timings={},
        started_at=None,
        finished_at=None,
        matrix_ready_at=None,
        comment_count=0,
        position_count=0,
    )


class Migration(migrations.Migration):
    dependencies = [("comments", "0006_idempotency_lease")]

    operations = [migrations.RunPython(requeue_public_digests, migrations.RunPython.noop)]
