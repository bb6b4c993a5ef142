"""Migrations of digests, run on a database that holds rows made before them: the public
digests rebuilt by ``comments/0007``, and the move of digests into an app of their own
(``comments/0008``, ``digests/0001`` and ``0002``)."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comments.digests.models import Digest, DigestExport
from comments.models import Comment
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import open_version

BEFORE_REBUILD = [("comments", "0006_idempotency_lease")]
REBUILT = [("comments", "0007_rebuild_public_digests")]
# The last state with digests in the comments app: the digests app not yet migrated.
BEFORE_MOVE = [("comments", "0007_rebuild_public_digests"), ("digests", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _migrate_to_the_end():
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def _tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.mark.django_db(transaction=True)
def test_public_digests_built_before_the_fix_are_emptied_and_queued_again():
    version = open_version(slug="haip")
    apps = _migrate(BEFORE_REBUILD)
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
        apps = _migrate(REBUILT)
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
        _migrate_to_the_end()


def _old_digests(apps, version_pk: int) -> dict[int, dict[str, bytes]]:
    """Two digests with their files, written through the comments app's models of before
    the move; returns each digest's files' contents by format."""
    OldDigest = apps.get_model("comments", "Digest")
    OldExport = apps.get_model("comments", "DigestExport")
    written: dict[int, dict[str, bytes]] = {}
    for audience in ("working_group", "public"):
        digest = OldDigest.objects.create(
            version_id=version_pk,
            audience=audience,
            section_keys=["action-1"],
            cutoff=timezone.now(),
            status="ready",
            data={"audience": audience, "overview": {"comments": 2}},
            comment_count=2,
            position_count=2,
            progress=100,
            attempts=1,
            timings={"read": 0.1},
            matrix_ready_at=timezone.now(),
        )
        written[digest.pk] = {}
        for format in ("json", "matrix.csv"):
            content = f"{audience} {format} of DG-{digest.pk}".encode()
            export = OldExport(digest_id=digest.pk, format=format, size=len(content))
            export.file.save(f"dg-{digest.pk}.{format}", ContentFile(content), save=False)
            export.save()
            written[digest.pk][format] = content
    return written


@pytest.mark.django_db(transaction=True)
def test_digests_made_before_the_move_keep_their_rows_files_and_history():
    version = open_version(slug="haip")
    author = representative_of(verified_organisation())
    comments = [submit(version=version, author=author, body=f"Point {n}.") for n in (1, 2)]
    apps = _migrate(BEFORE_MOVE)
    assert {"comments_digest", "comments_digestexport"} <= _tables()
    written = _old_digests(apps, version.pk)
    OldContentType = apps.get_model("contenttypes", "ContentType")
    old_type = OldContentType.objects.get_or_create(app_label="comments", model="digest")[0]
    first = min(written)
    LogEntry.objects.create(
        user_id=author.pk,
        content_type_id=old_type.pk,
        object_id=str(first),
        object_repr=f"DG-{first}",
        action_flag=ADDITION,
    )
    try:
        _migrate_to_the_end()

        tables = _tables()
        assert {"digests_digest", "digests_digestexport"} <= tables
        assert not {"comments_digest", "comments_digestexport"} & tables
        assert set(Digest.objects.values_list("pk", flat=True)) == set(written)
        for pk, files in written.items():
            digest = Digest.objects.get(pk=pk)
            assert digest.status == Digest.Status.READY and digest.comment_count == 2
            assert digest.data == {"audience": digest.audience, "overview": {"comments": 2}}
            assert digest.section_keys == ["action-1"] and digest.version == version
            for export in digest.exports.all():
                with export.file.open("rb") as handle:
                    assert handle.read() == files[export.format]
            assert set(digest.exports.values_list("format", flat=True)) == set(files)
        assert list(Comment.objects.order_by("pk")) == comments

        # The admin's history follows the model: the content type was relabelled, not made anew.
        assert ContentType.objects.get_for_model(Digest).pk == old_type.pk
        assert LogEntry.objects.get(object_id=str(first)).get_edited_object().pk == first

        # New rows continue the old numbering, and a digest still has one file per format.
        newer = Digest.objects.create(version=version, audience="public", cutoff=timezone.now())
        assert newer.pk > max(written)
        with pytest.raises(IntegrityError), transaction.atomic():
            DigestExport.objects.create(digest_id=first, format="json", file="x.json")
    finally:
        _migrate_to_the_end()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_migrated_back_with_its_rows():
    version = open_version(slug="haip")
    _migrate_to_the_end()
    digest = Digest.objects.create(
        version=version, audience="public", cutoff=timezone.now(), data={"overview": {}}
    )
    export = DigestExport(digest=digest, format="json", size=2)
    export.file.save("back.json", ContentFile(b"{}"))
    try:
        apps = _migrate(BEFORE_MOVE)
        assert {"comments_digest", "comments_digestexport"} <= _tables()
        old = apps.get_model("comments", "Digest").objects.get(pk=digest.pk)
        assert old.data == {"overview": {}}
        old_export = apps.get_model("comments", "DigestExport").objects.get(digest_id=digest.pk)
        assert old_export.file.name == export.file.name
        OldContentType = apps.get_model("contenttypes", "ContentType")
        assert OldContentType.objects.filter(app_label="comments", model="digest").exists()
    finally:
        _migrate_to_the_end()
    assert Digest.objects.get(pk=digest.pk).exports.get().file.name == export.file.name
