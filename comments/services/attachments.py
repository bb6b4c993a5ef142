"""Attaching position papers to comments: every file of a request is checked (type by
content, size, count, zip bombs, encryption) before anything is stored, so a refused request
leaves nothing behind; accepted files go to the private storage with their extracted text."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.wording import in_sentence

from ..attachment_files import FIELD, CheckedFile, check_attachment
from ..models import Attachment, Comment
from . import rules
from .hooks import comment_text_stored


def attachments_check_count(count: int, *, already: int = 0) -> None:
    """Refuse ``count`` more files on a comment that holds ``already``, past
    ``ATTACHMENT_MAX_PER_COMMENT`` (checked before any file is read)."""
    limit = settings.ATTACHMENT_MAX_PER_COMMENT
    if already + count > limit:
        message = (
            _(
                "A comment takes at most %(limit)s attachments; it already has %(already)s: "
                "%(count)s were sent."
            )
            if already
            else _("A comment takes at most %(limit)s attachments: %(count)s were sent.")
        )
        raise ApplicationError(
            message % {"limit": limit, "already": already, "count": count}, field=FIELD
        )


def attachments_check(files: Sequence[UploadedFile], *, already: int = 0) -> list[CheckedFile]:
    """Every file checked, or the first problem raised naming the file; ``already`` is how
    many the comment holds, counted against ``ATTACHMENT_MAX_PER_COMMENT``."""
    attachments_check_count(len(files), already=already)
    return [check_attachment(upload) for upload in files]


def attachments_store(
    *, comment: Comment, user: User, files: list[CheckedFile]
) -> list[Attachment]:
    """Store checked files on ``comment`` (inside the caller's transaction)."""
    stored = []
    for checked in files:
        attachment = Attachment(
            comment=comment,
            file_name=checked.name,
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            text=checked.text,
            uploaded_by=user,
        )
        checked.upload.seek(0)
        attachment.file.save(f"{uuid.uuid4().hex}.{checked.kind}", checked.upload, save=True)
        stored.append(attachment)
    if any(attachment.text for attachment in stored):
        comment_text_stored([comment.pk])  # digests read a comment's papers with it
    return stored


@transaction.atomic
def attachments_add(
    *,
    comment: Comment,
    user: User,
    files: Sequence[UploadedFile],
    now: datetime | None = None,
) -> list[Attachment]:
    """Attach files to a published comment of one's own while its version's period runs;
    all of them or none."""
    comment = Comment.objects.select_for_update().select_related("version").get(pk=comment.pk)
    if not permissions.can_attach_to_comment(user, comment):
        raise NotAllowed(_("Only the comment's author can attach files to it."))
    if comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(
            _("%(reference)s is %(state)s.")
            % {"reference": comment.reference, "state": in_sentence(comment.get_state_display())}
        )
    rules.refuse_unless_open(comment.version, now or timezone.now())
    if not files:
        raise ApplicationError(_("No file was sent."), field=FIELD)
    checked = attachments_check(files, already=comment.attachments.count())
    return attachments_store(comment=comment, user=user, files=checked)
