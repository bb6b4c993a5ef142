"""Synthesis time and peak memory on generated corpora (``make bench``).

Prints one line per size (wall time, peak RSS of the process so far); asserts only
behaviour: most campaign copies found, excerpts verbatim.
"""

import resource
import time

import pytest

from comments.digests.synthesis import (
    SynthesisRequest,
    check_excerpts,
    synthesise,
)
from tests.digests.synthesis.corpus import generated_corpus


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_synthesise(size):
    records = generated_corpus(size, campaign_share=0.2, campaign_size=100)
    started = time.perf_counter()
    synthesis = synthesise(records, SynthesisRequest(audience="public"))
    elapsed = time.perf_counter() - started

    check_excerpts(synthesis, records)
    copies = sum(len(c.references) for c in synthesis.campaigns)
    print(
        f"\nsynthesis {size:>7,} comments: synthesise {elapsed:6.2f} s "
        "(campaign step alone: bench_campaigns.py), "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MiB; "
        f"{len(synthesis.campaigns)} campaigns ({copies:,} comments), "
        f"{len(synthesis.themes)} themes, {synthesis.overview.distinct_positions:,} positions"
    )
    # Copies of a short letter with an added sentence can fall below the 0.7 threshold.
    assert copies >= 0.9 * size * 0.2
