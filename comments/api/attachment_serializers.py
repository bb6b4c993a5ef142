"""What the API says of a comment's attachments (position papers), and what it takes."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drafts.api.serializers import NamedChoiceField

from ..models import Attachment


class AttachmentOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where the file is downloaded.")
    kind = NamedChoiceField(enum_name="AttachmentKindEnum", choices=Attachment.Kind.choices)

    class Meta:
        model = Attachment
        fields = ["id", "file_name", "kind", "size", "sha256", "created_at", "url"]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_url(self, attachment: Attachment) -> str:
        return reverse(
            "comments_api:comment_attachment",
            kwargs={"reference": attachment.comment.reference, "pk": attachment.pk},
        )


class AttachmentInputSerializer(serializers.Serializer):
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True, use_url=False),
        allow_empty=False,
        help_text=(
            "One or more files under the same field name: PDF, Word (DOCX) or OpenDocument "
            f"text (ODT), at most {settings.ATTACHMENT_MAX_BYTES:,} bytes each and "
            f"{settings.ATTACHMENT_MAX_PER_COMMENT} per comment. Each file is judged by its "
            "content; encrypted files and zip bombs are refused."
        ),
    )
