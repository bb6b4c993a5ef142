"""Comment readings (:class:`~.models.CommentReading`): each comment is read once, by the
worker, after it is stored or its text changes (the comments app's ``COMMENT_TEXT_HOOKS``),
and a digest that had to read comments itself keeps what it read for the next one.

What a reading holds and when it is stale: :mod:`.synthesis.reading`.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from haip_portal.queueing import enqueue_on_commit

from . import selectors, tasks
from .models import CommentReading

if TYPE_CHECKING:
    from .synthesis.types import CommentRecord, Reading

# Comments read by one task: a 100,000-row upload becomes a hundred tasks any worker may take.
READ_BATCH = 1000


def readings_enqueue(comment_ids: Sequence[int]) -> None:
    """Have the worker read these comments once the current transaction commits."""
    ids = list(comment_ids)
    for first in range(0, len(ids), READ_BATCH):
        enqueue_on_commit(tasks.read_comments, ids[first : first + READ_BATCH])


def comments_read(*, comment_ids: Sequence[int]) -> int:
    """Read the comments of ``comment_ids`` whose reading is missing or stale and store the
    readings; returns how many were read."""
    return read_and_keep(selectors.records_to_read(comment_ids))[1]


def read_and_keep(
    rows: "Sequence[tuple[int, CommentRecord]]",
) -> "tuple[list[CommentRecord], int]":
    """The records (with their comment ids), each with a current reading: those read now
    (never read, or changed since) are stored. Returns the records and how many were read."""
    from .synthesis.reading import with_readings  # the worker's libraries, as in services

    records, fresh = with_readings([record for _pk, record in rows])
    readings_store([(rows[i][0], records[i].reading) for i in fresh])
    return records, len(fresh)


def readings_store(readings: "Sequence[tuple[int, Reading | None]]") -> None:
    """Store each comment's reading (by comment id), replacing an older one."""
    CommentReading.objects.bulk_create(
        [
            CommentReading(
                comment_id=pk,
                key=reading.key,
                language=reading.language,
                stub=reading.stub,
                shingles=reading.shingles,
                words=reading.words,
            )
            for pk, reading in readings
            if reading is not None
        ],
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["comment"],
        update_fields=["key", "language", "stub", "shingles", "words", "read_at"],
    )
