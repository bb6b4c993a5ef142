"""The comments API: thin views over the same selectors and services as the pages."""

from collections import Counter
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors as account_selectors
from accounts.api.permissions import HasTokenScope
from accounts.models import Organisation, User
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion
from haip_portal.api.errors import error_body
from haip_portal.api.idempotency import idempotent
from haip_portal.api.schema import ERRORS, IDEMPOTENCY_KEY, WRITE_ERRORS
from haip_portal.api.throttles import ApiCommentThrottle, ApiRequestThrottle

from .. import bulk_files, selectors, services
from ..inputs import UnreadableItem, filed_for, read_items_with_papers
from ..models import BulkSubmission, Comment
from .rows import comment_rows, comment_rows_output
from .serializers import (
    MAX_BATCH,
    BatchResultSerializer,
    BulkSubmissionInputSerializer,
    BulkSubmissionSerializer,
    CommentDetailSerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    EndorsementInputSerializer,
    ReplyInputSerializer,
    ReplyOutputSerializer,
)

API = Comment.Channel.API


def _version_closes_at(slug: str, number: int) -> datetime | None:
    return draft_selectors.version_closes_at(slug=slug, number=number)


class CommentsApiView(GenericAPIView):
    """Shared set-up: token scopes by method, throttles, the visible version."""

    permission_classes = [IsAuthenticatedOrReadOnly, HasTokenScope]
    throttle_classes = [ApiRequestThrottle, ApiCommentThrottle]

    @property
    def required_scopes(self) -> list[str]:
        writes = self.request.method not in SAFE_METHODS
        return ["comments:write"] if writes else ["comments:read"]

    def comment_cost(self, request: Request) -> int:
        return 1

    def comment_organisations(self, request: Request) -> Counter[str]:
        """The request's comments by the organisation they are filed for (see filed_for)."""
        items = request.data if isinstance(request.data, list) else [request.data]
        return Counter(filed_for(item) for item in items)

    def version(self) -> DraftVersion:
        return draft_selectors.version_get(
            user=self.request.user, slug=self.kwargs["slug"], number=self.kwargs["number"]
        )

    def user(self) -> User:
        return self.request.user  # type: ignore[return-value]


LIST_PARAMETERS = [
    OpenApiParameter("section", str, description="Section key, e.g. action-3."),
    OpenApiParameter(
        "line_from", int, description="Comments whose lines reach this line or later."
    ),
    OpenApiParameter(
        "line_to", int, description="Comments whose lines start at this line or earlier."
    ),
    OpenApiParameter("kind", str, enum=Comment.Kind.values),
    OpenApiParameter("stance", str, enum=Comment.Stance.values),
    OpenApiParameter("stakeholder_type", str, enum=Organisation.StakeholderType.values),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-2 code."),
    OpenApiParameter("organisation", str, description="Organisation slug."),
    OpenApiParameter("state", str, enum=Comment.State.values),
    OpenApiParameter("changed_since", datetime, description="Only comments changed at or after."),
    OpenApiParameter(
        "q",
        str,
        description="Words to search for in the comments' text, proposed text and attached "
        "papers (PostgreSQL web-search syntax: quoted phrases, OR, -word); at most 200 "
        "characters.",
    ),
    OpenApiParameter("page_size", int, description="At most 200; default 50."),
]


# The query parameters above that filter the list (page_size pages it).
LIST_FILTERS = tuple(
    parameter.name for parameter in LIST_PARAMETERS if parameter.name != "page_size"
)


