"""The answer loop over the API, read-only: the comments carried to a version and the state
of their review, the dispositions of a version's comments with the lines that answer them,
and the objections to them. Each reads what the pages read, as the caller may see it."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from haip_portal.api.schema import ERRORS

from .. import answer_selectors
from .answer_serializers import (
    CarriedCommentSerializer,
    CarriedSummarySerializer,
    DispositionSerializer,
    ObjectionSerializer,
)
from .views import CommentsApiView


class _ReadView(CommentsApiView):
    def comment_cost(self, request: Request) -> int:
        return 0

    def listed(self, queryset: QuerySet[Any]) -> Response:
        page: list[Any] | None = self.paginate_queryset(queryset)
        assert page is not None  # every list pages
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CarriedCommentsView(_ReadView):
    """The comments of the previous version carried to this one that you may see: where each
    now points, its outcome (kept, changed, removed) and the secretariat's review."""

    serializer_class = CarriedCommentSerializer

    @extend_schema(responses={200: CarriedCommentSerializer(many=True), **ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        rows = answer_selectors.carried_rows(user=request.user, version=self.version())
        return self.listed(rows)


class CarriedSummaryView(_ReadView):
    """Counts of the comments carried to this version that you may see, by outcome and by the
    state of the secretariat's review queue."""

    serializer_class = CarriedSummarySerializer
    pagination_class = None

    @extend_schema(responses={200: CarriedSummarySerializer, **ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        counts = answer_selectors.carried_summary(user=request.user, version=self.version())
        return Response(self.get_serializer(counts).data)


class DispositionsView(_ReadView):
    """The dispositions of this version's comments that you may see, with the lines of the
    next version that answer them and the number of acceptances and objections."""

    serializer_class = DispositionSerializer

    @extend_schema(responses={200: DispositionSerializer(many=True), **ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        rows = answer_selectors.dispositions_of(user=request.user, version=self.version())
        return self.listed(rows)


class ObjectionsView(_ReadView):
    """Objections to the dispositions of this version's comments: all of them for the
    secretariat, your own for anyone else."""

    serializer_class = ObjectionSerializer

    @extend_schema(responses={200: ObjectionSerializer(many=True), **ERRORS})
    def get(self, request: Request, slug: str, number: int) -> Response:
        rows = answer_selectors.objections_on(user=request.user, version=self.version())
        return self.listed(rows)
