"""The plain data the synthesis reads (comment records, a request) and the :class:`Synthesis`
it writes, which a digest stores as JSON (``Digest.data``).

Everything here is a frozen dataclass of strings, numbers, tuples and datetimes, so a synthesis
built twice from the same records compares equal and serialises to the same JSON. Field names
are the JSON's keys: renaming one changes what digests store and the API serves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Audience = Literal["public", "working_group"]
Outcome = Literal["accepted", "partially_accepted", "rejected", "noted", "open"]

OUTCOMES: tuple[Outcome, ...] = ("accepted", "partially_accepted", "rejected", "noted", "open")
STANCES: tuple[str, ...] = ("support", "oppose", "amend")
NO_STANCE = "none"
WORD_SEPARATOR = "\x1f"  # never inside a word: words are runs of letters
UNDETERMINED = "und"  # the language of a text that could not be told


class ExcerptMismatch(ValueError):
    """An excerpt in a synthesis (a quote of the digest) is not verbatim from the comment it
    cites."""

    def __init__(self, reference: str, text: str) -> None:
        super().__init__(f"The quote attributed to {reference} is not in its comment: {text!r}")
        self.reference = reference
        self.text = text


@dataclass(frozen=True, slots=True, eq=False)
class Reading:
    """What the synthesis reads of one comment whatever the digest (:mod:`.reading`): worked
    out once, after the comment is stored, and kept beside it; ``key`` tells whether it is
    still the reading of the comment's text (:func:`.reading.reading_key`)."""

    key: str
    language: str
    stub: bool
    # The body's distinct word 3-shingle hashes, sorted, as little-endian 32-bit integers;
    # bytes, so that 100,000 readings are 100,000 objects, not a numpy array each.
    shingles: bytes
    # The words themes read of the body and papers, in order, joined by WORD_SEPARATOR (one
    # string, not a tuple of thousands of small ones).
    words: str

    def word_list(self) -> list[str]:
        return self.words.split(WORD_SEPARATOR) if self.words else []


@dataclass(frozen=True, slots=True)
class CommentRecord:
    """One published comment, as the synthesis sees it (copied out of the database)."""

    reference: str
    section_key: str
    section_heading: str
    line_start: int
    line_end: int
    kind: str
    stance: str
    body: str
    proposed_text: str
    confidential: bool
    organisation: str
    stakeholder_type: str
    country: str
    created_at: datetime
    content_hash: str
    # Who filed it, for counting distinct submitters: the organisation, or for an individual
    # their own key; empty when unknown (the organisation, or else the reference, counts).
    submitter: str = ""
    # The text of the position papers attached to it (extracted on upload): themes read it
    # beside the body, so a comment that is "see our paper" and a paper holds a position.
    # Labels and quotes come from the body only.
    papers: str = ""
    # What was read of it after it was stored, if anything; a reading whose key no longer
    # matches the text is read again.
    reading: Reading | None = field(default=None, compare=False)
    # The language recorded on the comment (ISO 639-1: detected at filing, correctable by its
    # author); empty or "und" when not known.
    language: str = ""

    @property
    def submitter_key(self) -> str:
        return self.submitter or self.organisation or f"comment:{self.reference}"

    @property
    def written_in(self) -> str:
        """The comment's language: the one recorded on it, else the one its reading found,
        else ``"und"``."""
        if self.language and self.language != UNDETERMINED:
            return self.language
        if self.reading is not None and self.reading.language:
            return self.reading.language
        return UNDETERMINED


@dataclass(frozen=True, slots=True)
class SynthesisRequest:
    """What to synthesise: for whom, which sections (``None``: all), up to when."""

    audience: Audience = "public"
    sections: tuple[str, ...] | None = None
    cutoff: datetime | None = None
    seed: int = 1
    campaign_min_submitters: int = 3


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A verbatim passage of one comment's body, quoted by a theme or standing for a campaign;
    ``organisation`` is empty when not attributed."""

    reference: str
    text: str
    confidential: bool
    organisation: str
    stakeholder_type: str
    # The comment's language (ISO 639-1, "und" when not known): a quote stays in it.
    language: str = UNDETERMINED


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class Campaign:
    """One text filed by several distinct submitters (copied, lightly edited, or with a
    paragraph of their own added), folded into one position: the template is shown once
    (``representative``) with the number of copies, how many added their own text, the
    distinct submitters (``signatories``) and the distinct named organisations among them."""

    references: tuple[str, ...]
    signatories: int
    organisations: tuple[str, ...]
    stakeholder_mix: tuple[Count, ...]
    section_keys: tuple[str, ...]
    representative: Excerpt
    includes_confidential: bool
    copies: int = 0
    with_own_text: int = 0
    organisation_count: int = 0


@dataclass(frozen=True, slots=True)
class Repeat:
    """One text filed more than once by fewer distinct submitters than a campaign needs
    (typically one organisation repeating itself): shown as a repeat, not a campaign."""

    references: tuple[str, ...]
    organisations: tuple[str, ...]
    submitters: int
    section_keys: tuple[str, ...]
    representative: Excerpt
    includes_confidential: bool


@dataclass(frozen=True, slots=True)
class ProposedText:
    """One replacement text proposed by a theme's amendments, with how many proposed it."""

    text: str
    count: int


