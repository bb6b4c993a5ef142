"""Bulk uploads of comments (JSON Lines or CSV files) and the rows they refused."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftVersion
from haip_portal.models import TimeStampedModel


class BulkSubmission(TimeStampedModel):
    """A file of comments (JSON Lines or CSV) uploaded over the API and filed by the worker;
    or a ZIP holding such a sheet (``sheet_name``) and the position papers its rows name."""

    class Format(models.TextChoices):
        JSONL = "jsonl", "JSON Lines"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="bulk-submissions/%Y/%m/")
    file_name = models.CharField(max_length=255)
    format = models.CharField(
        max_length=5, choices=Format.choices, help_text="The format of the comments sheet."
    )
    sheet_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="The comments sheet inside the uploaded ZIP; empty when the file is the sheet.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    papers_count = models.PositiveIntegerField(
        default=0, help_text="Position papers stored with the comments filed."
    )
    error = models.TextField(blank=True, help_text="Why the whole file failed, if it did.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The lease: which run is filing the file and until when it is trusted to be alive. The
    # run renews it with every chunk it commits; a message for a file whose lease is held and
    # current does nothing, and beat re-queues a file whose lease ran out
    # (comments/services/bulk.py).
    lease_holder = models.CharField(
        max_length=100, blank=True, help_text="The run filing it now (host, process, token)."
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Until when the holder (or, with no holder, the last re-queue) is trusted.",
    )
    stalled_runs = models.PositiveSmallIntegerField(
        default=0, help_text="Runs in a row that stopped before committing a chunk."
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["lease_expires_at"],
                condition=Q(status__in=["queued", "running"]),
                name="comments_bulk_unfinished",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class BulkRejection(models.Model):
    """One row of a bulk file that was not filed, with its line number and reasons."""

    submission = models.ForeignKey(
        BulkSubmission, on_delete=models.CASCADE, related_name="rejections"
    )
    line = models.PositiveIntegerField(help_text="Line of the file (CSV: counting the header).")
    errors = models.JSONField()

    class Meta:
        ordering = ["submission", "line"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "line"], name="comments_rejection_once")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}:{self.line}"
