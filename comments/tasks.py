"""Celery tasks of the comments app: the e-mails that follow filing, replies, moderation and
dispositions. Each takes an id, is safe to run twice, and retries when mail delivery fails;
the comment itself is already committed."""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import idempotency, notifications

logger = logging.getLogger(__name__)

MAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    name="comments.tasks.send_comment_receipt",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_comment_receipt(comment_id: int) -> None:
    notifications.send_receipt(comment_id)


@shared_task(
    name="comments.tasks.send_reply_notice",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_reply_notice(reply_id: int) -> None:
    notifications.send_reply_notice(reply_id)


@shared_task(
    name="comments.tasks.send_moderation_notice",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_moderation_notice(comment_id: int, action: str) -> None:
    notifications.send_moderation_notice(comment_id, action)


@shared_task(
    name="comments.tasks.send_disposition_notice",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_disposition_notice(comment_id: int) -> None:
    notifications.send_disposition_notice(comment_id)


@shared_task(name="comments.tasks.send_pending_receipts", ignore_result=True)
def send_pending_receipts() -> int:
    """Run by beat: send every receipt that has not gone out (broker down, mail failed)."""
    pending = notifications.receipts_pending(older_than=timezone.now() - timedelta(minutes=2))
    for comment_id in pending:
        send_comment_receipt.delay(comment_id)
    return len(pending)


@shared_task(name="comments.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Run by beat: forget API idempotency records past their keeping time."""
    return idempotency.idempotency_records_purge()
