"""What the API says of the answer loop: comments carried to a version and their review,
dispositions with the lines of the next version that answer them, and objections."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from drafts.api.serializers import NamedChoiceField

from ..models import CarriedComment, CitedLines, Disposition, DispositionResponse


class CarriedCommentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="comment.reference")
    from_version = serializers.IntegerField(
        source="comment.version.number", help_text="The version the comment was filed on."
    )
    outcome = NamedChoiceField(enum_name="CarryOutcomeEnum", choices=CarriedComment.Outcome.choices)
    review = NamedChoiceField(enum_name="CarryReviewEnum", choices=CarriedComment.Review.choices)
    line_start = serializers.IntegerField(
        allow_null=True, help_text="Where the comment now points in this version."
    )
    line_end = serializers.IntegerField(allow_null=True)

    class Meta:
        model = CarriedComment
        fields = [
            "reference",
            "from_version",
            "outcome",
            "score",
            "review",
            "section_key",
            "line_start",
            "line_end",
            "quote_start",
            "candidates",
            "reviewed_at",
        ]
        read_only_fields = fields


class CarriedSummarySerializer(serializers.Serializer):
    """Counts over the carried comments you may see."""

    total = serializers.IntegerField()
    kept = serializers.IntegerField()
    changed = serializers.IntegerField()
    removed = serializers.IntegerField()
    not_needed = serializers.IntegerField(help_text="Carried without review.")
    pending = serializers.IntegerField(help_text="Waiting in the secretariat's review queue.")
    confirmed = serializers.IntegerField()
    repointed = serializers.IntegerField()
    answered_by_removal = serializers.IntegerField()


class CitedLinesSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = CitedLines
        fields = ["version", "line_start", "line_end"]
        read_only_fields = fields


class DispositionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="comment.reference")
    outcome = NamedChoiceField(
        enum_name="DispositionOutcomeEnum", choices=Disposition.Outcome.choices
    )
    addressed_in = serializers.SerializerMethodField(
        help_text="The number of the version in which the comment was addressed."
    )
    cited_lines = CitedLinesSerializer(
        many=True, help_text="Lines of the next version that answer the comment."
    )
    accepted = serializers.IntegerField(help_text="Commenters who accepted the answer.")
    objected = serializers.IntegerField(help_text="Commenters who objected to the answer.")

    class Meta:
        model = Disposition
        fields = [
            "reference",
            "outcome",
            "response",
            "decided_at",
            "addressed_in",
            "cited_lines",
            "accepted",
            "objected",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_addressed_in(self, disposition: Disposition) -> Any:
        return disposition.addressed_in.number if disposition.addressed_in else None


class ObjectionSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(source="disposition.comment.reference")
    outcome = NamedChoiceField(
        enum_name="DispositionOutcomeEnum",
        choices=Disposition.Outcome.choices,
        source="disposition.outcome",
    )
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="The organisation the comment was filed for."
    )

    class Meta:
        model = DispositionResponse
        fields = ["reference", "outcome", "reason", "organisation", "created_at", "updated_at"]
        read_only_fields = fields
