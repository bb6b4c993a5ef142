"""The drafts API: read-only views over the same selectors as the pages.

Published material is open to everyone; a personal token needs the ``comments:read`` scope.
Unpublished versions exist only for those ``versions_visible_to`` lets see them: to anyone
else they are a 404, as if they had never been written.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import HasTokenScope
from accounts.models import ApiToken
from haip_portal.api.schema import ERROR_SCHEMA

from .. import selectors
from ..diff import compare_sections
from ..models import Draft, DraftVersion
from .serializers import (
    INCLUDE_LINES,
    DiffOutputSerializer,
    DiffQueryInputSerializer,
    DraftDetailOutputSerializer,
    DraftOutputSerializer,
    VersionDetailOutputSerializer,
    VersionQueryInputSerializer,
)

TAGS = ["drafts"]
UNAUTHORIZED = OpenApiResponse(
    ERROR_SCHEMA, description="The Bearer token is malformed, unknown, expired or revoked."
)
FORBIDDEN = OpenApiResponse(ERROR_SCHEMA, description="The token lacks the comments:read scope.")
INVALID = OpenApiResponse(ERROR_SCHEMA, description="A query parameter is invalid (`errors`).")
SLUG = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description="The draft's address, e.g. `haip-code`."
)
NUMBER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="The version number (1, 2, …)."
)


class DraftsApiView(APIView):
    """Reads for everyone; a token must carry ``comments:read``."""

    permission_classes = [IsAuthenticatedOrReadOnly, HasTokenScope]
    required_scopes = [ApiToken.Scope.COMMENTS_READ.value]
    http_method_names = ["get", "head", "options"]


class DraftListView(DraftsApiView, GenericAPIView):
    """The drafts under consultation, each with the versions you may see."""

    serializer_class = DraftOutputSerializer

    def get_queryset(self) -> QuerySet[Draft]:
        return selectors.drafts_visible_to(self.request.user)

    @extend_schema(
        tags=TAGS,
        summary="List drafts",
        description="Drafts that have at least one version you may see, with those versions "
        "(oldest first). Unpublished versions are listed only for the secretariat. Paginated "
        "by cursor: follow `next`.",
        responses={
            200: DraftOutputSerializer(many=True),
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: OpenApiResponse(ERROR_SCHEMA, description="The cursor is invalid."),
        },
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class DraftDetailView(DraftsApiView):
    """One draft with the versions you may see and their changelogs."""

    @extend_schema(
        tags=TAGS,
        summary="Read a draft",
        description="The draft with every version you may see (oldest first) and the "
        "changelog of each.",
        parameters=[SLUG],
        responses={
            200: OpenApiResponse(DraftDetailOutputSerializer, description="The draft."),
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: OpenApiResponse(ERROR_SCHEMA, description="No draft you may see has this slug."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        draft = selectors.draft_get(user=request.user, slug=slug)
        return Response(DraftDetailOutputSerializer(draft, context={"request": request}).data)


class VersionDetailView(DraftsApiView):
    """A version's text: its sections and numbered lines, in a constant number of queries."""

    @extend_schema(
        tags=TAGS,
        summary="Read a version",
        description="The version's metadata and changelog, its sections, and (unless "
        "`include=sections`) every numbered line with its section, kind, reader text and "
        "Markdown source. Comments anchor to these line numbers. With `lang`, the text (and "
        "the section headings) of the version's published rendering in that language, on the "
        "master's line numbers; `languages` lists those available.",
        parameters=[SLUG, NUMBER, VersionQueryInputSerializer],
        responses={
            200: OpenApiResponse(VersionDetailOutputSerializer, description="The version."),
            400: INVALID,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ERROR_SCHEMA,
                description="No version you may see has this draft and number, or it has no "
                "published rendering in `lang`.",
            ),
        },
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        query = VersionQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        version = selectors.version_get(user=request.user, slug=slug, number=number)
        renderings = [
            rendering
            for rendering in selectors.version_renderings(user=request.user, version=version)
            if rendering.is_frozen
        ]
        languages = [version.language, *(rendering.language for rendering in renderings)]
        language = query.validated_data.get("lang", version.language)
        if language not in languages:
            raise NotFound(
                _(
                    "%(version)s has no published rendering in '%(language)s'; it can be read "
                    "in %(languages)s."
                )
                % {"version": version, "language": language, "languages": ", ".join(languages)}
            )
        rendering = selectors.rendering_pick(renderings, language)
        document: dict[str, Any] = {
            "version": version,
            "language": language,
            "languages": languages,
        }
        if query.validated_data["include"] == INCLUDE_LINES:
            text = selectors.version_text_with_source_in(version, rendering)
            document["sections"] = [item.section for item in text]
            document["lines"] = [line for item in text for line in item.lines]
        else:
            document["sections"] = (
                [item.section for item in selectors.version_text_in(version, rendering)]
                if rendering
                else selectors.version_sections(version)
            )
        return Response(VersionDetailOutputSerializer(document).data)


class DiffView(DraftsApiView):
    """Two versions of a draft compared section by section, down to the word."""

    @extend_schema(
        tags=TAGS,
        summary="Compare two versions",
        description="The difference between versions `from` and `to` of the draft, per "
        "section (matched by key): each section's status and its rows, changed lines split "
        "into word segments. Both versions must be ones you may see.",
        parameters=[SLUG, DiffQueryInputSerializer],
        responses={
            200: OpenApiResponse(DiffOutputSerializer, description="The comparison."),
            400: INVALID,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: OpenApiResponse(
                ERROR_SCHEMA,
                description="No draft you may see has this slug, or `from`/`to` is not a "
                "version of it you may see.",
            ),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        query = DiffQueryInputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        current = selectors.version_get(user=request.user, slug=slug, number=None)
        versions = selectors.version_siblings(user=request.user, version=current)
        by_number = {version.number: version for version in versions}
        new = _pick(by_number, query.validated_data.get("to", current.number), "to")
        if "from" in query.validated_data:
            old = _pick(by_number, query.validated_data["from"], "from")
        else:
            earlier = [version for version in versions if version.number < new.number]
            old = earlier[-1] if earlier else new
        sections = compare_sections(
            selectors.version_sections_as_text(old), selectors.version_sections_as_text(new)
        )
        diff = {"draft": current.draft, "from": old, "to": new, "sections": sections}
        return Response(DiffOutputSerializer(diff, context={"request": request}).data)


def _pick(by_number: dict[int, DraftVersion], number: int, parameter: str) -> DraftVersion:
    """The visible version ``number``; the same 404 whether it is missing or unpublished."""
    if number not in by_number:
        raise NotFound(
            _("This draft has no version %(number)s (`%(parameter)s`).")
            % {"number": number, "parameter": parameter}
        )
    return by_number[number]
