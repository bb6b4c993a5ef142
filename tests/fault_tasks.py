"""A task the fault tests load into a real worker (``celery worker --include``) to keep its
pool busy for a while, as a long digest or upload would."""

import time

from celery import shared_task


@shared_task(name="tests.fault_tasks.sleep", ignore_result=True)
def sleep(seconds: float) -> None:
    time.sleep(seconds)
