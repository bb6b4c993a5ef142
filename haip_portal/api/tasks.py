"""Celery tasks of the API plumbing: forgetting the idempotency records past their time."""

from celery import shared_task


@shared_task(name="haip_portal.api.tasks.purge_idempotency_records", ignore_result=True)
def purge_idempotency_records() -> int:
    """Run by beat: forget API idempotency records past their keeping time."""
    from .idempotency import idempotency_records_purge

    return idempotency_records_purge()
