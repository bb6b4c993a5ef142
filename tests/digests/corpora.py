"""Labelled corpora of the shapes campaigns take in real consultations, generated
deterministically: personalised form letters (signers add a paragraph of their own), competing
amendments on one line, stubs, answers in several languages, and one submitter repeating
itself. Each record's label says which campaign it truly belongs to (``None``: none).

:func:`pairwise_scores` measures campaign membership found against the labels as pairwise
precision and recall: of the pairs of records put in one campaign, the share truly in one,
and of the pairs truly in one, the share found.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from comments.digests.synthesis import Campaign, CommentRecord
from tests.digests.synthesis.corpus import START, distinct_body, record

_TOPICS = (
    "red-team testing", "incident reporting", "watermarking", "model cards", "compute thresholds",
    "independent audits", "security of model weights", "content provenance", "risk registers",
    "transparency reports", "open-source exemptions", "public procurement", "child safety",
    "energy reporting", "whistle-blower protection", "third-party evaluations", "data governance",
    "copyright of training data", "deployment gates", "post-market monitoring",
)  # fmt: skip
_ASKS = (
    "ask the working group to", "urge the secretariat to", "call on the G7 to",
    "request that the drafters", "invite the code's authors to", "respectfully ask you to",
)  # fmt: skip
_VERBS = (
    "strengthen", "clarify", "narrow", "phase in", "make binding", "fund", "simplify",
    "reconsider", "extend", "align internationally",
)  # fmt: skip
_REASONS = (
    "smaller developers cannot carry the cost alone",
    "citizens deserve to know how these systems are tested",
    "the present wording leaves too much to interpretation",
    "regulators in several G7 countries already expect it",
    "without it the code would favour the largest providers",
    "independent researchers need access to assess the claims",
    "the public interest outweighs the commercial concerns raised",
    "past incidents show that voluntary measures were not enough",
)
_NAMES = (
    "Aiko", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas",
    "Kofi", "Lena", "Mateo", "Noor", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tomoko",
)  # fmt: skip
_PLACES = (
    "Osaka", "Lyon", "Bremen", "Turin", "Leeds", "Halifax", "Austin", "Sendai", "Graz", "Porto",
    "Ghent", "Krakow", "Nantes", "Kyoto", "Bristol", "Calgary", "Denver", "Bologna", "Kiel",
)  # fmt: skip
_JOBS = (
    "nurse", "teacher", "software engineer", "librarian", "farmer", "bus driver", "student",
    "retired judge", "pharmacist", "small-business owner", "translator", "firefighter",
)  # fmt: skip
_PERSONAL = (
    "As a {job} in {place}, I saw {topic} go wrong at first hand in {year}.",
    "My {relative} works with {topic} every day and {feeling} about where it is heading.",
    "In {place} our {group} met {n} times to discuss {topic} and {feeling}.",
    "I have spent {n} years as a {job}; {topic} touches my work more than most people think.",
    "Last {season} my {relative} lost {n} weeks of work because of {topic}.",
    "Our {group} in {place} collected {n} signatures on {topic} before writing to you.",
)
_FILL = {
    "relative": ("sister", "father", "neighbour", "daughter", "colleague", "grandson"),
    "feeling": ("worries", "is hopeful", "feels unheard", "is sceptical", "is impatient"),
    "group": ("parish council", "reading circle", "union branch", "parents' group", "co-op"),
    "season": ("spring", "summer", "autumn", "winter"),
}
STUBS = (
    "Please find our feedback attached.",
    ".",
    "N/A",
    "#NAME?",
    "4.",
    "deleted",
    "Dear Secretary,",
    "[REDACTED] Personal information removed by the moderator.",
    "See the attached PDF.",
)
AMENDMENT_BODY = (
    "Amend this line to read as we propose: the present wording is too vague for auditors."
)
AMENDMENTS = (
    "Providers shall publish red-team results.",
    "Providers should share red-team results with auditors.",
)
FRENCH_TEMPLATE = (
    "Nous, membres de l'alliance des chercheurs indépendants, demandons que les résultats des "
    "essais adverses soient communiqués aux auditeurs agréés avant toute mise sur le marché. "
    "Les petites structures doivent bénéficier d'un calendrier adapté et d'un soutien public."
)
GERMAN = (
    "Wir begrüßen den Entwurf, bitten aber um klarere Fristen für die Meldung schwerer Vorfälle.",
    "Die Pflicht zur Kennzeichnung synthetischer Inhalte sollte auch für Audio gelten.",
    "Kleine Unternehmen brauchen eine vereinfachte Fassung der Berichtspflichten.",
)
JAPANESE = (
    "レッドチーム試験の結果は、公開前に認定監査人と共有されるべきです。",
    "重大インシデントの報告期限を明確にしてください。中小企業への配慮も必要です。",
    "透かし技術の要件は音声と動画にも適用されるべきだと考えます。",
)


@dataclass(frozen=True, slots=True)
class Labelled:
    record: CommentRecord
    campaign: str | None  # the campaign it truly belongs to
    own_text: bool = False  # a signer who added a paragraph of their own


_LETTER = (
    "We, the undersigned, {ask} {verb} the provisions on {topic} in this draft.",
    "We write as supporters of the {adjective} {noun} on {topic}.",
    "This matters to us because {reason}.",
    "On {topic}, {reason}, and the draft says too little about it.",
    "Line {line} should name who checks {topic}, and by when.",
    "A review after {n} months would show whether the measures on {topic} work.",
    "We {ask} publish the evidence behind the choices on {topic}.",
    "Nothing in Action {action} should weaken the safeguards for {topic}.",
    "The costs of {topic} must not fall on {payer} alone.",
    "Please keep {topic} in the next version, whatever else changes, because {reason}.",
    "Independent experts, not providers, should judge {topic}; {reason}.",
    "The {adjective} {noun} will report on {topic} to its members in {n} weeks.",
)
_ADJECTIVES = ("Northern", "Open", "Civic", "Green", "Digital", "Fair", "Safe", "United")
_NOUNS = ("Alliance", "Network", "Forum", "Coalition", "Union", "Assembly", "Circle")
_PAYERS = ("small firms", "public bodies", "users", "universities", "charities")


def template_letter(rng: random.Random) -> str:
    """A form letter of five sentences drawn from varied patterns and fillers."""
    topics = rng.sample(_TOPICS, 3)
    return " ".join(
        pattern.format(
            ask=rng.choice(_ASKS),
            verb=rng.choice(_VERBS),
            topic=topics[index % 3],
            adjective=rng.choice(_ADJECTIVES),
            noun=rng.choice(_NOUNS),
            reason=rng.choice(_REASONS),
            line=rng.randint(1, 400),
            n=rng.randint(3, 36),
            action=rng.randint(1, 11),
            payer=rng.choice(_PAYERS),
        )
        for index, pattern in enumerate(rng.sample(_LETTER, 5))
    )


def personal_paragraph(rng: random.Random) -> str:
    """Two or three sentences of a signer's own, from varied pieces."""
    parts = []
    for pattern in rng.sample(_PERSONAL, rng.randint(2, 3)):
        values = {key: rng.choice(options) for key, options in _FILL.items()}
        parts.append(
            pattern.format(
                job=rng.choice(_JOBS),
                place=rng.choice(_PLACES),
                topic=rng.choice(_TOPICS),
                year=rng.randint(2015, 2026),
                n=rng.randint(2, 40),
                **values,
            )
        )
    return " ".join(parts)


