"""Render time of the compare page, v1 → v2 where v2 rewords every tenth list item."""

import re

import pytest
from django.urls import reverse

from .conftest import DIFF_ROW, build_draft, db_label

ROUNDS = {200: 10, 2_000: 5, 20_000: 3}


@pytest.mark.parametrize("lines", [200, 2_000, 20_000], ids=lambda n: f"{n}-lines")
def test_compare_page(db, time_page, report, lines):
    built = build_draft(lines, revised=True)
    old, new = built.versions
    assert old.line_count == new.line_count == lines
    changed = new.source.count(", and publish the results.")
    url = reverse("drafts:compare", kwargs={"slug": built.slug}) + "?from=1&to=2"

    run = time_page(url, rounds=ROUNDS[lines])

    assert run.status_code == 200
    html = run.response_content.decode()
    # Side-by-side layout: one row per line, as every change rewords a line in place.
    assert len(DIFF_ROW.findall(html)) == new.line_count
    assert len(re.findall(r'<tr class="row-change"', html)) == changed
    report(
        f"compare page {new.line_count:>6,} lines [{db_label()}]: "
        f"median {run.median_ms:,.1f} ms (min {run.min_ms:,.1f}, {run.rounds} rounds), "
        f"{run.queries} queries, {len(run.response_content) / 1024:,.0f} KB "
        f"({changed:,} lines changed = {changed / new.line_count:.0%}; "
        f"built in {built.build_seconds:.1f} s)"
    )
