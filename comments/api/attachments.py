"""Position papers over the API: a comment's attachments listed and added by its author
(multipart), and each one downloaded by whoever may see the comment."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from haip_portal.api.schema import ERRORS, WRITE_ERRORS

from .. import selectors, services
from ..views.attachments import attachment_response
from .attachment_serializers import AttachmentInputSerializer, AttachmentOutputSerializer
from .views import CommentsApiView


class CommentAttachmentsView(CommentsApiView):
    """A comment's position papers: listed for whoever may see it; added by its author."""

    parser_classes = [MultiPartParser]
    serializer_class = AttachmentOutputSerializer
    pagination_class = None  # a comment holds at most ATTACHMENT_MAX_PER_COMMENT

    def comment_cost(self, request: Request) -> int:
        return 0

    @extend_schema(responses={200: AttachmentOutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        thread_attachments = selectors.comment_attachments(comment)
        return Response(self.get_serializer(thread_attachments, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentInputSerializer},
        responses={201: AttachmentOutputSerializer(many=True), **WRITE_ERRORS},
        description="Attach PDF, DOCX or ODT files to your own comment while its version is "
        "open. Every file is checked before any is stored: one refused file (named in the "
        "message) stores none.",
    )
    def post(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        added = services.attachments_add(
            comment=comment, user=self.user(), files=data.validated_data["attachments"]
        )
        for attachment in added:
            attachment.comment = comment
        return Response(self.get_serializer(added, many=True).data, status=201)


class CommentAttachmentView(CommentsApiView):
    """One position paper, as a download."""

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file (application/pdf, DOCX or ODT) with Content-Disposition: "
                "attachment.",
            ),
            **ERRORS,
        }
    )
    def get(self, request: Request, reference: str, pk: int) -> FileResponse:
        attachment = selectors.attachment_get(user=request.user, reference=reference, pk=pk)
        return attachment_response(attachment)