def _light_edit(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:
        text = text.replace(" should ", " must ", 1)
    if rng.random() < 0.2:
        text = text.lower()
    if rng.random() < 0.2:
        text = text.replace(", and", " and", 1)
    return text


def signed_copy(rng: random.Random, letter: str, *, personal_share: float) -> tuple[str, bool]:
    """A signer's copy: lightly edited, often with a greeting, a paragraph of their own
    (before or after the letter) and a signature; and whether it has that paragraph."""
    body = _light_edit(rng, letter)
    added = rng.random() < personal_share
    if added:
        own = personal_paragraph(rng)
        body = f"{own}\n\n{body}" if rng.random() < 0.3 else f"{body}\n\n{own}"
    if rng.random() < 0.4:
        body = f"Dear Secretary,\n\n{body}"
    if rng.random() < 0.5:
        body += f"\n\nKind regards,\n{rng.choice(_NAMES)} {rng.choice(_PLACES)}"
    return body, added


class _Builder:
    def __init__(self, rng: random.Random, prefix: str) -> None:
        self.rng, self.prefix = rng, prefix
        self.items: list[Labelled] = []

    def add(
        self, body: str, label: str | None, *, organisation: str, own: bool = False, **fields
    ) -> None:
        reference = f"{self.prefix}-{len(self.items):06d}"
        line = fields.pop("line_start", self.rng.randint(1, 120))
        created = START + timedelta(minutes=self.rng.randint(0, 60 * 24 * 20))
        self.items.append(
            Labelled(
                record(
                    reference,
                    body,
                    section=f"action-{line // 11 + 1}",
                    line_start=line,
                    organisation=organisation,
                    created_at=created,
                    **fields,
                ),
                label,
                own,
            )
        )


def mixed_corpus(seed: int = 1, *, signers: int = 40) -> list[Labelled]:
    """Every shape at once: six personalised form letters of ``signers`` signers each, two
    competing amendments to one line, stubs, French, German and Japanese answers, one
    organisation filing one letter eight times, and distinct comments."""
    rng = random.Random(seed)
    build = _Builder(rng, f"MIX{seed}")
    for number in range(6):
        letter = template_letter(rng)
        for signer in range(signers):
            body, own = signed_copy(rng, letter, personal_share=0.6)
            build.add(body, f"letter-{number}", organisation=f"Signer {number}-{signer}", own=own)
    for option, text in enumerate(AMENDMENTS):
        for org in range(5):
            build.add(
                AMENDMENT_BODY,
                f"amendment-{option}",
                organisation=f"Amender {option}-{org}",
                line_start=12,
                stance="amend",
                proposed_text=text,
            )
    for index in range(60):
        build.add(STUBS[index % len(STUBS)], None, organisation=f"Stub filer {index}")
    for org in range(6):
        build.add(FRENCH_TEMPLATE, "french", organisation=f"Alliance {org}")
    for index in range(9):
        build.add(GERMAN[index % 3] if index < 3 else JAPANESE[index % 3] if index < 6
                  else distinct_body(rng), None, organisation=f"Multilingual {index}")  # fmt: skip
    repeated = template_letter(rng)
    for _ in range(8):
        build.add(signed_copy(rng, repeated, personal_share=0.0)[0], None, organisation="Repeater")
    for index in range(200):
        build.add(distinct_body(rng), None, organisation=f"Distinct {index}")
    rng.shuffle(build.items)
    return build.items


def mass_letters(size: int, *, templates: int = 27, seed: int = 3) -> list[Labelled]:
    """``size`` records of the mass-form-letter shape: ``templates`` letters shared among
    nine in ten records (most signers adding a paragraph of their own), the rest distinct
    comments and stubs."""
    rng = random.Random(seed)
    build = _Builder(rng, "MASS")
    letters = [template_letter(rng) for _ in range(templates)]
    for index in range(size):
        roll = rng.random()
        if roll < 0.9:
            number = index % templates
            body, own = signed_copy(rng, letters[number], personal_share=0.7)
            build.add(body, f"letter-{number}", organisation=f"Signer {index}", own=own)
        elif roll < 0.93:
            build.add(rng.choice(STUBS), None, organisation=f"Stub filer {index}")
        else:
            build.add(distinct_body(rng), None, organisation=f"Distinct {index}")
    return build.items


def records_of(items: Iterable[Labelled]) -> list[CommentRecord]:
    return [item.record for item in items]


def _pairs(groups: Iterable[Sequence[str]]) -> Counter[tuple[str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for group in groups:
        pairs.update(itertools.combinations(sorted(group), 2))
    return pairs


def pair_count(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_scores(
    items: Sequence[Labelled], campaigns: Sequence[Campaign]
) -> tuple[float, float]:
    """Pairwise precision and recall of campaign membership (see the module docstring),
    counted without listing pairs: by the overlap of each found and each true campaign."""
    label = {item.record.reference: item.campaign for item in items}
    true_sizes = Counter(c for c in label.values() if c is not None)
    found_pairs = pair_count(len(c.references) for c in campaigns)
    correct = 0
    for campaign in campaigns:
        overlap = Counter(label[r] for r in campaign.references if label[r] is not None)
        correct += pair_count(overlap.values())
    precision = correct / found_pairs if found_pairs else 1.0
    recall = correct / pair_count(true_sizes.values()) if true_sizes else 1.0
    return precision, recall
