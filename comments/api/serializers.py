"""Input and output shapes of the comments API (the OpenAPI schema is generated from them)."""

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from drafts.models import DraftVersion
from haip_portal.text import forbidden_character

from ..anchoring import MAX_CONTEXT_LENGTH, MAX_QUOTE_LENGTH
from ..inputs import MAX_BODY_LENGTH
from ..models import Comment, Disposition
from ..selectors import comment_attachments
from .attachment_serializers import AttachmentOutputSerializer

MAX_BATCH = 1_000


class TextField(serializers.CharField):
    """Free text passed on to the service as sent: the service checks its characters (one
    rule and one message for every channel, ``haip_portal.text``) and trims it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["trim_whitespace"] = False
        super().__init__(**kwargs)
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(
                validator, ProhibitNullCharactersValidator | ProhibitSurrogateCharactersValidator
            )
        ]

    def run_validation(self, data: Any = empty) -> Any:
        # Spaces alone are blank, but a character the service refuses is left for it to name,
        # even where Python counts it as whitespace.
        if (
            isinstance(data, str)
            and not self.allow_blank
            and not data.strip()
            and forbidden_character(data) is None
        ):
            self.fail("blank")
        return super().run_validation(data)


class QuoteSerializer(serializers.Serializer):
    exact = TextField(max_length=MAX_QUOTE_LENGTH)
    prefix = TextField(max_length=MAX_CONTEXT_LENGTH, required=False, default="", allow_blank=True)
    suffix = TextField(max_length=MAX_CONTEXT_LENGTH, required=False, default="", allow_blank=True)
    start = serializers.IntegerField(
        min_value=0,
        required=False,
        allow_null=True,
        default=None,
        help_text="Character offset of the quote in the text of line_start.",
    )


class CommentInputSerializer(serializers.Serializer):
    """One comment to file. ``line_end`` defaults to ``line_start``; ``organisation`` is the
    slug of an organisation you represent (omit it to file as yourself)."""

    # The schema's description of an item. Items are read by comments.inputs.read_comment_item
    # (types only) and held to the limits and choices written here by the service, which
    # answers every mistake with the same message whatever the channel.

    external_id = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text="Your own id for the comment, unique per token owner and version: a retry "
        "with the same id never files it twice.",
    )
    line_start = serializers.IntegerField(min_value=1)
    line_end = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    quote = QuoteSerializer(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Comment.Kind.choices, default=Comment.Kind.GENERAL)
    stance = serializers.ChoiceField(
        choices=Comment.Stance.choices, required=False, allow_blank=True, default=""
    )
    body = TextField(max_length=MAX_BODY_LENGTH)
    proposed_text = TextField(
        max_length=MAX_BODY_LENGTH, required=False, default="", allow_blank=True
    )
    visibility = serializers.ChoiceField(
        choices=Comment.Visibility.choices, default=Comment.Visibility.PUBLIC
    )
    language = serializers.CharField(max_length=12, default="en")
    organisation = serializers.SlugField(required=False, allow_null=True, default=None)


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class DispositionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Disposition.Outcome.choices)
    response = serializers.CharField()
    decided_at = serializers.DateTimeField()


class CommentOutputSerializer(serializers.Serializer):
    reference = serializers.CharField()
    url = serializers.SerializerMethodField()
    draft = serializers.CharField(source="version.draft.slug")
    version = serializers.IntegerField(source="version.number")
    section = serializers.CharField(source="section.key")
    line_start = serializers.IntegerField()
    line_end = serializers.IntegerField()
    quote = serializers.SerializerMethodField()
    kind = serializers.ChoiceField(choices=Comment.Kind.choices)
    stance = serializers.ChoiceField(choices=Comment.Stance.choices, allow_blank=True)
    body = serializers.CharField()
    proposed_text = serializers.CharField(allow_blank=True)
    visibility = serializers.ChoiceField(choices=Comment.Visibility.choices)
    language = serializers.CharField()
    state = serializers.ChoiceField(choices=Comment.State.choices)
    channel = serializers.ChoiceField(choices=Comment.Channel.choices)
    external_id = serializers.SerializerMethodField()
    organisation = OrganisationRefSerializer()
    stakeholder_type = serializers.CharField()
    country = serializers.CharField(allow_blank=True)
    endorsements = serializers.SerializerMethodField()
    disposition = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, comment: Comment) -> str:
        return comment.get_absolute_url()

    def get_quote(self, comment: Comment) -> dict[str, Any] | None:
        if not comment.quote_exact:
            return None
        return {
            "exact": comment.quote_exact,
            "prefix": comment.quote_prefix,
            "suffix": comment.quote_suffix,
            "start": comment.quote_start,
        }

    def get_external_id(self, comment: Comment) -> str | None:
        """Shown to the author only: it is their client's own identifier."""
        request = self.context.get("request")
        if request is not None and request.user.pk == comment.author_id:
            return comment.external_id
        return None

    def get_endorsements(self, comment: Comment) -> int:
        count = getattr(comment, "endorsement_count", None)
        return count if count is not None else comment.endorsements.count()

    def get_disposition(self, comment: Comment) -> dict[str, Any] | None:
        disposition = getattr(comment, "disposition", None)
        return DispositionSerializer(disposition).data if disposition is not None else None


