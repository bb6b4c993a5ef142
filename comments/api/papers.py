"""Position papers uploaded before the comments that carry them: one file per request, answered
with the id the comments name in their ``attachments``."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haip_portal.api.idempotency import idempotent
from haip_portal.api.schema import IDEMPOTENCY_KEY, WRITE_ERRORS

from .. import services
from .views import CommentsApiView


class PaperUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        help_text="One PDF, Word (DOCX) or OpenDocument text (ODT) file, judged by its content "
        "and held to the limits of an attachment.",
    )


class PaperUploadSerializer(serializers.Serializer):
    id = serializers.UUIDField(
        source="key", help_text="Name it in a comment's `attachments` to attach the paper."
    )
    file_name = serializers.CharField()
    kind = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    expires_at = serializers.DateTimeField(
        help_text="Deleted if no comment names it by then; only you can name it."
    )


class PaperUploadsView(CommentsApiView):
    """Upload a position paper, then file the comments that carry it."""

    parser_classes = [MultiPartParser]
    serializer_class = PaperUploadSerializer

    def comment_cost(self, request: Request) -> int:
        return 0

    @extend_schema(
        request={"multipart/form-data": PaperUploadInputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PaperUploadSerializer, **WRITE_ERRORS},
        description="Check and keep one position paper for the comments you file next over the "
        "API (one at a time or in bulk): name its id in their `attachments`. The file is "
        "checked as any attachment is (type by content, size, zip bombs, encryption); an "
        "upload no comment names expires after PAPER_UPLOAD_HOURS (24 by default).",
    )
    @idempotent()
    def post(self, request: Request) -> Response:
        data = PaperUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        paper = services.paper_upload_create(owner=self.user(), upload=data.validated_data["file"])
        return Response(self.get_serializer(paper).data, status=201)
