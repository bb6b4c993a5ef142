"""Comments on draft versions, their history, replies, endorsements, flags and dispositions.

Nothing here is ever hard-deleted: a comment is hidden by moderation or withdrawn by its
author, and stays in the record.
"""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts import permissions
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Section
from haip_portal.models import TimeStampedModel


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The comments the user may know exist; for anyone else they do not exist at all.

        The rule is :func:`accounts.permissions.can_see_comment`'s, as a query: its twin
        :func:`accounts.permissions.comments_seen_by` is written beside it.
        """
        seen = permissions.comments_seen_by(user)
        return self if seen is None else self.filter(seen)


class Comment(TimeStampedModel):
    class Kind(models.TextChoices):
        GENERAL = "general", "General"
        TECHNICAL = "technical", "Technical"
        EDITORIAL = "editorial", "Editorial"

    class Stance(models.TextChoices):
        SUPPORT = "support", "Support"
        OPPOSE = "oppose", "Oppose"
        AMEND = "amend", "Amend"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        CONFIDENTIAL = "confidential", "Confidential"

    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        HIDDEN = "hidden", "Hidden by moderation"
        WITHDRAWN = "withdrawn", "Withdrawn by its author"

    class Channel(models.TextChoices):
        WEB = "web", "Web"
        API = "api", "API"
        BULK = "bulk", "Bulk upload"

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="comments")
    number = models.PositiveIntegerField(help_text="Sequence within the version.")
    reference = models.CharField(max_length=40, unique=True)
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    body = models.TextField()
    proposed_text = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    language = models.CharField(max_length=12, default="en")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    state_reason = models.TextField(blank=True)
    channel = models.CharField(max_length=6, choices=Channel.choices, default=Channel.WEB)
    external_id = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="comments"
    )
    stakeholder_type = models.CharField(
        max_length=32,
        choices=Organisation.StakeholderType.choices,
        help_text="Copied from the organisation when the comment was filed.",
    )
    country = models.CharField(max_length=2, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="comments_unique_number"),
            models.UniqueConstraint(
                fields=["version", "author", "external_id"],
                condition=~Q(external_id=""),
                name="comments_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(line_end__gte=models.F("line_start")) & Q(line_start__gte=1),
                name="comments_line_range_ordered",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comments_body_not_empty"),
        ]
        indexes = [
            models.Index(fields=["version", "state", "line_start"]),
            models.Index(fields=["version", "updated_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("comments:comment_detail", kwargs={"reference": self.reference})

    @property
    def is_confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL


def private_storage() -> Storage:
    """The storage no URL serves (``STORAGES["private"]``), looked up when a file is read."""
    return storages["private"]


class Attachment(models.Model):
    """A position paper (PDF, DOCX or ODT) attached to a comment, kept where no URL serves it
    and seen only by those who may see its comment; its text is extracted for search and
    digests when it is accepted."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        ODT = "odt", "OpenDocument text (ODT)"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="attachments/%Y/%m/")
    file_name = models.CharField(max_length=255, help_text="The name it was uploaded with.")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True, help_text="Its text, extracted on upload (capped).")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "pk"]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.file_name}"

    @property
    def content_type(self) -> str:
        return ATTACHMENT_CONTENT_TYPES[self.kind]


ATTACHMENT_CONTENT_TYPES: dict[str, str] = {
    Attachment.Kind.PDF: "application/pdf",
    Attachment.Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    Attachment.Kind.ODT: "application/vnd.oasis.opendocument.text",
}