# --- The list: CommentOutputSerializer's output from value rows -----------------------------
#
# A page of 50 comments through CommentOutputSerializer built ~250 model instances (comment,
# section, organisation, disposition, version, draft) and ran ~1,300 field objects; the list
# reads plain rows instead and writes the same dicts. The schema still comes from
# CommentOutputSerializer, and tests/comments/test_api.py checks that both give the same JSON.

COMMENT_ROW_FIELDS = (
    "pk",  # the cursor's position
    "reference",
    "section__key",
    "line_start",
    "line_end",
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "kind",
    "stance",
    "body",
    "proposed_text",
    "visibility",
    "language",
    "state",
    "channel",
    "external_id",
    "author_id",
    "organisation__slug",
    "organisation__name",
    "stakeholder_type",
    "country",
    "endorsement_count",
    "disposition__outcome",
    "disposition__response",
    "disposition__decided_at",
    "created_at",
    "updated_at",
    "edited_at",
)
_DATETIME = serializers.DateTimeField()
_URL_PLACEHOLDER = "REFERENCE"
_UNQUOTED = re.compile(r"[A-Za-z0-9._~-]+")  # what reverse() leaves as it is in a path


def comment_rows(comments: QuerySet[Comment]) -> QuerySet[Comment, dict[str, Any]]:
    """The columns :func:`comment_rows_output` needs, one dict per comment.

    ``comments`` must carry ``endorsement_count`` (as ``selectors.version_comments`` does).
    """
    return comments.values(*COMMENT_ROW_FIELDS)


def _datetime_text() -> Callable[[datetime], str]:
    """``DateTimeField().to_representation``, with what it looks up for every value looked up
    once: for the default ISO 8601 format, the datetime in the current time zone, ``Z`` for
    UTC (a page has ~150 datetimes; DRF's own call was most of the time spent writing it)."""
    if not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return _DATETIME.to_representation
    zone = timezone.get_current_timezone()

    def text(value: datetime) -> str:
        if value.tzinfo is None:
            return _DATETIME.to_representation(value)
        iso = value.astimezone(zone).isoformat()
        return iso[:-6] + "Z" if iso.endswith("+00:00") else iso

    return text


