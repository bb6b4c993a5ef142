"""Celery tasks of the comments app: the e-mails that follow filing, replies, moderation and
dispositions, and bulk uploads. Each takes an id and is safe to run twice; mail retries when
delivery fails, long jobs are re-queued from their rows when a worker is lost.

Services import this module to queue its tasks; a task imports the service it runs inside its
body, so no module of the app imports this one back while it is being loaded."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from haip_portal.queueing import MAIL_TASK

from . import notifications

logger = logging.getLogger(__name__)


@shared_task(name="comments.tasks.send_comment_receipt", **MAIL_TASK)
def send_comment_receipt(comment_id: int) -> None:
    notifications.send_receipt(comment_id)


@shared_task(name="comments.tasks.send_reply_notice", **MAIL_TASK)
def send_reply_notice(reply_id: int) -> None:
    notifications.send_reply_notice(reply_id)


@shared_task(name="comments.tasks.send_moderation_notice", **MAIL_TASK)
def send_moderation_notice(comment_id: int, action: str) -> None:
    notifications.send_moderation_notice(comment_id, action)


@shared_task(name="comments.tasks.send_disposition_notice", **MAIL_TASK)
def send_disposition_notice(comment_id: int) -> None:
    notifications.send_disposition_notice(comment_id)


@shared_task(name="comments.tasks.send_version_notice", **MAIL_TASK)
def send_version_notice(version_id: int, user_id: int) -> None:
    notifications.send_version_notice(version_id, user_id)


@shared_task(name="comments.tasks.send_version_notices", ignore_result=True)
def send_version_notices(version_id: int) -> int:
    """A version was published: one e-mail to each person who commented on the one before
    (each sent by its own task, so one failing address does not hold the others)."""
    recipients = notifications.version_notice_recipients(version_id)
    for user_id in recipients:
        send_version_notice.delay(version_id, user_id)
    return len(recipients)


@shared_task(name="comments.tasks.send_pending_receipts", ignore_result=True)
def send_pending_receipts() -> int:
    """Run by beat: send every receipt that has not gone out (broker down, mail failed)."""
    grace = timedelta(seconds=settings.RECEIPTS_PENDING_AFTER_SECONDS)
    pending = notifications.receipts_pending(older_than=timezone.now() - grace)
    for comment_id in pending:
        send_comment_receipt.delay(comment_id)
    return len(pending)


@shared_task(
    name="comments.tasks.process_bulk_submission",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3600,
    time_limit=3700,
)
def process_bulk_submission(submission_id: int) -> None:
    """File an uploaded file's comments; resumes after the last committed chunk. A message
    for a finished file, or for one a live run holds, does nothing."""
    from .services import bulk

    bulk.bulk_submission_process(submission_id=submission_id)


@shared_task(name="comments.tasks.resume_stalled_bulk_submissions", ignore_result=True)
def resume_stalled_bulk_submissions() -> list[int]:
    """Run by beat: queue again the uploads whose lease ran out (their worker was lost)."""
    from .services import bulk

    return bulk.bulk_submissions_requeue_stalled()


@shared_task(name="comments.tasks.delete_expired_paper_uploads", ignore_result=True)
def delete_expired_paper_uploads() -> int:
    """Run by beat: delete the papers uploaded over the API that no comment took in time."""
    from .services import paper_uploads

    return paper_uploads.paper_uploads_delete_expired()
