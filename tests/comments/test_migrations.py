"""Data migrations of the comments app, run on a database that holds rows made before them."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.drafts.factories import open_version

BEFORE = [("comments", "0006_idempotency_lease")]
AFTER = [("comments", "0007_rebuild_public_digests")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_public_digests_built_before_the_fix_are_emptied_and_queued_again():
    version = open_version(slug="haip")
    apps = _migrate(BEFORE)
    Digest = apps.get_model("comments", "Digest")
    DigestExport = apps.get_model("comments", "DigestExport")
    built = {"audience": "public", "themes": [{"top_terms": ["from a confidential comment"]}]}
    digests = {
        audience: Digest.objects.create(
            version_id=version.pk,
            audience=audience,
            cutoff=timezone.now(),
            status="ready",
            data={**built, "audience": audience},
            comment_count=3,
            progress=100,
            attempts=1,
            matrix_ready_at=timezone.now(),
        )
        for audience in ("public", "working_group")
    }
    for digest in digests.values():
        export = DigestExport(digest_id=digest.pk, format="json", size=2)
        export.file.save(f"digest-{digest.pk}.json", ContentFile(b"{}"), save=False)
        export.save()
    public_file = DigestExport.objects.get(digest_id=digests["public"].pk).file.name
    storage = DigestExport._meta.get_field("file").storage
    try:
        apps = _migrate(AFTER)
        Digest = apps.get_model("comments", "Digest")
        public = Digest.objects.get(pk=digests["public"].pk)
        assert (public.status, public.data, public.attempts, public.matrix_ready_at) == (
            "queued",
            None,
            0,
            None,
        )
        assert (
            not apps.get_model("comments", "DigestExport")
            .objects.filter(digest_id=public.pk)
            .exists()
        )
        assert not storage.exists(public_file)
        internal = Digest.objects.get(pk=digests["working_group"].pk)
        assert internal.status == "ready" and internal.data["audience"] == "working_group"
        assert (
            apps.get_model("comments", "DigestExport")
            .objects.filter(digest_id=internal.pk)
            .exists()
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
