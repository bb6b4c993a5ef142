"""The rules a comment is held to, each checked here once for every way a comment comes in
(page, API, bulk file) and for edits: an open period by the server's clock, the characters and
limits of its text, its choices, its anchor in the version's lines, the right to file for an
organisation. Each raises :class:`ApplicationError` naming the field."""

from datetime import datetime

from accounts import permissions
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Line
from haip_portal.exceptions import ApplicationError
from haip_portal.text import check_text

from ..anchoring import AnchorError, check_line_range, locate_quote
from ..inputs import MAX_BODY_LENGTH, MAX_EXTERNAL_ID_LENGTH, MAX_LANGUAGE_LENGTH, CommentInput
from ..models import Comment


def refuse_unless_open(version: DraftVersion, now: datetime) -> None:
    """A version takes comments only while ``open`` and inside its period."""
    if version.status != DraftVersion.Status.OPEN:
        raise ApplicationError(
            f"{version} is {version.get_status_display().lower()}: it takes no comments."
        )
    if version.opens_at and now < version.opens_at:
        raise ApplicationError(f"The comment period of {version} has not opened yet.")
    if version.closes_at and now >= version.closes_at:
        raise ApplicationError(f"The comment period of {version} has closed.")


def check_comment_text(data: CommentInput) -> tuple[str, str]:
    """The body and proposed text as stored (trimmed), once every free-text field holds only
    characters free text may hold (``haip_portal.text``) and is within its limits."""
    for name, value, multiline in (
        ("body", data.body, True),
        ("proposed_text", data.proposed_text, True),
        ("quote_exact", data.quote.exact if data.quote else "", True),
        ("quote_prefix", data.quote.prefix if data.quote else "", True),
        ("quote_suffix", data.quote.suffix if data.quote else "", True),
        ("external_id", data.external_id, False),
        ("language", data.language, False),
    ):
        check_text(value, field=name, multiline=multiline)
    body = data.body.strip()
    if not body:
        raise ApplicationError("The comment is empty.", field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise ApplicationError(
            f"The comment is {len(body):,} characters; the limit is {MAX_BODY_LENGTH:,}.",
            field="body",
        )
    proposed = data.proposed_text.strip()
    if len(proposed) > MAX_BODY_LENGTH:
        raise ApplicationError(
            f"The proposed text is {len(proposed):,} characters; the limit is {MAX_BODY_LENGTH:,}.",
            field="proposed_text",
        )
    if len(data.external_id) > MAX_EXTERNAL_ID_LENGTH:
        raise ApplicationError(
            f"The external id is limited to {MAX_EXTERNAL_ID_LENGTH} characters.",
            field="external_id",
        )
    if len(data.language) > MAX_LANGUAGE_LENGTH:
        raise ApplicationError(
            f"The language code is limited to {MAX_LANGUAGE_LENGTH} characters.",
            field="language",
        )
    for name, value, choices in (
        ("kind", data.kind, Comment.Kind.values),
        ("visibility", data.visibility, Comment.Visibility.values),
    ):
        if value not in choices:
            raise ApplicationError(f"Unknown {name} '{value}'.", field=name)
    if data.stance and data.stance not in Comment.Stance.values:
        raise ApplicationError(f"Unknown stance '{data.stance}'.", field="stance")
    return body, proposed


def check_anchor(data: CommentInput, version: DraftVersion, lines: dict[int, Line]) -> None:
    """The lines are inside the version and the quote, if any, is the text at that place;
    ``lines`` holds at least the lines the quote spans."""
    try:
        check_line_range(data.line_start, data.line_end, version.line_count)
        if data.quote is not None and data.quote.exact:
            text = "\n".join(
                lines[number].text for number in range(data.line_start, data.line_end + 1)
            )
            where = (
                f"line {data.line_start}"
                if data.line_start == data.line_end
                else f"lines {data.line_start}–{data.line_end}"
            )
            locate_quote(text, data.quote, where=where)
    except AnchorError as error:
        raise ApplicationError(str(error), field=error.field) from error


def check_may_file_for(author: User, organisation: Organisation | None) -> Organisation:
    """``organisation`` if ``author`` may file on its behalf (or endorse for it)."""
    if organisation is None:
        raise ApplicationError("No such organisation.", field="organisation")
    if organisation.status != Organisation.Status.VERIFIED:
        state = (
            "was not verified"
            if organisation.status == Organisation.Status.REJECTED
            else "is not verified yet"
        )
        raise ApplicationError(
            f"{organisation.name} {state} by the secretariat, so nobody can file on its behalf; "
            "file as yourself meanwhile.",
            field="organisation",
        )
    if not permissions.can_file_for(author, organisation):
        raise ApplicationError(
            f"You do not represent {organisation.name}; file as yourself or ask its "
            "administrator to make you a representative.",
            field="organisation",
        )
    return organisation


def refuse_unless_author(comment: Comment, user: User, action: str) -> None:
    if comment.author_id != user.pk:
        raise ApplicationError(f"Only the comment's author can {action} it.")
