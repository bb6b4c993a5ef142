"""Reads about the lines of a next version that answer comments: the lines the disposition
form suggests, and the comments the compare page shows beside the change that answers them.
Visibility is the comments' own rule (``Comment.objects.visible_to``)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from drafts import selectors as draft_selectors
from drafts.diff import SectionDiff
from drafts.models import DraftVersion

from .models import CarriedComment, CitedLines, Comment

# How close a line of the next version must be to a line of the proposed text to be offered.
PROPOSED_TEXT_SIMILARITY = 0.75
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Lines the disposition form offers to cite, and why (``proposed`` or ``carried``)."""

    line_start: int
    line_end: int
    reason: str
    text: str

    @property
    def label(self) -> str:
        if self.line_start == self.line_end:
            return str(self.line_start)
        return f"{self.line_start}-{self.line_end}"


@dataclass(frozen=True, slots=True)
class Answering:
    """A comment shown beside the change that answers it."""

    reference: str
    url: str
    outcome: str
    outcome_label: str
    lines: str

    @property
    def label(self) -> str:
        return self.reference

    @property
    def note(self) -> str:
        return self.outcome_label


def next_version(version: DraftVersion) -> DraftVersion | None:
    """The version that follows ``version`` in its draft, whatever its status (one query)."""
    return (
        DraftVersion.objects.filter(draft_id=version.draft_id, number__gt=version.number)
        .order_by("number")
        .first()
    )


def _normalised(text: str) -> str:
    return _SPACE.sub(" ", _MARKUP.sub("", text)).strip().casefold()


def _proposed_matches(proposed: str, lines: Iterable[tuple[int, str]]) -> list[Suggestion]:
    wanted = [_normalised(part) for part in proposed.splitlines() if part.strip()]
    found: list[Suggestion] = []
    for number, text in lines:
        have = _normalised(text)
        if not have:
            continue
        for part in wanted:
            inside = len(part) >= 12 and (part in have or have in part)
            if inside or SequenceMatcher(None, part, have).ratio() >= PROPOSED_TEXT_SIMILARITY:
                found.append(Suggestion(number, number, "proposed", text))
                break
    return found


def citation_target(comment: Comment) -> DraftVersion | None:
    """The version whose lines a disposition of ``comment`` may cite: the next one, once it
    is published (one query)."""
    following = next_version(comment.version)
    return following if following is not None and following.is_frozen else None


def citation_suggestions(comment: Comment, following: DraftVersion) -> list[Suggestion]:
    """Lines of ``following`` (see :func:`citation_target`) the secretariat might cite for
    ``comment``: where its anchor was carried, and where its proposed text is found. Two
    queries."""
    suggestions: list[Suggestion] = []
    carried = CarriedComment.objects.filter(
        comment=comment, version=following, line_start__isnull=False
    ).first()
    lines = draft_selectors.version_lines(following, 1, following.line_count)
    texts = {line.number: line.text for line in lines}
    if carried is not None and carried.line_start and carried.line_end:
        text = texts.get(carried.line_start, "")
        suggestions.append(Suggestion(carried.line_start, carried.line_end, "carried", text))
    if comment.proposed_text.strip():
        suggestions += _proposed_matches(comment.proposed_text, texts.items())
    seen: set[tuple[int, int]] = set()
    unique = []
    for suggestion in suggestions:
        if (suggestion.line_start, suggestion.line_end) not in seen:
            seen.add((suggestion.line_start, suggestion.line_end))
            unique.append(suggestion)
    return unique


def cited_lines_of(comment: Comment) -> list[CitedLines]:
    """The lines cited by the comment's disposition, in order (one query)."""
    return list(
        CitedLines.objects.filter(disposition__comment=comment)
        .select_related("version__draft")
        .order_by("line_start")
    )


def citations_in(*, user: User | AnonymousUser, version: DraftVersion) -> list[CitedLines]:
    """Every citation of lines of ``version`` by a disposition of a comment the user may see,
    with the comment and its disposition (one query)."""
    visible = Comment.objects.visible_to(user).exclude(state=Comment.State.WITHDRAWN)
    return list(
        CitedLines.objects.filter(version=version, disposition__comment__in=visible)
        .select_related("disposition__comment")
        .order_by("line_start", "disposition__comment__number")
    )


def answers_by_row(
    *, user: User | AnonymousUser, old: DraftVersion, new: DraftVersion, sections: list[SectionDiff]
) -> dict[int, list[Answering]]:
    """For the compare page: the comments on ``old`` answered by lines of ``new``, keyed by
    the line of ``new`` where the first row of their cited range is shown."""
    if old.number >= new.number:
        return {}
    shown = [row.new_number for section in sections for row in section.rows if row.new_number]
    result: dict[int, list[Answering]] = {}
    for cited in citations_in(user=user, version=new):
        comment = cited.disposition.comment
        if comment.version_id != old.pk:
            continue
        first = next((n for n in shown if cited.line_start <= n <= cited.line_end), None)
        if first is None:
            continue
        result.setdefault(first, []).append(
            Answering(
                reference=comment.reference,
                url=comment.get_absolute_url(),
                outcome=cited.disposition.outcome,
                outcome_label=cited.disposition.get_outcome_display(),
                lines=cited.label,
            )
        )
    return result
