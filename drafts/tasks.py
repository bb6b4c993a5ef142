"""Celery tasks of the drafts app: closing comment periods on time."""

from celery import shared_task

from . import services


@shared_task(name="drafts.tasks.close_due_versions", ignore_result=True)
def close_due_versions() -> list[int]:
    """Run by beat: close every version whose comment period has ended."""
    return services.versions_close_due()
