"""The digests API: ask for a digest of a version (202, then poll it) and read one, with the
same services, selectors and permissions as the digest pages."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from accounts import permissions
from accounts.api.permissions import HasTokenScope
from accounts.models import User, WorkingGroup
from drafts import selectors as draft_selectors
from haip_portal.throttles import ApiRequestThrottle

from ..digests import selectors, services
from ..digests.models import Digest, DigestExport
from .views import ERRORS, WRITE_ERRORS


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
            "comments:digest_download",
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
    stage = serializers.CharField(allow_blank=True)
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

    def get_url(self, digest: Digest) -> str:
        return reverse(
            "comments_api:digest_detail", args=[digest.pk], request=self.context.get("request")
        )

    def get_page_url(self, digest: Digest) -> str:
        return reverse(
            "comments:digest_detail", args=[digest.pk], request=self.context.get("request")
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
            "comments_api:digest_synthesis", args=[digest.pk], request=self.context.get("request")
        )


class DigestsApiView(GenericAPIView):
    serializer_class = DigestSerializer
    throttle_classes = [ApiRequestThrottle]

    @property
    def required_scopes(self) -> list[str]:
        return ["digests:write"] if self.request.method == "POST" else ["digests:read"]


class VersionDigestsView(DigestsApiView):
    """Ask for a digest of a version as it stands now (the secretariat and working-group
    members); the worker builds it: poll the digest's URL for progress."""

    permission_classes = [IsAuthenticated, HasTokenScope]

    @extend_schema(
        request=DigestRequestSerializer, responses={202: DigestSerializer, **WRITE_ERRORS}
    )
    def post(self, request: Request, slug: str, number: int) -> Response:
        if not permissions.can_request_digest(request.user):
            raise PermissionDenied(
                "Only the secretariat and working-group members ask for digests."
            )
        version = draft_selectors.version_get(user=request.user, slug=slug, number=number)
        data = DigestRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = None
        if slug_ := data.validated_data.get("working_group"):
            group = get_object_or_404(WorkingGroup, slug=slug_)
        user: User = request.user  # type: ignore[assignment]
        digest = services.digest_request(
            user=user,
            version=version,
            audience=data.validated_data["audience"],
            section_keys=data.validated_data.get("sections") or [],
            working_group=group,
        )
        body = self.get_serializer(digest).data
        return Response(body, status=202, headers={"Location": body["url"]})


class DigestView(DigestsApiView):
    """A digest: status and progress while it is built, then its synthesis and its files.
    Working-group digests exist only for the secretariat and the working groups (404)."""

    permission_classes = [IsAuthenticatedOrReadOnly, HasTokenScope]

    @extend_schema(responses={200: DigestSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        digest = selectors.digest_get(user=request.user, pk=pk, with_data=False)
        return Response(self.get_serializer(digest).data)


class DigestSynthesisView(DigestsApiView):
    """The synthesis of a ready digest, as the JSON the digest's pages and files are made
    from (its fields are described in the portal's documentation)."""

    permission_classes = [IsAuthenticatedOrReadOnly, HasTokenScope]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                {"type": "object", "additionalProperties": True},
                description="overview, campaigns, themes, agreement, changes, dispositions.",
            ),
            **ERRORS,
        }
    )
    def get(self, request: Request, pk: int) -> Response:
        digest = selectors.digest_get(user=request.user, pk=pk)
        if digest.status != Digest.Status.READY or digest.data is None:
            raise NotFound(f"{digest.reference} is {digest.get_status_display().lower()}.")
        return Response(digest.data)