@dataclass(frozen=True, slots=True)
class Theme:
    """A claim made in one section: distinct positions grouped by what their substantive
    sentences say (NMF over TF-IDF), labelled by its most central sentence, verbatim."""

    section_key: str
    label: str
    top_terms: tuple[str, ...]
    positions: int
    comments: int
    stakeholder_mix: tuple[Count, ...]
    stance_mix: tuple[Count, ...]
    quotes: tuple[Excerpt, ...]
    references: tuple[str, ...]
    # The languages its comments are written in (ISO 639-1), when they could be told.
    languages: tuple[Count, ...] = ()
    # The comment the label is a sentence of, and a short key phrase from its top terms.
    label_reference: str = ""
    key_phrase: str = ""
    # Who holds it: distinct submitters, named organisations (the first ones by comments,
    # and how many in all), countries; and for amendments, the proposed texts grouped.
    respondents: int = 0
    organisation_count: int = 0
    organisations: tuple[str, ...] = ()
    by_country: tuple[Count, ...] = ()
    proposals: tuple[ProposedText, ...] = ()
    confidential: bool = False


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True, slots=True)
class Overview:
    comments: int
    distinct_positions: int
    confidential: int
    by_section: tuple[Count, ...]
    by_kind: tuple[Count, ...]
    by_stance: tuple[Count, ...]
    by_stakeholder_type: tuple[Count, ...]
    by_country: tuple[Count, ...]
    by_day: tuple[DayCount, ...]
    # Who commented: distinct submitters, of them named organisations and individuals.
    respondents: int = 0
    organisations: int = 0
    individuals: int = 0
    # The languages the comments are written in (see CommentRecord.written_in).
    by_language: tuple[Count, ...] = ()


@dataclass(frozen=True, slots=True)
class StanceCounts:
    group: str
    total: int
    support: int
    oppose: int
    amend: int
    no_stance: int
    support_share: float
    oppose_share: float
    amend_share: float


@dataclass(frozen=True, slots=True)
class SectionAgreement:
    section_key: str
    overall: StanceCounts
    by_stakeholder_type: tuple[StanceCounts, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    """One distinct proposed text for a range; identical proposals are folded and counted."""

    line_start: int
    line_end: int
    text: str
    references: tuple[str, ...]
    organisations: tuple[str, ...]
    confidential: bool


@dataclass(frozen=True, slots=True)
class ChangeGroup:
    """Proposed changes whose line ranges overlap, merged into one span."""

    section_keys: tuple[str, ...]
    line_start: int
    line_end: int
    comments: int
    proposals: tuple[Proposal, ...]


@dataclass(frozen=True, slots=True)
class DispositionSummary:
    total: int
    counts: tuple[Count, ...]
    # How the commenters answered the answers: acceptances and objections.
    accepted: int = 0
    objected: int = 0


@dataclass(frozen=True, slots=True)
class KeyMessage:
    """One of the most widely held claims (a theme or a campaign) across stakeholder groups."""

    kind: Literal["theme", "campaign"]
    label: str
    reference: str  # the comment the label is quoted from
    section_keys: tuple[str, ...]
    comments: int
    respondents: int
    organisation_count: int
    groups: tuple[Count, ...]
    stances: tuple[Count, ...]
    confidential: bool = False


@dataclass(frozen=True, slots=True)
class GroupClaim:
    label: str
    reference: str
    section_keys: tuple[str, ...]
    comments: int  # the group's own comments holding it


@dataclass(frozen=True, slots=True)
class GroupWants:
    """What one stakeholder group wants: its stance overall and its most held claims."""

    group: str
    comments: int
    respondents: int
    stances: tuple[Count, ...]
    claims: tuple[GroupClaim, ...]


@dataclass(frozen=True, slots=True)
class GroupStance:
    group: str
    comments: int
    stance: str  # the group's most frequent stance on the lines


@dataclass(frozen=True, slots=True)
class ContestedLine:
    """An anchored range where the comments disagree: ``disagreement`` is the share of the
    comments with a stance that do not take the most frequent one."""

    section_key: str
    line_start: int
    line_end: int
    comments: int
    respondents: int
    stances: tuple[Count, ...]
    groups: tuple[GroupStance, ...]
    disagreement: float


@dataclass(frozen=True, slots=True)
class Briefing:
    """What a working group reads first: key messages, each group's wants, contested lines."""

    key_messages: tuple[KeyMessage, ...] = ()
    group_wants: tuple[GroupWants, ...] = ()
    contested_lines: tuple[ContestedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Synthesis:
    """What the synthesis finds in one version's comments for one audience."""

    audience: Audience
    cutoff: datetime | None
    sections: tuple[str, ...]
    overview: Overview
    campaigns: tuple[Campaign, ...]
    themes: tuple[Theme, ...]
    agreement: tuple[SectionAgreement, ...]
    changes: tuple[ChangeGroup, ...]
    dispositions: DispositionSummary
    notes: tuple[str, ...] = field(default=())
    repeats: tuple[Repeat, ...] = field(default=())
    briefing: Briefing = field(default_factory=Briefing)

    def to_dict(self) -> dict[str, Any]:
        """The synthesis as JSON-ready data (what ``Digest.data`` holds): tuples become lists,
        dates ISO 8601 strings."""
        result = _plain(dataclasses.asdict(self))
        assert isinstance(result, dict)
        return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def counts(values: dict[str, int], *, total: int | None = None) -> tuple[Count, ...]:
    """Counts sorted by size then key, each with its share of ``total`` (default: their sum)."""
    denominator = sum(values.values()) if total is None else total
    ordered = sorted(values.items(), key=lambda item: (-item[1], item[0]))
    return tuple(
        Count(key=key, count=n, share=round(n / denominator, 4) if denominator else 0.0)
        for key, n in ordered
    )
