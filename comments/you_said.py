""" "You said, we did": for a version and the one before it, section by section, what changed
and the comments that led to it, each with its disposition and the answers of its
commenters. Read here once for the page, the PDF and the Word file alike.

A comment of the earlier version belongs to a section of the later one through the lines its
disposition cites, or else (when the text it was about was rewritten or removed) through
where it was carried. The public version holds public comments only; the full version, for
those who read every comment (``accounts.permissions.sees_every_comment``), holds the
confidential ones too.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from drafts import selectors as draft_selectors
from drafts.diff import SectionDiff, compare_sections
from drafts.models import DraftVersion, Section
from haip_portal.exceptions import NotFound

from . import answer_selectors
from .models import CarriedComment, CitedLines, Comment


@dataclass(frozen=True, slots=True)
class Change:
    """One changed line: ``kind`` is ``change``, ``insert`` or ``delete``."""

    kind: str
    old_number: int | None
    old_text: str
    new_number: int | None
    new_text: str


@dataclass(frozen=True, slots=True)
class AnsweredComment:
    reference: str
    url: str
    organisation: str
    confidential: bool
    lines: str
    body: str
    proposed_text: str
    outcome: str
    response: str
    cited: str
    cited_one_line: bool
    carried: str
    accepted: int
    objections: int


@dataclass(slots=True)
class SectionReport:
    key: str
    heading: str
    status: str
    changes: list[Change]
    diff: SectionDiff
    comments: list[AnsweredComment] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class YouSaidWeDid:
    title: str
    old: DraftVersion
    new: DraftVersion
    full: bool
    sections: list[SectionReport]

    @property
    def comment_count(self) -> int:
        return sum(len(section.comments) for section in self.sections)

    @property
    def objection_count(self) -> int:
        return sum(c.objections for section in self.sections for c in section.comments)


def previous_version(version: DraftVersion) -> DraftVersion:
    """The version before ``version``; 404 for a first version (nothing was said before)."""
    previous = (
        DraftVersion.objects.filter(draft_id=version.draft_id, number__lt=version.number)
        .exclude(status=DraftVersion.Status.DRAFT)
        .order_by("-number")
        .first()
    )
    if previous is None:
        raise NotFound(_("This is the first version: nothing was said before it."))
    return previous


def _changes(diff: SectionDiff) -> list[Change]:
    return [
        Change(
            row.kind,
            row.old_number,
            "".join(segment.text for segment in row.old),
            row.new_number,
            "".join(segment.text for segment in row.new),
        )
        for row in diff.rows
        if row.kind != "equal"
    ]


def _comments(user: User | AnonymousUser, old: DraftVersion) -> tuple[bool, list[Comment]]:
    full = permissions.sees_every_comment(user)
    readers = user if full else AnonymousUser()
    comments = (
        Comment.objects.visible_to(readers)
        .filter(version=old, state=Comment.State.PUBLISHED, disposition__isnull=False)
        .select_related("organisation", "section", "disposition")
        .order_by("number")
    )
    return full, list(comments)


def _section_of(line: int | None, sections: list[Section]) -> str | None:
    if line is None:
        return None
    return next((s.key for s in sections if s.line_start <= line <= s.line_end), None)


def _placement(
    old: DraftVersion, new: DraftVersion, comments: list[Comment]
) -> tuple[dict[int, set[str]], dict[int, list[CitedLines]], dict[int, CarriedComment]]:
    """Where each comment goes: ``{comment id: section keys}``, with its citations and its
    carried row (three queries)."""
    ids = [comment.pk for comment in comments]
    sections = draft_selectors.version_sections(new)
    cited: dict[int, list[CitedLines]] = {}
    for row in CitedLines.objects.filter(
        version=new, disposition__comment_id__in=ids
    ).select_related("disposition"):
        cited.setdefault(row.disposition.comment_id, []).append(row)
    carried = {
        row.comment_id: row
        for row in CarriedComment.objects.filter(version=new, comment_id__in=ids)
    }
    placed: dict[int, set[str]] = {}
    for comment in comments:
        keys = {_section_of(c.line_start, sections) for c in cited.get(comment.pk, [])}
        moved = carried.get(comment.pk)
        if not keys and moved is not None and moved.outcome != CarriedComment.Outcome.KEPT:
            keys = {moved.section_key or comment.section.key}
        placed[comment.pk] = {key for key in keys if key}
    return placed, cited, carried


def _carried_label(row: CarriedComment | None) -> str:
    if row is None:
        return ""
    if row.review == CarriedComment.Review.ANSWERED_BY_REMOVAL:
        return _("answered by removal")
    if row.line_start is None:
        return _("text removed")
    lines = f"{row.line_start}–{row.line_end}" if row.line_end != row.line_start else row.line_start
    return _("%(outcome)s, now line %(lines)s") % {
        "outcome": row.get_outcome_display(),
        "lines": lines,
    }


def _answered(
    comment: Comment,
    cited: list[CitedLines],
    carried: CarriedComment | None,
    counts: tuple[int, int],
) -> AnsweredComment:
    disposition = comment.disposition
    lines = str(comment.line_start)
    if comment.line_end != comment.line_start:
        lines = f"{comment.line_start}–{comment.line_end}"
    return AnsweredComment(
        reference=comment.reference,
        url=comment.get_absolute_url(),
        organisation=comment.organisation.name if comment.organisation else "",
        confidential=comment.is_confidential,
        lines=lines,
        body=comment.body,
        proposed_text=comment.proposed_text,
        outcome=disposition.get_outcome_display(),
        response=disposition.response,
        cited=", ".join(row.label for row in sorted(cited, key=lambda row: row.line_start)),
        cited_one_line=len(cited) == 1 and cited[0].line_start == cited[0].line_end,
        carried=_carried_label(carried),
        accepted=counts[0],
        objections=counts[1],
    )


def you_said_we_did(*, user: User | AnonymousUser, new: DraftVersion) -> YouSaidWeDid:
    """The report for ``new`` and the version before it, as ``user`` may read it: every
    changed section, and any unchanged one a comment was placed in. About a dozen queries,
    whatever the number of comments."""
    old = previous_version(new)
    diffs = compare_sections(
        draft_selectors.version_sections_as_text(old),
        draft_selectors.version_sections_as_text(new),
    )
    full, comments = _comments(user, old)
    placed, cited, carried = _placement(old, new, comments)
    counts = answer_selectors.answer_counts_by_comment(placed)
    by_section: dict[str, list[AnsweredComment]] = {}
    for comment in comments:
        for key in sorted(placed[comment.pk]):
            by_section.setdefault(key, []).append(
                _answered(
                    comment,
                    cited.get(comment.pk, []),
                    carried.get(comment.pk),
                    counts.get(comment.pk, (0, 0)),
                )
            )
    sections = [
        SectionReport(
            diff.key, diff.heading, diff.status, _changes(diff), diff, by_section.get(diff.key, [])
        )
        for diff in diffs
        if diff.status != "unchanged" or diff.key in by_section
    ]
    return YouSaidWeDid(new.draft.title, old, new, full, sections)
