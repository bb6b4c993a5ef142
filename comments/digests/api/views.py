"""The digests API: ask for a digest of a version (202, then poll it) and read one, with the
same services, selectors and permissions as the digest pages."""

from collections.abc import Iterable

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.permissions import HasTokenScope
from accounts.models import User
from drafts import selectors as draft_selectors
from haip_portal.api.schema import ERRORS, WRITE_ERRORS
from haip_portal.api.throttles import ApiRequestThrottle
from haip_portal.wording import in_sentence

from .. import rendering, selectors, services
from ..models import Digest
from .serializers import DigestRequestSerializer, DigestSerializer


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
        version = draft_selectors.version_get(user=request.user, slug=slug, number=number)
        data = DigestRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        group = None
        if slug_ := data.validated_data.get("working_group"):
            group = selectors.working_group_get(slug=slug_)
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
            raise NotFound(
                _("%(reference)s is %(status)s.")
                % {
                    "reference": digest.reference,
                    "status": in_sentence(digest.get_status_display()),
                }
            )
        return Response(digest.data)


class AnyAccept(BaseContentNegotiation):
    """A file is what it is, whatever the client accepts: answer with the file (and errors
    as JSON) instead of a 406 to ``Accept: application/pdf``."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        return next(iter(parsers), None)

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, renderer.media_type


class DigestFileView(DigestsApiView):
    """One file of a ready digest (the links in a digest's ``files``), for a browser session or
    an API token with ``digests:read`` whose user may read the digest. A working-group digest
    does not exist (404) for anyone else; a token without the scope is refused (403)."""

    permission_classes = [IsAuthenticatedOrReadOnly, HasTokenScope]
    content_negotiation_class = AnyAccept

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                description="The file: PDF, Word, Excel, CSV, Markdown, HTML or JSON."
            ),
            **ERRORS,
        }
    )
    def get(self, request: Request, pk: int, format: str) -> FileResponse:
        digest = selectors.digest_get(user=request.user, pk=pk, with_data=False)
        export = selectors.digest_file_get(digest=digest, format=format)
        return rendering.file_response(digest, export)
