"""Re-anchoring comments across versions, on the labelled corpus (``make bench``).

Prints, per kind of edit: the share of comments on kept text that land on the right lines (and
how many of the others landed elsewhere without review), the share of comments on rewritten
text flagged for review rather than moved silently, and the comments on deleted text attached
silently. The bars themselves are pinned by tests/comments/test_carry_corpus.py; no timing is
asserted anywhere.
"""

import time

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
