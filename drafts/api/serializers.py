"""Input (query parameters) and output serializers of the drafts API.

Outputs read model instances, the sections and lines of :mod:`drafts.selectors`, and the
dataclasses of :mod:`drafts.diff`; none of them queries the database by itself.
"""

from typing import Any, get_args

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..diff import RowKind, SectionStatus, SegmentKind
from ..models import DraftVersion, Language, Line

INCLUDE_LINES = "lines"
INCLUDE_SECTIONS = "sections"


class NamedChoiceField(serializers.ChoiceField):
    """A choice field documented as its own named enum (``LineKindEnum``).

    ``kind`` and ``status`` name several choice sets across the API; left to drf-spectacular,
    they would be renamed after hashes (``KindCe9Enum``), other apps' enums included.
    """

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField

    def get_name(self) -> str:
        return str(self.target.enum_name)

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices = self.target.choices
        return {
            "type": "string",
            "enum": list(choices),
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.items()),
        }


# --- Input ------------------------------------------------------------------------------


class VersionQueryInputSerializer(serializers.Serializer):
    include = serializers.ChoiceField(
        choices=[INCLUDE_LINES, INCLUDE_SECTIONS],
        default=INCLUDE_LINES,
        help_text="`lines` (the default): the sections and every numbered line. `sections`: "
        "the sections only, without `lines`, for a light read of a long version.",
    )
    lang = serializers.ChoiceField(
        choices=Language.choices,
        required=False,
        help_text="The language of the text: the master's (the default) or one of the "
        "version's `languages`. Line numbers and section keys are the master's in every "
        "language.",
    )


class DiffQueryInputSerializer(serializers.Serializer):
    # "from" is a Python keyword, hence get_fields.
    def get_fields(self) -> dict[str, serializers.Field]:
        return {
            "from": serializers.IntegerField(
                required=False,
                min_value=1,
                help_text="Number of the older version. Default: the visible version just "
                "before `to` (or `to` itself when there is none).",
            ),
            "to": serializers.IntegerField(
                required=False,
                min_value=1,
                help_text="Number of the newer version. Default: the current version (the "
                "newest published one).",
            ),
            **super().get_fields(),
        }


# --- Output -----------------------------------------------------------------------------


class DraftRefOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()


class VersionOutputSerializer(serializers.Serializer):
    """A version as listed under its draft (never its text)."""

    number = serializers.IntegerField()
    status = NamedChoiceField(
        enum_name="VersionStatusEnum",
        choices=DraftVersion.Status.choices,
        help_text="`draft` versions are seen only by the secretariat.",
    )
    opens_at = serializers.DateTimeField(allow_null=True)
    closes_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    line_count = serializers.IntegerField(help_text="Numbered (non-blank) lines.")
    url = serializers.SerializerMethodField(help_text="This version in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, version: DraftVersion) -> str:
        path = reverse(
            "drafts_api:version_detail",
            kwargs={"slug": version.draft.slug, "number": version.number},
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class VersionWithChangelogOutputSerializer(VersionOutputSerializer):
    changelog = serializers.CharField(help_text="Markdown: what changed since the version before.")


class DraftOutputSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField(help_text="Markdown.")
    versions = VersionOutputSerializer(
        many=True, help_text="The versions you may see, oldest first."
    )


class DraftDetailOutputSerializer(DraftOutputSerializer):
    versions = VersionWithChangelogOutputSerializer(
        many=True, help_text="The versions you may see, oldest first."
    )


class SectionOutputSerializer(serializers.Serializer):
    key = serializers.SlugField(help_text="Stable across versions, e.g. `action-3`.")
    heading = serializers.CharField()
    position = serializers.IntegerField()
    line_start = serializers.IntegerField()
    line_end = serializers.IntegerField()


class LineOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    section = serializers.SlugField(source="section.key", help_text="Key of the line's section.")
    kind = NamedChoiceField(enum_name="LineKindEnum", choices=Line.Kind.choices)
    text = serializers.CharField(help_text="The line as readers see it; quotes match this.")
    # A declared field, popped by the metaclass; the stubs see Field.source.
    source = serializers.CharField(help_text="The line as written in Markdown.")  # type: ignore[assignment]


class VersionDetailOutputSerializer(serializers.Serializer):
    """A version with its text: sections, and every numbered line unless left out."""

    # Reads {"version": DraftVersion, "sections": [...], "lines": [...]}; without a "lines"
    # key the (not required) field is skipped.

    draft = DraftRefOutputSerializer(source="version.draft")
    number = serializers.IntegerField(source="version.number")
    status = NamedChoiceField(
        enum_name="VersionStatusEnum",
        source="version.status",
        choices=DraftVersion.Status.choices,
        help_text="`draft` versions are seen only by the secretariat.",
    )
    opens_at = serializers.DateTimeField(source="version.opens_at", allow_null=True)
    closes_at = serializers.DateTimeField(source="version.closes_at", allow_null=True)
    published_at = serializers.DateTimeField(source="version.published_at", allow_null=True)
    closed_at = serializers.DateTimeField(source="version.closed_at", allow_null=True)
    line_count = serializers.IntegerField(source="version.line_count")
    changelog = serializers.CharField(
        source="version.changelog", help_text="Markdown: what changed since the version before."
    )
    master_language = serializers.CharField(
        source="version.language", help_text="The language of the master text."
    )
    language = serializers.CharField(
        help_text="The language of the text returned (`lang`, or the master's)."
    )
    languages = serializers.ListField(
        child=serializers.CharField(),
        help_text="The languages this version can be read in: the master's first, then its "
        "published renderings'. Ask for one with `lang`.",
    )
    sections = SectionOutputSerializer(many=True)
    lines = LineOutputSerializer(
        many=True,
        required=False,
        help_text="Every numbered line in order, in `language`. Left out with `include=sections`.",
    )


class SegmentOutputSerializer(serializers.Serializer):
    kind = NamedChoiceField(enum_name="SegmentKindEnum", choices=list(get_args(SegmentKind)))
    text = serializers.CharField()


class RowOutputSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        enum_name="RowKindEnum",
        choices=list(get_args(RowKind)),
        help_text="`change` pairs an old line with its new wording; `delete` has only `old`, "
        "`insert` only `new`.",
    )
    old_number = serializers.IntegerField(allow_null=True, help_text="Line number in `from`.")
    new_number = serializers.IntegerField(allow_null=True, help_text="Line number in `to`.")
    old = SegmentOutputSerializer(
        many=True, help_text="The old line as `equal` and `delete` segments."
    )
    new = SegmentOutputSerializer(
        many=True, help_text="The new line as `equal` and `insert` segments."
    )


class SectionDiffOutputSerializer(serializers.Serializer):
    key = serializers.SlugField()
    heading = serializers.CharField()
    status = NamedChoiceField(
        enum_name="SectionDiffStatusEnum", choices=list(get_args(SectionStatus))
    )
    rows = RowOutputSerializer(many=True)


class DiffOutputSerializer(serializers.Serializer):
    """Two versions of a draft compared section by section, down to the word."""

    # Reads {"draft": Draft, "from": DraftVersion, "to": DraftVersion, "sections": [...]};
    # "from" is a Python keyword, hence get_fields.
    def get_fields(self) -> dict[str, Any]:
        return {
            "draft": DraftRefOutputSerializer(),
            "from": VersionOutputSerializer(help_text="The older side of the comparison."),
            "to": VersionOutputSerializer(help_text="The newer side of the comparison."),
            "sections": SectionDiffOutputSerializer(
                many=True,
                help_text="Sections in the order of `to`; a removed section follows the one "
                "that preceded it in `from`.",
            ),
        }
