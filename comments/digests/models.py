"""Digests: syntheses of a version's comments at a cut-off time, and their rendered files.

Tables ``digests_digest`` and ``digests_digestexport`` (named ``comments_…`` before the
digests became an app of their own; see the migrations and docs/decisions/).
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftVersion
from haip_portal.models import TimeStampedModel


class Digest(TimeStampedModel):
    """A synthesis of one version's comments at a cut-off time, for one audience.

    A snapshot: asking again makes a new digest and the old ones stay. The worker writes the
    data, the counts and the rendered exports in one transaction, so a digest is either
    ``ready`` with all of them or shows none.
    """

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public")
        WORKING_GROUP = "working_group", _("Working group")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        REQUEST = "request", _("Requested")
        VERSION_CLOSED = "version_closed", _("Comment period closed")

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="digests")
    audience = models.CharField(max_length=13, choices=Audience.choices)
    section_keys = models.JSONField(
        default=list, blank=True, help_text="Sections covered; empty for the whole version."
    )
    working_group = models.ForeignKey(
        "accounts.WorkingGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="digests",
        help_text="The group whose sections it covers; only its members and the secretariat "
        "read a working-group digest scoped to it.",
    )
    cutoff = models.DateTimeField(help_text="Comments filed after this moment are left out.")
    trigger = models.CharField(max_length=14, choices=Trigger.choices, default=Trigger.REQUEST)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text="The language its documents are written in: that of the person who asked.",
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(null=True, blank=True, editable=False)
    comment_count = models.PositiveIntegerField(default=0)
    position_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    timings = models.JSONField(
        default=dict, blank=True, help_text="Seconds spent reading, synthesising, rendering."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    matrix_ready_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the comment matrix files (written after the digest) were stored.",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["version", "-created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DG-{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("digests:digest_detail", args=[self.pk])


class DigestExport(models.Model):
    """One rendered file of a ready digest (PDF, Word, Excel…), kept in the media storage."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word")
        HTML = "html", "HTML"
        MARKDOWN = "md", "Markdown"
        JSON = "json", "JSON"
        MATRIX_XLSX = "matrix.xlsx", _("Comment matrix (Excel)")
        MATRIX_DOCX = "matrix.docx", _("Comment matrix (Word)")
        MATRIX_CSV = "matrix.csv", _("Comment matrix (CSV)")

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=11, choices=Format.choices)
    file = models.FileField(upload_to="digests/%Y/%m/")
    size = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["digest", "format"]
        constraints = [
            models.UniqueConstraint(fields=["digest", "format"], name="digests_export_once")
        ]

    def __str__(self) -> str:
        return f"{self.digest_id}.{self.format}"


class CommentReading(models.Model):
    """What the synthesis reads of one comment whatever the digest (its language, whether it
    is a stub, its shingle hashes, the words themes read), worked out once by the worker after
    the comment is stored or changed. ``key`` names the text and the way it was read; a
    reading whose key no longer matches is read again by the next digest."""

    comment = models.OneToOneField(
        "comments.Comment", on_delete=models.CASCADE, primary_key=True, related_name="reading"
    )
    key = models.CharField(max_length=64)
    language = models.CharField(max_length=8)
    stub = models.BooleanField()
    shingles = models.BinaryField()  # distinct 32-bit hashes, little-endian, sorted
    words = models.TextField()  # separated by U+001F
    read_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reading of comment {self.comment_id}"
