"""Celery tasks of the accounts app: the e-mail that tells an applicant the secretariat's
decision on their organisation. Takes an id, safe to run twice; retries when delivery fails."""

import smtplib

from celery import shared_task

from . import notifications

MAIL_ERRORS = (smtplib.SMTPException, OSError)


@shared_task(
    name="accounts.tasks.send_organisation_decision",
    ignore_result=True,
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=10,
)
def send_organisation_decision(organisation_id: int) -> None:
    notifications.send_organisation_decision(organisation_id)
