"""Re-anchoring comments across versions, on the labelled corpus (``make bench``).

Prints, per kind of edit: the share of comments on kept text that land on the right lines (and
how many of the others landed elsewhere without review), the share of comments on rewritten
text flagged for review rather than moved silently, and the comments on deleted text attached
silently. The bars themselves are pinned by tests/comments/test_carry_corpus.py; no timing is
asserted anywhere.
"""

import random
import time
from collections import Counter

from comments.reanchor import OldAnchor, Reanchorer
from drafts.diff import SectionText
from tests.perf.carry_corpus import KINDS, build, evaluate


def _share(part: int, whole: int) -> str:
    return f"{part:>3}/{whole:<3} {100 * part / whole:5.1f} %" if whole else "      —      "


def test_reanchoring_benchmark():
    pairs = build()
    started = time.perf_counter()
    figures = evaluate(pairs)
    elapsed = time.perf_counter() - started
    total = sum(len(pair.cases) for pair in pairs)
    print(
        f"\nre-anchoring: {total} comments over {len(pairs)} pairs of versions "
        f"({', '.join(p.name for p in pairs)}), {elapsed * 1000:.0f} ms"
    )
    print(
        f"{'edit':<11} {'kept text: right lines':<23} {'misplaced':<10} "
        f"{'rewritten: flagged':<21} deleted: attached silently"
    )
    for kind in [*KINDS, "all"]:
        rows = list(figures.values()) if kind == "all" else [figures[kind]]
        kept = sum(f.kept_right for f in rows), sum(f.kept_total for f in rows)
        misplaced = sum(f.kept_misplaced for f in rows)
        flagged = sum(f.rewritten_flagged for f in rows), sum(f.rewritten_total for f in rows)
        silent, deleted = sum(f.deleted_silent for f in rows), sum(f.deleted_total for f in rows)
        print(
            f"{kind:<11} {_share(*kept):<23} {misplaced if kept[1] else '—':<10} "
            f"{_share(*flagged):<21} {f'{silent}/{deleted}' if deleted else '—'}"
        )
    assert total >= 200


def test_reanchoring_a_large_revision():
    """A 2,000-line version with a tenth of its lines reworded and a twentieth deleted, and
    5,000 comments: what preparing or publishing the next version spends on re-anchoring."""
    rng = random.Random(7)
    vocabulary = [f"word{i}" for i in range(800)]

    def sentence() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 30)))

    old, new, texts, number, renumbered = [], [], {}, 0, 0
    for index in range(20):
        old_lines, new_lines = [], []
        for _ in range(100):
            number += 1
            text = sentence()
            old_lines.append((number, text))
            texts[number] = (f"action-{index}", text)
            draw = rng.random()
            if draw < 0.05:
                continue
            if draw < 0.15:
                words = text.split()
                words[rng.randrange(len(words))] = "rewritten"
                text = " ".join(words)
            renumbered += 1
            new_lines.append((renumbered, text))
        old.append(SectionText(f"action-{index}", "heading", old_lines))
        new.append(SectionText(f"action-{index}", "heading", new_lines))
    anchors = [
        OldAnchor(texts[n][0], n, n, (texts[n][1],)) for n in rng.choices(list(texts), k=5000)
    ]
    started = time.perf_counter()
    reanchorer = Reanchorer(old, new)
    built = time.perf_counter() - started
    results = [reanchorer.reanchor(anchor) for anchor in anchors]
    elapsed = time.perf_counter() - started
    outcomes = Counter(result.outcome for result in results)
    print(
        f"\nre-anchoring 5,000 comments on a 2,000-line revision: {elapsed:.2f} s "
        f"(diff and indexes {built:.2f} s); {dict(outcomes)}"
    )
    assert sum(outcomes.values()) == 5000
