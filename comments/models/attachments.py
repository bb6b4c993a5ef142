"""Position papers attached to comments, kept where no URL serves them."""

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from .comments import Comment


def private_storage() -> Storage:
    """The storage no URL serves (``STORAGES["private"]``), looked up when a file is read."""
    return storages["private"]


class Attachment(models.Model):
    """A position paper (PDF, DOCX or ODT) attached to a comment, kept where no URL serves it
    and seen only by those who may see its comment; its text is extracted for search and
    digests when it is accepted."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word (DOCX)")
        ODT = "odt", _("OpenDocument text (ODT)")

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


class PaperUpload(models.Model):
    """A position paper uploaded over the API before the comments that carry it are filed
    (``POST /api/v1/papers/``): checked and read like any attachment, named in the items by
    ``key``, usable only by its owner, and deleted with its file once it expires unused. When
    a comment takes it, it becomes an :class:`Attachment` (the same stored file)."""

    key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(storage=private_storage, upload_to="attachments/%Y/%m/")
    file_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=4, choices=Attachment.Kind.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    sha256 = models.CharField(max_length=64)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="Deleted with its file if unused by then.")

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="comments_paperupload_expiry")]

    def __str__(self) -> str:
        return f"{self.key}: {self.file_name}"
