"""Every write to comments: filing (one way in for the page, the API and bulk files), editing,
withdrawing, replying, endorsing, flagging, moderating, disposing, bulk uploads and the
position papers uploaded over the API before their comments. Each
function is one transaction; notifications are queued after commit and a failure to queue them
is logged, never raised (``robust=True``): the comment is already stored, and the beat task
``send_pending_receipts`` sends any receipt that did not go out."""

from ..anchoring import Quote
from ..inputs import MAX_BODY_LENGTH, MAX_REPLY_LENGTH, CommentInput
from .attachments import attachments_add
from .bulk import (
    bulk_submission_create,
    bulk_submission_process,
    bulk_submissions_requeue_stalled,
)
from .carry import (
    carried_answer_by_removal,
    carried_confirm,
    carried_repoint,
    comments_carry,
)
from .counts import comment_counts_rebuild
from .discussion import endorsement_create, endorsement_withdraw, reply_create
from .dispositions import comment_dispose
from .edit import comment_edit, comment_withdraw
from .moderation import comment_hide, comment_restore, flag_create, flags_dismiss
from .paper_uploads import (
    comments_submit_with_papers,
    paper_upload_create,
    paper_uploads_delete_expired,
)
from .responses import disposition_answer, response_period_set
from .submit import BatchRejected, ItemResult, comment_submit, comments_submit_batch

__all__ = [
    "MAX_BODY_LENGTH",
    "MAX_REPLY_LENGTH",
    "BatchRejected",
    "CommentInput",
    "ItemResult",
    "Quote",
    "attachments_add",
    "bulk_submission_create",
    "bulk_submission_process",
    "bulk_submissions_requeue_stalled",
    "carried_answer_by_removal",
    "carried_confirm",
    "carried_repoint",
    "comment_counts_rebuild",
    "comment_dispose",
    "comment_edit",
    "comment_hide",
    "comment_restore",
    "comment_submit",
    "comment_withdraw",
    "comments_carry",
    "comments_submit_batch",
    "comments_submit_with_papers",
    "disposition_answer",
    "endorsement_create",
    "endorsement_withdraw",
    "flag_create",
    "flags_dismiss",
    "paper_upload_create",
    "paper_uploads_delete_expired",
    "reply_create",
    "response_period_set",
]