class VersionCommentsView(CommentsApiView):
    """The comments of a version you may see, and filing one comment."""

    serializer_class = CommentOutputSerializer
    _listed_version: DraftVersion | None = None

    def listed_version(self) -> DraftVersion:
        """The version whose comments are listed, looked up once per request."""
        if self._listed_version is None:
            self._listed_version = self.version()
        return self._listed_version

    def get_queryset(self) -> QuerySet[Comment]:
        try:
            filters = selectors.CommentFilters.from_query(
                self.request.query_params, names=LIST_FILTERS
            )
        except selectors.FilterError as error:
            raise serializers.ValidationError(error.errors) from error
        return selectors.version_comments(
            user=self.request.user, version=self.listed_version(), filters=filters
        )

    @extend_schema(
        parameters=LIST_PARAMETERS, responses={200: CommentOutputSerializer(many=True), **ERRORS}
    )
    def get(self, request: Request, slug: str, number: int) -> Response:
        rows = self.paginate_queryset(comment_rows(self.get_queryset()))
        assert rows is not None  # the view always paginates
        data = comment_rows_output(rows, version=self.listed_version(), viewer=request.user)
        return self.get_paginated_response(data)

    @extend_schema(
        request=CommentInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: CommentOutputSerializer,
            200: OpenApiResponse(
                CommentOutputSerializer,
                description="A comment with this external_id exists already: here it is.",
            ),
            **WRITE_ERRORS,
        },
    )
    @idempotent(keep_until=_version_closes_at)
    def post(self, request: Request, slug: str, number: int) -> Response:
        version = self.version()
        (item,), papers = read_items_with_papers([request.data])
        if isinstance(item, UnreadableItem):
            raise serializers.ValidationError(item.errors)
        (result,) = services.comments_submit_with_papers(
            version=version, author=self.user(), items=[item], papers=papers, channel=API
        )
        if result.status == "rejected":
            message = next(iter(result.errors.values()))[0]
            return Response(error_body("invalid", message, result.errors), status=422)
        comment = selectors.comment_for_output(reference=result.reference)
        code = status.HTTP_201_CREATED if result.status == "created" else status.HTTP_200_OK
        return Response(self.get_serializer(comment).data, status=code)


class BulkCommentsView(CommentsApiView):
    """File up to 1,000 comments in one request, each answered in order."""

    serializer_class = BatchResultSerializer

    def comment_cost(self, request: Request) -> int:
        return len(request.data) if isinstance(request.data, list) else 1

    @extend_schema(
        request=CommentInputSerializer(many=True),
        parameters=[
            IDEMPOTENCY_KEY,
            OpenApiParameter(
                "atomic",
                bool,
                description="true: if any item is rejected, store none (answered 422).",
            ),
        ],
        responses={200: BatchResultSerializer, **WRITE_ERRORS},
    )
    @idempotent(keep_until=_version_closes_at)
    def post(self, request: Request, slug: str, number: int) -> Response:
        version = self.version()
        items = request.data
        if not isinstance(items, list):
            raise serializers.ValidationError([_("Send a JSON array of comments.")])
        if not 1 <= len(items) <= MAX_BATCH:
            raise serializers.ValidationError(
                [
                    _("Send between 1 and %(max)s comments per request (got %(count)s).")
                    % {"max": f"{MAX_BATCH:,}", "count": f"{len(items):,}"}
                ]
            )
        atomic = request.query_params.get("atomic", "").lower() in ("1", "true", "yes")
        items, papers = read_items_with_papers(items)
        try:
            results = services.comments_submit_with_papers(
                version=version,
                author=self.user(),
                items=items,
                papers=papers,
                channel=API,
                atomic=atomic,
            )
        except services.BatchRejected as rejected:
            body = error_body(
                "batch_rejected",
                f"{len(rejected.rejected)} of {rejected.total} comments were rejected; "
                "with atomic=true none was stored.",
            )
            body["results"] = [_result(result) for result in rejected.rejected]
            return Response(body, status=422)
        body = {
            name: sum(1 for result in results if result.status == name)
            for name in ("created", "duplicate", "rejected")
        }
        body["results"] = [_result(result) for result in results]
        return Response(body, status=200)


def _result(result: services.ItemResult) -> dict[str, Any]:
    return {
        "index": result.index,
        "status": result.status,
        "reference": result.reference,
        "errors": result.errors,
    }


def _int_param(params: Any, name: str) -> int | None:
    value = params.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise serializers.ValidationError({name: [_("Give a whole number.")]}) from None