class CommentRevision(models.Model):
    """A comment's text before one of its author's edits; every edit is kept."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    kind = models.CharField(max_length=10, choices=Comment.Kind.choices)
    stance = models.CharField(max_length=10, choices=Comment.Stance.choices, blank=True)
    body = models.TextField()
    proposed_text = models.TextField(blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["comment", "replaced_at"]

    def __str__(self) -> str:
        return f"{self.comment} before {self.replaced_at:%Y-%m-%d %H:%M}"


class VersionCommentCounter(models.Model):
    """The last comment number given in a version; locked to hand out the next ones."""

    version = models.OneToOneField(
        DraftVersion, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.version}: {self.last_number}"


class Reply(TimeStampedModel):
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="replies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=Comment.State.choices, default=Comment.State.PUBLISHED
    )

    class Meta:
        ordering = ["comment", "created_at"]

    @property
    def speaker(self) -> str:
        """Who the reply is shown as: the person's name (if they gave one) and the organisation
        they replied for; never their e-mail address."""
        organisation = self.organisation
        if organisation is None or (
            organisation.stakeholder_type == Organisation.StakeholderType.INDIVIDUAL
        ):
            return self.author.public_name
        if not self.author.is_active or not self.author.name:
            return organisation.name
        return f"{self.author.name}, {organisation.name}"


class Endorsement(models.Model):
    """An organisation co-signs a comment through one of its representatives."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="endorsements")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "organisation"], name="comments_endorse_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} endorses {self.comment}"


class Flag(models.Model):
    """A reader asks the secretariat to look at a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="comments_flag_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"Flag on {self.comment}"


class Disposition(models.Model):
    """The secretariat's answer to one comment, as in an ISO/W3C disposition of comments."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
        REJECTED = "rejected", "Rejected"
        NOTED = "noted", "Noted"

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    response = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    addressed_in = models.ForeignKey(
        DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.comment}: {self.get_outcome_display()}"


class BulkSubmission(TimeStampedModel):
    """A file of comments (JSON Lines or CSV) uploaded over the API and filed by the worker."""

    class Format(models.TextChoices):
        JSONL = "jsonl", "JSON Lines"
        CSV = "csv", "CSV"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="bulk-submissions/%Y/%m/")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=5, choices=Format.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
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


class CarriedComment(TimeStampedModel):
    """A comment of the previous version re-anchored on the text of ``version``.

    Written by ``comments.services.carry`` when a version is prepared and again when it is
    published (``comments/reanchor/`` decides the outcome). ``basis`` fingerprints the texts
    it was computed on: a re-run on the same texts keeps the secretariat's review, a re-run on
    changed texts computes again and asks again.
    """

    class Outcome(models.TextChoices):
        KEPT = "kept", "Kept"
        CHANGED = "changed", "Text rewritten"
        REMOVED = "removed", "Text removed"

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", "Carried without review"
        PENDING = "pending", "Waiting for review"
        CONFIRMED = "confirmed", "Confirmed by the secretariat"
        REPOINTED = "repointed", "Re-pointed by the secretariat"
        ANSWERED_BY_REMOVAL = "answered_by_removal", "Answered by removal"

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="carried")
    version = models.ForeignKey(
        DraftVersion, on_delete=models.CASCADE, related_name="carried_comments"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    score = models.FloatField(help_text="How well the new text holds the anchored words, 0–1.")
    section_key = models.CharField(max_length=64, blank=True)
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    basis = models.CharField(max_length=64, help_text="Fingerprint of the texts compared.")
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.NOT_NEEDED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "line_start", "comment"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "version"], name="comments_carry_once"),
            models.CheckConstraint(
                condition=Q(line_start__isnull=True, line_end__isnull=True)
                | Q(line_start__gte=1, line_end__gte=models.F("line_start")),
                name="comments_carry_line_range",
            ),
        ]
        indexes = [models.Index(fields=["version", "review"])]

    def __str__(self) -> str:
        return f"{self.comment} → {self.version}: {self.outcome}"

    @property
    def is_decided(self) -> bool:
        return self.review in (
            self.Review.CONFIRMED,
            self.Review.REPOINTED,
            self.Review.ANSWERED_BY_REMOVAL,
        )


class VersionNotice(models.Model):
    """The one e-mail a person gets when a version follows the one they commented on: what
    became of their comments. Its row is written with the sending, so it goes out once."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="comments_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} notice to {self.user}"
