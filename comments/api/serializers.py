"""Input and output shapes of the comments API (the OpenAPI schema is generated from them)."""

from typing import Any

from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.validators import ProhibitSurrogateCharactersValidator

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
    language = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text="The language of the text quoted: a rendering's (`fr`, `de`, `it`, `ja`; see "
        "the version's `languages`) or the master's (the default). The line numbers are "
        "always the master's; the quote is checked against that rendering's line.",
    )


class QuoteOutputSerializer(serializers.Serializer):
    exact = serializers.CharField()
    prefix = serializers.CharField(allow_blank=True)
    suffix = serializers.CharField(allow_blank=True)
    start = serializers.IntegerField(allow_null=True)
    language = serializers.CharField(
        help_text="The language the quote is in: the master's, or the rendering's it was "
        "taken from."
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
    language = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        default="",
        help_text="The language of the comment (ISO 639-1, e.g. `ja`). Left out, it is "
        "detected from the body (English, French, German, Italian, Japanese), else taken to be "
        "that of the text quoted or of the master.",
    )
    organisation = serializers.SlugField(required=False, allow_null=True, default=None)
    attachments = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="Ids of position papers you uploaded to /api/v1/papers/ (at most "
        f"{settings.ATTACHMENT_MAX_PER_COMMENT}): the comment takes them as attachments. An id "
        "that is not yours, has expired, was taken by another comment or is named twice in "
        "the request rejects the item, naming the id.",
    )


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
    language = serializers.CharField(help_text="The comment's language, detected or as given.")
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

    @extend_schema_field(QuoteOutputSerializer(allow_null=True))
    def get_quote(self, comment: Comment) -> dict[str, Any] | None:
        if not comment.quote_exact:
            return None
        return {
            "exact": comment.quote_exact,
            "prefix": comment.quote_prefix,
            "suffix": comment.quote_suffix,
            "start": comment.quote_start,
            "language": comment.quote_language or comment.version.language,
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
        "quote_prefix, quote_suffix, quote_start, quote_language, kind, stance, body, "
        "proposed_text, visibility, language, organisation). Up to 100,000 rows and 50 MB, "
        "UTF-8. "
        "Or a ZIP (.zip, up to 50 MB) holding one such sheet and the position papers (PDF, "
        "DOCX, ODT) its rows name: the CSV column or JSON key `attachments` lists a row's "
        "papers by their path in the ZIP, several separated by ';' (in JSON also a list). "
        "Each paper is checked as a single attachment is; a row whose paper is refused is "
        "rejected naming the paper, and nothing of it is stored. The ZIP is refused whole "
        "if it holds more than 10,000 entries, would unpack to more than 1 GiB, names an "
        "entry outside itself, holds an encrypted entry or another archive, or does not hold "
        "exactly one sheet."
    )


class BulkSubmissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    rejections_url = serializers.SerializerMethodField()
    file_name = serializers.CharField()
    format = serializers.CharField(help_text="The format of the comments sheet: csv or jsonl.")
    sheet_name = serializers.CharField(
        allow_blank=True, help_text="The sheet inside an uploaded ZIP; empty for a plain file."
    )
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    rows_total = serializers.IntegerField()
    rows_done = serializers.IntegerField()
    created = serializers.IntegerField(source="created_count")
    duplicate = serializers.IntegerField(source="duplicate_count")
    rejected = serializers.IntegerField(source="rejected_count")
    papers = serializers.IntegerField(
        source="papers_count", help_text="Position papers stored with the comments filed."
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_url(self, submission: Any) -> str:
        return reverse("comments_api:bulk_submission", args=[submission.pk])

    def get_rejections_url(self, submission: Any) -> str:
        return reverse("comments_api:bulk_submission_rejections", args=[submission.pk])
