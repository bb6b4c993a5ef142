"""What the digests API reads and answers: a request for a digest, a digest's status and
files. The synthesis itself is served as stored (``Digest.data``)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..models import Digest, DigestExport
from ..services import stage_in_reader_language


class DigestRequestSerializer(serializers.Serializer):
    audience = serializers.ChoiceField(
        choices=Digest.Audience.choices,
        help_text="working_group digests include confidential comments, marked; public ones "
        "count them but never quote or attribute them.",
    )
    sections = serializers.ListField(
        child=serializers.SlugField(max_length=64),
        required=False,
        max_length=100,
        help_text="Section keys (e.g. action-3); omitted or empty for the whole version.",
    )
    working_group = serializers.SlugField(
        required=False,
        help_text="Slug of a working group you belong to: only the sections it follows.",
    )


class DigestExportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=DigestExport.Format.choices)
    size = serializers.IntegerField(help_text="Bytes.")
    url = serializers.SerializerMethodField()

    def get_url(self, export: DigestExport) -> str:
        return reverse(
            "digests_api:digest_file",
            args=[export.digest_id, export.format],
            request=self.context.get("request"),
        )


class DigestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    draft = serializers.CharField(source="version.draft.slug")
    version = serializers.IntegerField(source="version.number")
    audience = serializers.ChoiceField(choices=Digest.Audience.choices)
    sections = serializers.ListField(
        child=serializers.CharField(),
        source="section_keys",
        help_text="Sections covered; empty for the whole version.",
    )
    working_group = serializers.CharField(
        source="working_group.slug", allow_null=True, default=None
    )
    trigger = serializers.ChoiceField(choices=Digest.Trigger.choices)
    cutoff = serializers.DateTimeField(help_text="Comments filed after this are left out.")
    status = serializers.ChoiceField(choices=Digest.Status.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100, help_text="Per cent done.")
    stage = serializers.SerializerMethodField(
        help_text="What the worker is doing, in the language of the request; empty before."
    )
    error = serializers.CharField(allow_blank=True)
    comments = serializers.IntegerField(source="comment_count")
    distinct_positions = serializers.IntegerField(source="position_count")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    matrix_ready = serializers.SerializerMethodField(
        help_text="The comment matrix files (written after the digest) are there."
    )
    files = serializers.SerializerMethodField()
    synthesis_url = serializers.SerializerMethodField(
        help_text="The synthesis itself (overview, campaigns, themes, agreement, proposed "
        "changes, dispositions) once ready; null before."
    )

    def get_stage(self, digest: Digest) -> str:
        return stage_in_reader_language(digest.stage)

    def get_url(self, digest: Digest) -> str:
        return reverse(
            "digests_api:digest_detail", args=[digest.pk], request=self.context.get("request")
        )

    def get_page_url(self, digest: Digest) -> str:
        return reverse(
            "digests:digest_detail", args=[digest.pk], request=self.context.get("request")
        )

    def get_matrix_ready(self, digest: Digest) -> bool:
        return digest.matrix_ready_at is not None

    @extend_schema_field(DigestExportSerializer(many=True))
    def get_files(self, digest: Digest) -> list[dict[str, Any]]:
        if digest.status != Digest.Status.READY:
            return []
        return DigestExportSerializer(
            digest.exports.order_by("format"), many=True, context=self.context
        ).data  # type: ignore[return-value]

    def get_synthesis_url(self, digest: Digest) -> str | None:
        if digest.status != Digest.Status.READY:
            return None
        return reverse(
            "digests_api:digest_synthesis", args=[digest.pk], request=self.context.get("request")
        )
