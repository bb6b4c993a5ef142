"""Comments on draft versions, their history, replies, endorsements, flags and dispositions;
position papers, bulk uploads and comments carried to the next version. One module per area;
everything is imported from here (``comments.models``).

Nothing here is ever hard-deleted: a comment is hidden by moderation or withdrawn by its
author, and stays in the record.
"""

from .attachments import Attachment, PaperUpload, private_storage
from .bulk import BulkRejection, BulkSubmission
from .carried import CarriedComment, VersionNotice
from .comments import Comment, CommentQuerySet, CommentRevision, VersionCommentCounter
from .counts import (
    LineCommentCount,
    LineQuoteCount,
    VersionCommentTotals,
    VersionCountryCount,
)
from .discussion import Endorsement, Flag, Reply
from .dispositions import CitedLines, Disposition
from .responses import DispositionResponse, ResponsePeriod

__all__ = [
    "Attachment",
    "BulkRejection",
    "BulkSubmission",
    "CarriedComment",
    "CitedLines",
    "Comment",
    "CommentQuerySet",
    "CommentRevision",
    "Disposition",
    "DispositionResponse",
    "Endorsement",
    "Flag",
    "LineCommentCount",
    "LineQuoteCount",
    "PaperUpload",
    "Reply",
    "ResponsePeriod",
    "VersionCommentCounter",
    "VersionCommentTotals",
    "VersionCountryCount",
    "VersionNotice",
    "private_storage",
]
