"""Drafts under consultation, their numbered versions, sections and lines."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from haip_portal.models import TimeStampedModel


class Language(models.TextChoices):
    """The languages a version's text is written or rendered in: the G7's five."""

    EN = "en", _("English")
    FR = "fr", _("French")
    DE = "de", _("German")
    IT = "it", _("Italian")
    JA = "ja", _("Japanese")


# Each language named in itself, for the choice of the text's language.
AUTONYMS = {"en": "English", "fr": "Français", "de": "Deutsch", "it": "Italiano", "ja": "日本語"}


class FrozenVersionError(Exception):
    """Raised when something tries to change the text of a published version."""


class Draft(TimeStampedModel):
    """One document under consultation, such as the HAIP Code of Conduct."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="Markdown, shown on the home page.")
    reference_prefix = models.CharField(
        max_length=12,
        unique=True,
        help_text="Start of the tracking numbers given to comments (HAIP-V1-000042).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("drafts:draft_detail", kwargs={"slug": self.slug})


class DraftVersion(TimeStampedModel):
    """A numbered text of a draft. Its text is frozen once it leaves ``draft`` status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not published)")
        OPEN = "open", _("Open for comment")
        CLOSED = "closed", _("Closed")

    draft = models.ForeignKey(Draft, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.TextField(help_text="The version's Markdown text.")
    language = models.CharField(
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
        help_text="The language of the master text; renderings follow its sections and lines.",
    )
    changelog = models.TextField(blank=True, help_text="Markdown: what changed since before.")
    line_count = models.PositiveIntegerField(default=0, editable=False)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    _loaded_status: str | None = None
    _loaded_source: str | None = None
    _loaded_language: str | None = None

    class Meta:
        ordering = ["draft", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "number"], name="drafts_version_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(opens_at__isnull=False, closes_at__isnull=False, published_at__isnull=False),
                name="drafts_version_published_has_period",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="drafts_version_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "DraftVersion":
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        instance._loaded_source = instance.__dict__.get("source")
        instance._loaded_language = instance.__dict__.get("language")
        return instance

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to write a changed text over a published version (the database refuses too)."""
        loaded_status = getattr(self, "_loaded_status", None)
        if loaded_status not in (None, self.Status.DRAFT) and (
            self.source != self._loaded_source
            or self.status == self.Status.DRAFT
            or self.language != self._loaded_language
        ):
            raise FrozenVersionError(f"{self} is published; its text cannot change.")
        super().save(*args, **kwargs)
        self._loaded_status = self.status
        self._loaded_source = self.source
        self._loaded_language = self.language

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_frozen:
            raise FrozenVersionError(f"{self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "drafts:version_detail", kwargs={"slug": self.draft.slug, "number": self.number}
        )

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def label(self) -> str:
        return f"v{self.number}"


class _FrozenTextGuard(models.Model):
    """Sections and lines belong to a version; once it is published they never change."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self) -> None:
        frozen = DraftVersion.objects.filter(pk=self.version_id).exclude(
            status=DraftVersion.Status.DRAFT
        )
        if frozen.exists():
            raise FrozenVersionError(f"Version {self.version_id} is published; its text is frozen.")


class Section(_FrozenTextGuard):
    """A ``##`` heading of a version and the lines under it.

    ``key`` (``action-3``) is stable across versions, so "Action 3" can be followed from v1 on.
    """

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=64)
    heading = models.CharField(max_length=500)
    position = models.PositiveIntegerField()
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="drafts_section_unique_key"),
            models.UniqueConstraint(
                fields=["version", "position"], name="drafts_section_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.heading


class Line(_FrozenTextGuard):
    """One numbered, non-blank line of a version's source."""

    class Kind(models.TextChoices):
        TITLE = "title"
        HEADING = "heading"
        SUBHEADING = "subheading"
        ITEM = "item"
        QUOTE = "quote"
        CODE = "code"
        TEXT = "text"

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="lines")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    source = models.TextField(help_text="The line as written in Markdown.")
    text = models.TextField(help_text="The line as readers see it; quotes are matched here.")
    html = models.TextField(help_text="Sanitised inline HTML of the line.")

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="drafts_line_unique_number"),
        ]

    objects: ClassVar[models.Manager["Line"]] = models.Manager()

    def __str__(self) -> str:
        return f"line {self.number}"


class Rendering(TimeStampedModel):
    """The text of a version in another language, aligned with the master: the same sections
    and the same numbered lines. Frozen once published, as the master's text is."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not published")
        PUBLISHED = "published", _("Published")

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="renderings")
    language = models.CharField(max_length=2, choices=Language.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    source = models.TextField(help_text="The rendering's Markdown text.")
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    _loaded: tuple[str, str, str, int] | None = None

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="drafts_rendering_unique_language"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="drafts_rendering_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({self.language})"

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> "Rendering":
        instance = super().from_db(db, field_names, values)
        instance._loaded = instance._frozen_fields()
        return instance

    def _frozen_fields(self) -> tuple[str, str, str, int]:
        fields = self.__dict__
        return (
            fields.get("status"),
            fields.get("source"),
            fields.get("language"),
            fields.get("version_id"),
        )  # type: ignore[return-value]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to write over a published rendering (the database refuses too)."""
        loaded = getattr(self, "_loaded", None)
        if (
            loaded is not None
            and loaded[0] == self.Status.PUBLISHED
            and (self._frozen_fields() != loaded)
        ):
            raise FrozenVersionError(f"The rendering {self} is published; its text is frozen.")
        super().save(*args, **kwargs)
        self._loaded = self._frozen_fields()

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_frozen:
            raise FrozenVersionError(f"The rendering {self} is published and cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def autonym(self) -> str:
        return AUTONYMS[self.language]


class RenderingLine(models.Model):
    """One line of a rendering, numbered as the master's line it renders."""

    rendering = models.ForeignKey(Rendering, on_delete=models.CASCADE, related_name="lines")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Line.Kind.choices)
    source = models.TextField()
    text = models.TextField(help_text="The line as readers see it; quotes are matched here.")
    html = models.TextField(help_text="Sanitised inline HTML of the line.")

    class Meta:
        ordering = ["rendering", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["rendering", "number"], name="drafts_renderingline_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"line {self.number} ({self.rendering_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)

    def _refuse_if_frozen(self) -> None:
        published = Rendering.objects.filter(
            pk=self.rendering_id, status=Rendering.Status.PUBLISHED
        )
        if published.exists():
            raise FrozenVersionError(
                f"Rendering {self.rendering_id} is published; its text is frozen."
            )
