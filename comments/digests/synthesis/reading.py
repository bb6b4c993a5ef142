"""Reading a comment once: what every digest would otherwise work out again for every comment.

A :class:`~.types.Reading` holds the comment's language, whether its body is a stub, the
distinct hashes of its body's word 3-shingles (campaigns) and the words themes read of its
body and papers. It depends on nothing but the comment's own text, so it is worked out once,
by the worker, after the comment is stored (and again after an edit or a new paper), kept
beside the comment, and handed to every digest with the record. A digest reads again only the
comments whose reading is missing or stale.

A reading is stale when its ``key`` differs from :func:`reading_key` of the record: the key is
a hash of the body, the papers' text and ``READING_VERSION``. Raise the version whenever what
a reading holds would change (shingles, stop words, the stub rules, the detector): every
stored reading then becomes stale and is read again, and no digest mixes two versions.

Whether a comment's reading was stored or worked out on the spot, the synthesis is the same
(pinned by a property test).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

import numpy as np

from . import languages
from .minhash import shingle_hashes
from .stubs import is_stub
from .types import WORD_SEPARATOR, CommentRecord, Reading

READING_VERSION = 1
_BLOCK = 5_000  # records read at a time, so that memory stays bounded
_LOW32 = np.uint64(0xFFFFFFFF)


def reading_text(record: CommentRecord) -> str:
    """What themes read of a comment: its body, then the text of its papers."""
    return f"{record.body}\n\n{record.papers}" if record.papers else record.body


def reading_key(record: CommentRecord) -> str:
    """The key a reading of ``record`` must carry to be current."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{READING_VERSION}\0".encode())
    digest.update(record.body.encode("utf-8", "surrogatepass"))
    digest.update(b"\0")
    digest.update(record.papers.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def is_current(record: CommentRecord) -> bool:
    return record.reading is not None and record.reading.key == reading_key(record)


def read(records: Sequence[CommentRecord]) -> list[Reading]:
    """The readings of ``records`` (in order), worked out ``_BLOCK`` records at a time."""
    found: list[Reading] = []
    for first in range(0, len(records), _BLOCK):
        found.extend(_read_block(records[first : first + _BLOCK]))
    return found


def _read_block(records: Sequence[CommentRecord]) -> list[Reading]:
    texts = [reading_text(r) for r in records]
    runs = [languages.letter_runs(text) for text in texts]
    spoken = languages.detect_many(texts, runs)
    hashes, offsets = distinct_shingles([r.body for r in records])
    return [
        Reading(
            key=reading_key(record),
            language=language,
            stub=is_stub(record.body),
            shingles=shingles_to_bytes(hashes[offsets[i] : offsets[i + 1]]),
            words=WORD_SEPARATOR.join(languages.words(text, language, letters)),
        )
        for i, (record, text, letters, language) in enumerate(
            zip(records, texts, runs, spoken, strict=True)
        )
    ]


def with_readings(records: Sequence[CommentRecord]) -> tuple[list[CommentRecord], list[int]]:
    """``records`` each with a current reading (the missing and stale ones read now), and the
    positions of those read now (which the caller may store)."""
    missing = [i for i, record in enumerate(records) if not is_current(record)]
    done = list(records)
    for i, reading in zip(missing, read([records[i] for i in missing]), strict=True):
        done[i] = dataclasses.replace(records[i], reading=reading)
    return done, missing


def readings_of(records: Sequence[CommentRecord]) -> list[Reading]:
    """The current reading of each record (read now where it has none)."""
    return [r.reading for r in with_readings(records)[0] if r.reading is not None]


def distinct_shingles(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each body's distinct shingle hashes, sorted, concatenated (uint32), and each body's
    offset into them."""
    hashes, offsets = shingle_hashes(bodies)
    owner = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    keys = sorted_unique((owner.astype(np.uint64) << np.uint64(32)) | hashes)
    owner = (keys >> np.uint64(32)).astype(np.int64)
    return (keys & _LOW32).astype(np.uint32), np.searchsorted(owner, np.arange(len(bodies) + 1))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)`` by sorting: numpy 2's default hashes the values instead, some
    fifty times slower on a million random 64-bit keys."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def joined_shingles(readings: Sequence[Reading]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The readings' shingles concatenated, the reading each belongs to, and each one's
    offset into them."""
    sizes = np.fromiter((len(r.shingles) // 4 for r in readings), np.int64, len(readings))
    joined = shingles_from_bytes(b"".join(r.shingles for r in readings))
    owner = np.repeat(np.arange(len(readings)), sizes)
    return joined.astype(np.uint32, copy=False), owner, np.r_[0, np.cumsum(sizes)]


def shingles_to_bytes(shingles: np.ndarray) -> bytes:
    return np.asarray(shingles, dtype="<u4").tobytes()


def shingles_from_bytes(data: bytes) -> np.ndarray:
    """The hashes in ``data`` as a read-only uint32 array over it (no copy on a
    little-endian machine)."""
    return np.frombuffer(data, dtype="<u4").astype(np.uint32, copy=False)
