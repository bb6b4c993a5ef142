"""Render time of a draft version's page (every numbered line on one page) by size."""

import pytest
from django.urls import reverse

from .conftest import LINE_ELEMENT, build_draft, db_label

ROUNDS = {200: 10, 2_000: 5, 20_000: 3}


@pytest.mark.parametrize("lines", [200, 2_000, 20_000], ids=lambda n: f"{n}-lines")
def test_draft_page(db, time_page, report, lines):
    built = build_draft(lines)
    version = built.versions[0]
    assert version.line_count == lines, f"built {version.line_count:,} lines, not {lines:,}"
    url = reverse("drafts:version_detail", kwargs={"slug": built.slug, "number": 1})

    run = time_page(url, rounds=ROUNDS[lines])

    assert run.status_code == 200
    html = run.response_content.decode()
    assert len(LINE_ELEMENT.findall(html)) == version.line_count
    report(
        f"draft page   {version.line_count:>6,} lines [{db_label()}]: "
        f"median {run.median_ms:,.1f} ms (min {run.min_ms:,.1f}, {run.rounds} rounds), "
        f"{run.queries} queries, {len(run.response_content) / 1024:,.0f} KB "
        f"(source {built.source_bytes / 1024:,.0f} KB via {built.generator}; "
        f"built in {built.build_seconds:.1f} s)"
    )
