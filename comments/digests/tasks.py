"""Celery tasks of digests: build one (then its comment matrix), read comments once after
they are stored, and beat's check that sends again what a lost worker left. Each takes ids
and is safe to run twice.

The older ones keep the names ``comments.tasks.…``, as when the comments app held them:
messages already queued, the routes and beat's schedule (settings) use these names."""

from celery import shared_task


@shared_task(
    name="comments.tasks.build_digest",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def build_digest(digest_id: int) -> None:
    """Build one digest (a synthesis and its files); a lost worker's message is taken again.
    An error is recorded on the digest, so its page says why, and raised again for the log."""
    from . import services

    try:
        services.digest_build(digest_id=digest_id)
    except Exception as error:
        services.digest_fail(digest_id=digest_id, error=error)
        raise


@shared_task(
    name="comments.tasks.build_digest_matrix",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=1800,
    time_limit=1900,
)
def build_digest_matrix(digest_id: int) -> None:
    """Write a ready digest's comment matrix files; a lost worker's message is taken again."""
    from . import services

    services.digest_matrix_build(digest_id=digest_id)


@shared_task(
    name="comments.digests.tasks.read_comments",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=600,
    time_limit=660,
)
def read_comments(comment_ids: list[int]) -> None:
    """Read comments once after they are stored or changed (their language, shingles and
    words), so that digests need not; a lost worker's message is taken again."""
    from . import readings

    readings.comments_read(comment_ids=comment_ids)


@shared_task(name="comments.tasks.resume_stalled_digests", ignore_result=True)
def resume_stalled_digests() -> list[int]:
    """Run by beat: queue again the digests (or their matrices) whose worker stopped
    without finishing them."""
    from . import services

    builds, matrices = services.digests_stalled()
    for digest_id in builds:
        build_digest.delay(digest_id)
    for digest_id in matrices:
        build_digest_matrix.delay(digest_id)
    return builds + matrices