class CommentDetailView(CommentsApiView):
    serializer_class = CommentDetailSerializer

    @extend_schema(responses={200: CommentDetailSerializer, **ERRORS})
    def get(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        return Response(self.get_serializer(comment).data)


class CommentWithdrawView(CommentsApiView):
    serializer_class = CommentOutputSerializer

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: CommentOutputSerializer, **WRITE_ERRORS},
    )
    @idempotent()
    def post(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        services.comment_withdraw(comment=comment, user=self.user())
        return Response(self.get_serializer(selectors.comment_for_output(reference=reference)).data)


class CommentReplyView(CommentsApiView):
    serializer_class = ReplyOutputSerializer

    @extend_schema(
        request=ReplyInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: ReplyOutputSerializer, **WRITE_ERRORS},
    )
    @idempotent()
    def post(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slug = data.validated_data.get("organisation")
        reply = services.reply_create(
            comment=comment,
            author=self.user(),
            body=data.validated_data["body"],
            parent_id=data.validated_data.get("parent") or None,
            organisation=_organisation(slug) if slug else None,
        )
        return Response(self.get_serializer(reply).data, status=201)


class CommentEndorseView(CommentsApiView):
    serializer_class = CommentOutputSerializer

    @extend_schema(
        request=EndorsementInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CommentOutputSerializer, **WRITE_ERRORS},
    )
    @idempotent()
    def post(self, request: Request, reference: str) -> Response:
        comment = selectors.comment_get(user=request.user, reference=reference)
        data = EndorsementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation = _organisation(data.validated_data["organisation"])
        services.endorsement_create(comment=comment, user=self.user(), organisation=organisation)
        return Response(
            self.get_serializer(selectors.comment_for_output(reference=reference)).data, status=201
        )


class CommentEndorsementView(CommentsApiView):
    serializer_class = CommentOutputSerializer

    @extend_schema(responses={200: CommentOutputSerializer, **WRITE_ERRORS})
    def delete(self, request: Request, reference: str, organisation: str) -> Response:
        """Take an organisation's endorsement back (as one of its representatives)."""
        comment = selectors.comment_get(user=request.user, reference=reference)
        services.endorsement_withdraw(
            comment=comment, user=self.user(), organisation=_organisation(organisation)
        )
        return Response(self.get_serializer(selectors.comment_for_output(reference=reference)).data)


def _organisation(slug: str) -> Organisation:
    organisation = account_selectors.organisation_find(slug=slug)
    if organisation is None:
        raise serializers.ValidationError({"organisation": [_("No such organisation.")]})
    return organisation


class BulkSubmissionCreateView(CommentsApiView):
    """Upload a file of up to 100,000 comments; the worker files it (poll the job's URL)."""

    parser_classes = [MultiPartParser]
    serializer_class = BulkSubmissionSerializer

    def comment_cost(self, request: Request) -> int:
        return 0  # counted once the file's rows are known (see post)

    @extend_schema(
        request={"multipart/form-data": BulkSubmissionInputSerializer},
        parameters=[IDEMPOTENCY_KEY],
        responses={202: BulkSubmissionSerializer, **WRITE_ERRORS},
    )
    @idempotent(keep_until=_version_closes_at)
    def post(self, request: Request, slug: str, number: int) -> Response:
        version = self.version()
        data = BulkSubmissionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        rows, organisations = bulk_files.bulk_file_tally(upload)
        throttle = ApiCommentThrottle()
        # Every row counts against the limits: the token's and its organisation's.
        if not throttle.charge(request, self, rows, organisations):
            self.throttled(request, throttle.wait() or 1.0)
        submission = services.bulk_submission_create(
            version=version, owner=self.user(), upload=upload, rows=rows
        )
        body = self.get_serializer(submission).data
        return Response(body, status=202, headers={"Location": body["url"]})


def _own_submission(request: Request, submission_id: int) -> BulkSubmission:
    return selectors.bulk_submission_get(owner=request.user, pk=submission_id)


class BulkSubmissionView(CommentsApiView):
    """Status and progress of an upload: rows done of the total, and the counts so far."""

    permission_classes = [IsAuthenticated, HasTokenScope]
    serializer_class = BulkSubmissionSerializer

    @extend_schema(responses={200: BulkSubmissionSerializer, **ERRORS})
    def get(self, request: Request, submission_id: int) -> Response:
        return Response(self.get_serializer(_own_submission(request, submission_id)).data)


class BulkRejectionsView(CommentsApiView):
    """Every rejected row of an upload, as CSV: its line in the file, the field, the reason."""

    permission_classes = [IsAuthenticated, HasTokenScope]

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="CSV with the columns line, field, reason."
            ),
            **ERRORS,
        }
    )
    def get(self, request: Request, submission_id: int) -> StreamingHttpResponse:
        submission = _own_submission(request, submission_id)
        response = StreamingHttpResponse(
            bulk_files.rejections_csv(submission), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="rejections-{submission.pk}.csv"'
        return response
