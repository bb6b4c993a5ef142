"""Pages of the comments app: filing on the draft page, a comment's own page and the actions on
it, the lists, the secretariat's moderation queue and comment matrix, and the comments carried
from the previous version (their review queue, their list on the draft page)."""

from .answers import (
    compare_page_extension,
    disposition_respond,
    objections_list,
    response_deadline,
)
from .attachments import attachment_add, attachment_download
from .carried import carried_page_extension, carried_review, carried_review_queue
from .filing import (
    comment_create,
    comment_edit,
    comment_receipt,
    comment_receipt_pdf,
    draft_page_extension,
)
from .first_steps import first_steps_dismiss, first_steps_page_extension
from .lists import my_comments, version_comments
from .secretariat import home_page_extension, matrix, moderation_queue
from .thread import (
    comment_detail,
    comment_withdraw,
    dismiss_reports,
    dispose,
    endorse,
    endorsement_withdraw,
    flag,
    hide,
    reply_create,
    restore,
)
from .you_said import you_said_we_did_file, you_said_we_did_page

__all__ = [
    "attachment_add",
    "attachment_download",
    "carried_page_extension",
    "carried_review",
    "carried_review_queue",
    "comment_create",
    "comment_detail",
    "comment_edit",
    "comment_receipt",
    "comment_receipt_pdf",
    "comment_withdraw",
    "compare_page_extension",
    "dismiss_reports",
    "dispose",
    "disposition_respond",
    "draft_page_extension",
    "endorse",
    "endorsement_withdraw",
    "first_steps_dismiss",
    "first_steps_page_extension",
    "flag",
    "hide",
    "home_page_extension",
    "matrix",
    "moderation_queue",
    "my_comments",
    "objections_list",
    "reply_create",
    "response_deadline",
    "restore",
    "version_comments",
    "you_said_we_did_file",
    "you_said_we_did_page",
]