def _row_quote(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row["quote_exact"]:
        return None
    return {
        "exact": row["quote_exact"],
        "prefix": row["quote_prefix"],
        "suffix": row["quote_suffix"],
        "start": row["quote_start"],
    }


def _row_disposition(
    row: dict[str, Any], datetime_text: Callable[[datetime], str]
) -> dict[str, Any] | None:
    if row["disposition__outcome"] is None:
        return None
    return {
        "outcome": row["disposition__outcome"],
        "response": row["disposition__response"],
        "decided_at": datetime_text(row["disposition__decided_at"]),
    }


def comment_rows_output(
    rows: Iterable[dict[str, Any]], *, version: DraftVersion, viewer: Any
) -> list[dict[str, Any]]:
    """What ``CommentOutputSerializer(many=True)`` returns for these comments of ``version``,
    seen by ``viewer``, built from :func:`comment_rows` without model instances."""
    datetime_text = _datetime_text()
    url_pattern = reverse("comments:comment_detail", kwargs={"reference": _URL_PLACEHOLDER})
    url_head, _, url_tail = url_pattern.partition(_URL_PLACEHOLDER)
    draft, number, viewer_pk = version.draft.slug, version.number, viewer.pk
    output = []
    for row in rows:
        reference = row["reference"]
        if _UNQUOTED.fullmatch(reference):
            url = f"{url_head}{reference}{url_tail}"
        else:
            url = reverse("comments:comment_detail", kwargs={"reference": reference})
        edited_at = row["edited_at"]
        output.append(
            {
                "reference": reference,
                "url": url,
                "draft": draft,
                "version": number,
                "section": row["section__key"],
                "line_start": row["line_start"],
                "line_end": row["line_end"],
                "quote": _row_quote(row),
                "kind": row["kind"],
                "stance": row["stance"],
                "body": row["body"],
                "proposed_text": row["proposed_text"],
                "visibility": row["visibility"],
                "language": row["language"],
                "state": row["state"],
                "channel": row["channel"],
                # Shown to the author only: it is their client's own identifier.
                "external_id": row["external_id"] if row["author_id"] == viewer_pk else None,
                "organisation": {
                    "slug": row["organisation__slug"],
                    "name": row["organisation__name"],
                },
                "stakeholder_type": row["stakeholder_type"],
                "country": row["country"],
                "endorsements": row["endorsement_count"],
                "disposition": _row_disposition(row, datetime_text),
                "created_at": datetime_text(row["created_at"]),
                "updated_at": datetime_text(row["updated_at"]),
                "edited_at": datetime_text(edited_at) if edited_at is not None else None,
            }
        )
    return output


class ReplyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    parent = serializers.IntegerField(source="parent_id", allow_null=True)  # type: ignore[assignment]
    author = serializers.CharField(
        source="speaker", help_text="Who replied: their name and the organisation they spoke for."
    )
    organisation = OrganisationRefSerializer(allow_null=True)
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class EndorsementOutputSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer()
    created_at = serializers.DateTimeField()


class CommentDetailSerializer(CommentOutputSerializer):
    replies = serializers.SerializerMethodField()
    endorsed_by = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    @extend_schema_field(AttachmentOutputSerializer(many=True))
    def get_attachments(self, comment: Comment) -> list[dict[str, Any]]:
        attachments = comment_attachments(comment)
        return AttachmentOutputSerializer(attachments, many=True).data  # type: ignore[return-value]

    def get_replies(self, comment: Comment) -> list[dict[str, Any]]:
        replies = comment.replies.filter(state=Comment.State.PUBLISHED).select_related(
            "author", "organisation"
        )
        return ReplyOutputSerializer(replies, many=True).data  # type: ignore[return-value]

    def get_endorsed_by(self, comment: Comment) -> list[dict[str, Any]]:
        endorsements = comment.endorsements.select_related("organisation")
        return EndorsementOutputSerializer(endorsements, many=True).data  # type: ignore[return-value]


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "duplicate", "rejected"])
    reference = serializers.CharField(allow_blank=True)
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ItemResultSerializer(many=True)


class ReplyInputSerializer(serializers.Serializer):
    body = TextField(max_length=10_000)
    organisation = serializers.SlugField(
        required=False,
        allow_blank=True,
        help_text="Slug of an organisation you represent, to reply on its behalf.",
    )
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False, allow_null=True, default=None
    )


class EndorsementInputSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="Slug of an organisation you represent.")


class BulkSubmissionInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="JSON Lines (.jsonl: one comment object per line, as in the bulk endpoint) "
        "or CSV (.csv with the columns external_id, line_start, line_end, quote_exact, "
        "quote_prefix, quote_suffix, quote_start, kind, stance, body, proposed_text, "
        "visibility, language, organisation). Up to 100,000 rows and 50 MB, UTF-8."
    )


class BulkSubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    rejections_url = serializers.SerializerMethodField()
    file_name = serializers.CharField()
    format = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    rows_total = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    created = serializers.IntegerField(source="created_count")
    duplicate = serializers.IntegerField(source="duplicate_count")
    rejected = serializers.IntegerField(source="rejected_count")
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, submission: Any) -> str:
        return reverse("comments_api:bulk_submission", args=[submission.pk])

    def get_rejections_url(self, submission: Any) -> str:
        return reverse("comments_api:bulk_submission_rejections", args=[submission.pk])
