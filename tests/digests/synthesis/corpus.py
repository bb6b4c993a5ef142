"""Generated comment records for the synthesis tests and benchmarks (seeded, so repeatable)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from comments.anchoring import content_hash
from comments.digests.synthesis import CommentRecord

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
STAKEHOLDERS = ("industry", "academia", "government", "civil_society", "individual")
COUNTRIES = ("JP", "US", "DE", "FR", "GB", "IT", "CA")

_SUBJECTS = [
    "developers",
    "providers",
    "deployers",
    "auditors",
    "regulators",
    "researchers",
    "vendors",
    "operators",
    "startups",
    "laboratories",
    "universities",
    "ministries",
    "agencies",
    "consortia",
    "platforms",
]
_VERBS = [
    "should",
    "must",
    "could",
    "might",
    "ought",
    "would",
    "shall",
    "need",
    "cannot",
    "will",
    "may",
    "prefer",
    "require",
    "expect",
    "recommend",
    "urge",
]
_ACTIONS = [
    "publish",
    "document",
    "assess",
    "disclose",
    "monitor",
    "evaluate",
    "verify",
    "report",
    "audit",
    "share",
    "review",
    "explain",
    "test",
    "validate",
    "register",
    "certify",
    "track",
    "measure",
    "label",
]
_OBJECTS = [
    "risks",
    "capabilities",
    "limitations",
    "datasets",
    "benchmarks",
    "incidents",
    "safeguards",
    "weights",
    "evaluations",
    "policies",
    "outputs",
    "interfaces",
    "vulnerabilities",
    "mitigations",
    "procedures",
    "thresholds",
    "metrics",
    "controls",
    "licences",
    "contracts",
    "budgets",
    "timelines",
    "workflows",
]
_QUALIFIERS = [
    "annually",
    "quarterly",
    "promptly",
    "openly",
    "independently",
    "consistently",
    "carefully",
    "voluntarily",
    "publicly",
    "internally",
    "proportionately",
    "transparently",
    "regularly",
    "rigorously",
    "systematically",
]
_EXTRAS = (
    "small firms need clarity",
    "cost matters for open source",
    "international alignment is essential",
    "the wording is ambiguous here",
    "existing standards already cover this",
    "national law may conflict",
    "timelines look unrealistic",
    "guidance documents would help",
    "sector specific rules differ",
    "a phased approach seems wise",
)


def sentence(rng: random.Random) -> str:
    words = [
        rng.choice(_SUBJECTS),
        rng.choice(_VERBS),
        rng.choice(_ACTIONS),
        rng.choice(_OBJECTS),
        rng.choice(_QUALIFIERS),
        "because",
        rng.choice(_EXTRAS),
    ]
    return " ".join(words).capitalize() + "."


def distinct_body(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def record(
    reference: str,
    body: str,
    *,
    section: str = "action-1",
    line_start: int = 1,
    line_end: int | None = None,
    kind: str = "general",
    stance: str = "",
    proposed_text: str = "",
    confidential: bool = False,
    organisation: str | None = None,
    stakeholder_type: str = "industry",
    country: str = "JP",
    created_at: datetime = START,
) -> CommentRecord:
    return CommentRecord(
        reference=reference,
        section_key=section,
        section_heading=section.replace("-", " ").title(),
        line_start=line_start,
        line_end=line_start if line_end is None else line_end,
        kind=kind,
        stance=stance,
        body=body,
        proposed_text=proposed_text,
        confidential=confidential,
        organisation=organisation or f"Organisation of {reference}",
        stakeholder_type=stakeholder_type,
        country=country,
        created_at=created_at,
        content_hash=content_hash(body, proposed_text),
    )


CAMPAIGN_LETTER = (
    "We, the undersigned members of the coalition, ask the working group to withdraw the "
    "mandatory red-teaming clause in Action 1. Smaller developers cannot afford external "
    "adversarial testing before every release, and the clause would entrench the largest "
    "providers. A proportionate, risk-based approach with voluntary peer review would reach "
    "the same goal. We also ask for a transition period of at least two years."
)

_SWAPS = {
    "withdraw": "remove",
    "Smaller": "Small",
    "entrench": "favour",
    "goal": "objective",
    "proportionate": "graduated",
    "ask": "urge",
}


def campaign_copy(rng: random.Random, letter: str = CAMPAIGN_LETTER) -> str:
    """A lightly edited copy: a word swapped or two, punctuation changed, maybe a sentence."""
    body = letter
    for old in rng.sample(sorted(_SWAPS), 2):
        body = body.replace(old, _SWAPS[old], 1)
    if rng.random() < 0.5:
        body = body.replace(", and", " and").replace(".", "!", 1)
    if rng.random() < 0.5:
        body += " " + sentence(rng)
    if rng.random() < 0.3:
        body = body.lower()
    return body


def generated_corpus(
    size: int, *, campaign_share: float = 0.2, campaign_size: int = 100, seed: int = 7
) -> list[CommentRecord]:
    """``size`` records over eleven sections: distinct comments plus campaigns of lightly
    edited copies of a few letters (about ``campaign_share`` of the total)."""
    rng = random.Random(seed)
    copies = int(size * campaign_share)
    letters = [distinct_body(rng) for _ in range(max(1, copies // campaign_size))]
    records = []
    for index in range(size):
        if index < copies:
            letter = letters[index % len(letters)]
            body = campaign_copy(rng, letter)
        else:
            body = distinct_body(rng)
        line = rng.randint(1, 400)
        records.append(
            record(
                f"HAIP-V1-{index:06d}",
                body,
                section=f"action-{line // 37 + 1}",
                line_start=line,
                line_end=line + rng.randint(0, 3),
                kind=rng.choice(("general", "technical", "editorial")),
                stance=rng.choice(("support", "oppose", "amend", "")),
                proposed_text=distinct_body(rng) if rng.random() < 0.1 else "",
                confidential=rng.random() < 0.05,
                organisation=f"Org {rng.randint(1, size // 3 + 1)}",
                stakeholder_type=rng.choice(STAKEHOLDERS),
                country=rng.choice(COUNTRIES),
                created_at=START + timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
            )
        )
    return records
