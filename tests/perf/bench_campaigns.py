"""Campaign detection on labelled corpora (``make bench``): pairwise precision and recall of
campaign membership on every shape (tests/digests/corpora.py), and the time of the campaign
step (grouping and folding) on up to 100,000 comments of the mass-form-letter shape (27
letters, most signers adding a paragraph of their own), after the comments were read once
(as the worker does after filing; that reading is timed apart).

Prints figures; asserts only the quality bars the tests pin (precision >= 0.95, recall >=
0.90 on copy campaigns), never a time.
"""

import resource
import time

import pytest

from comments.digests.synthesis import fold, similarity_groups
from comments.digests.synthesis.reading import with_readings
from tests.digests.corpora import mass_letters, mixed_corpus, pairwise_scores, records_of


def test_membership_on_every_shape():
    for seed in (1, 2, 3, 4, 5):
        items = mixed_corpus(seed)
        records = records_of(items)
        folded = fold(records, similarity_groups(records))
        precision, recall = pairwise_scores(items, folded.campaigns)
        print(
            f"\ncampaigns mixed corpus seed {seed} ({len(items)} comments): "
            f"precision {precision:.4f}, recall {recall:.4f}, "
            f"{len(folded.campaigns)} campaigns, {len(folded.repeats)} repeats"
        )
        assert precision >= 0.95 and recall >= 0.90


@pytest.mark.parametrize("size", [10_000, 100_000])
def test_campaign_step_on_mass_form_letters(size):
    items = mass_letters(size)
    reading = time.perf_counter()
    records = with_readings(records_of(items))[0]  # as the worker does once, after filing
    started = time.perf_counter()
    grouping = similarity_groups(records)
    grouped = time.perf_counter() - started
    folded = fold(records, grouping)
    elapsed = time.perf_counter() - started
    precision, recall = pairwise_scores(items, folded.campaigns)
    print(
        f"\ncampaigns mass letters {size:>7,} comments: "
        f"reading them once {started - reading:6.2f} s; then the campaign step {elapsed:6.2f} s "
        f"(grouping {grouped:5.2f} s, folding {elapsed - grouped:5.2f} s), "
        f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MiB; "
        f"{len(folded.campaigns)} campaigns, "
        f"{sum(c.with_own_text for c in folded.campaigns):,} copies with own text; "
        f"precision {precision:.4f}, recall {recall:.4f}"
    )
    assert precision >= 0.95 and recall >= 0.90
