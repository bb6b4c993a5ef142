"""A digest counts its comments per language and keeps each quote in the language it was
written in, marked with it: the language recorded on the comment (detected at filing,
corrected by its author), else the one its reading found."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from comments.digests.synthesis import CommentRecord, SynthesisRequest, synthesise
from comments.digests.synthesis.reading import read
from tests.digests.briefing_corpus import briefing_corpus

CORPUS, _CLAIMS = briefing_corpus()
READ = dict(zip((r.reference for r in CORPUS), read(CORPUS), strict=True))
RECORDED = st.sampled_from(["", "und", "en", "fr", "de", "it", "ja"])


def _expected(record: CommentRecord) -> str:
    if record.language not in ("", "und"):
        return record.language
    return READ[record.reference].language


def _quotes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *(quote for theme in data["themes"] for quote in theme["quotes"]),
        *(campaign["representative"] for campaign in data["campaigns"]),
        *(repeat["representative"] for repeat in data["repeats"]),
    ]


@settings(
    max_examples=10,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    chosen=st.lists(st.tuples(st.integers(0, len(CORPUS) - 1), RECORDED), min_size=1, max_size=120),
    audience=st.sampled_from(["public", "working_group"]),
)
def test_comments_are_counted_by_language_and_quoted_in_theirs(chosen, audience) -> None:
    picked = {index: language for index, language in chosen}
    records = [
        dataclasses.replace(CORPUS[index], language=language)
        for index, language in sorted(picked.items())
    ]
    data = synthesise(records, SynthesisRequest(audience=audience)).to_dict()

    readable = [r for r in records if audience == "working_group" or not r.confidential]
    expected = Counter(_expected(r) for r in readable)
    counted = {row["key"]: row["count"] for row in data["overview"]["by_language"]}
    assert counted == dict(expected)
    assert sum(counted.values()) == len(readable)
    language_of = {r.reference: _expected(r) for r in readable}
    for quote in _quotes(data):
        assert quote["language"] == language_of[quote["reference"]], quote["reference"]


def test_a_corrected_language_is_the_one_counted() -> None:
    japanese = next(r for r in CORPUS if READ[r.reference].language == "ja")
    corrected = dataclasses.replace(japanese, reference="Z-1", language="en")
    data = synthesise([japanese, corrected], SynthesisRequest(audience="working_group"))
    assert {c.key: c.count for c in data.overview.by_language} == {"ja": 1, "en": 1}
