"""Position papers over the JSON API: uploaded first, one file per request, checked and read as
any attachment is; then named by their id in the comments filed (one at a time or in bulk),
which take them as attachments in the same transaction. An upload is its owner's alone and
lives ``PAPER_UPLOAD_HOURS``; beat deletes the expired ones that no comment took."""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError

from ..attachment_files import FIELD
from ..inputs import CommentInput, UnreadableItem
from ..models import Attachment, PaperUpload, private_storage
from .attachments import attachments_check, attachments_check_count
from .submit import ItemResult, comments_submit_batch


def paper_upload_create(
    *, owner: User, upload: UploadedFile, now: datetime | None = None
) -> PaperUpload:
    """Check one file as an attachment is checked and keep it for ``PAPER_UPLOAD_HOURS``;
    refuses past ``PAPER_UPLOADS_MAX_PENDING`` unused uploads of the owner."""
    now = now or timezone.now()
    pending = PaperUpload.objects.filter(owner=owner, expires_at__gt=now).count()
    limit = settings.PAPER_UPLOADS_MAX_PENDING
    if pending >= limit:
        raise ApplicationError(
            _(
                "You hold %(count)s unused paper uploads, the most allowed; file the comments "
                "that name them, or wait for them to expire."
            )
            % {"count": f"{pending:,}"},
            field="file",
        )
    (checked,) = attachments_check([upload])
    paper = PaperUpload(
        owner=owner,
        file_name=checked.name,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        text=checked.text,
        expires_at=now + timedelta(hours=settings.PAPER_UPLOAD_HOURS),
    )
    checked.upload.seek(0)
    with transaction.atomic():
        paper.file.save(f"{uuid.uuid4().hex}.{checked.kind}", checked.upload, save=True)
    return paper


def _refusal(problem: str, **names: object) -> ApplicationError:
    return ApplicationError(problem % names, field=FIELD)


def _resolve(
    papers: Mapping[int, Sequence[str]], found: dict[str, PaperUpload], now: datetime
) -> tuple[dict[int, ApplicationError], dict[int, list[PaperUpload]]]:
    """Why each item's papers cannot be taken, or the uploads each item takes."""
    refused: dict[int, ApplicationError] = {}
    taken: dict[int, list[PaperUpload]] = {}
    claimed: set[str] = set()
    for index, ids in papers.items():
        try:
            attachments_check_count(len(ids))
            uploads = []
            for paper_id in ids:
                paper = found.get(paper_id)
                if paper is None:
                    raise _refusal(
                        _(
                            "%(id)s: no paper upload of yours has this id (upload it to "
                            "/api/v1/papers/ first; unused uploads expire)."
                        ),
                        id=paper_id[:60],
                    )
                if paper.expires_at <= now:
                    raise _refusal(_("%(id)s: this paper upload expired."), id=paper_id)
                if paper_id in claimed:
                    raise _refusal(
                        _("%(id)s: this paper upload is named twice in this request."),
                        id=paper_id,
                    )
                claimed.add(paper_id)
                uploads.append(paper)
        except ApplicationError as error:
            refused[index] = error
        else:
            taken[index] = uploads
    return refused, taken


def comments_submit_with_papers(
    *,
    version: DraftVersion,
    author: User,
    items: Sequence[CommentInput | UnreadableItem],
    papers: Mapping[int, Sequence[str]],
    channel: str,
    atomic: bool = False,
    now: datetime | None = None,
) -> list[ItemResult]:
    """:func:`comments_submit_batch` for items that name paper uploads (``papers``: the ids
    by the item's index). An item naming an upload that is not the author's, expired, taken
    by another comment or named twice is rejected naming it; a duplicate stays a duplicate.
    The uploads of the items filed become their attachments; nothing else changes. One query
    loads the uploads, one stores the attachments and one removes the uploads taken."""
    now = now or timezone.now()
    if not papers:
        return comments_submit_batch(
            version=version, author=author, items=items, channel=channel, atomic=atomic, now=now
        )
    with transaction.atomic():
        return _submit_with_papers(version, author, items, papers, channel, atomic, now)


def _submit_with_papers(
    version: DraftVersion,
    author: User,
    items: Sequence[CommentInput | UnreadableItem],
    papers: Mapping[int, Sequence[str]],
    channel: str,
    atomic: bool,
    now: datetime,
) -> list[ItemResult]:
    wanted = {paper_id for ids in papers.values() for paper_id in ids}
    found = {
        str(paper.key): paper
        for paper in PaperUpload.objects.select_for_update().filter(
            owner=author, key__in=[key for key in wanted if _is_uuid(key)]
        )
    }
    refused, taken = _resolve(papers, found, now)
    results = comments_submit_batch(
        version=version,
        author=author,
        items=items,
        channel=channel,
        atomic=atomic,
        refused=refused,
        now=now,
    )
    attachments, used = [], []
    for index, uploads in taken.items():
        comment = results[index].comment
        if results[index].status != "created" or comment is None:
            continue
        for paper in uploads:
            attachments.append(
                Attachment(
                    comment=comment,
                    file=paper.file.name,
                    file_name=paper.file_name,
                    kind=paper.kind,
                    size=paper.size,
                    sha256=paper.sha256,
                    text=paper.text,
                    uploaded_by=author,
                )
            )
            used.append(paper.pk)
    if attachments:
        Attachment.objects.bulk_create(attachments)
        PaperUpload.objects.filter(pk__in=used).delete()
    return results


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def paper_uploads_delete_expired(*, now: datetime | None = None) -> int:
    """Delete the uploads no comment took before they expired, and their files; run by beat.
    A file is deleted only once its row is gone, so a comment can never lose its paper."""
    now = now or timezone.now()
    expired = list(PaperUpload.objects.filter(expires_at__lte=now).values_list("pk", "file"))
    for pk, name in expired:
        with transaction.atomic():
            deleted, _rows = PaperUpload.objects.filter(pk=pk, expires_at__lte=now).delete()
        if deleted:
            private_storage().delete(name)
    return len(expired)
