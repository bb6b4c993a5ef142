"""Celery tasks of the accounts app: the e-mail that tells an applicant the secretariat's
decision on their organisation. Takes an id, safe to run twice; retries when delivery fails."""

from celery import shared_task

from haip_portal.queueing import MAIL_TASK

from . import notifications


@shared_task(name="accounts.tasks.send_organisation_decision", **MAIL_TASK)
def send_organisation_decision(organisation_id: int) -> None:
    notifications.send_organisation_decision(organisation_id)
