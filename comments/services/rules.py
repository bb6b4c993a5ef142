"""The rules a comment is held to, each checked here once for every way a comment comes in
(page, API, bulk file) and for edits: an open period by the server's clock, the characters and
limits of its text, its choices, its anchor in the version's lines, the right to file for an
organisation. Each raises :class:`ApplicationError` naming the field."""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Line
from haip_portal.exceptions import ApplicationError
from haip_portal.text import check_text, forbidden_character, grouped

from ..anchoring import AnchorError, check_line_range, locate_quote
from ..inputs import MAX_BODY_LENGTH, MAX_EXTERNAL_ID_LENGTH, MAX_LANGUAGE_LENGTH, CommentInput
from ..models import Comment

MAX_SHOWN = 100
# The choices, as sets looked up once per item of a batch (an enum's ``values`` is rebuilt at
# every access).
KINDS = frozenset(Comment.Kind.values)
VISIBILITIES = frozenset(Comment.Visibility.values)
STANCES = frozenset(Comment.Stance.values)


def _shown(value: str) -> str:
    """A value quoted back in a message: at most :data:`MAX_SHOWN` characters, and none that
    free text may not hold (they could be invisible, or reorder the message)."""
    shown = "".join(
        "\ufffd" if forbidden_character(character, multiline=False) else character
        for character in value[:MAX_SHOWN]
    )
    return shown + "…" if len(value) > MAX_SHOWN else shown


def refuse_unless_open(version: DraftVersion, now: datetime) -> None:
    """A version takes comments only while ``open`` and inside its period."""
    if version.status != DraftVersion.Status.OPEN:
        raise ApplicationError(
            _("%(version)s is %(status)s: it takes no comments.")
            % {"version": version, "status": str(version.get_status_display()).lower()}
        )
    if version.opens_at and now < version.opens_at:
        raise ApplicationError(
            _("The comment period of %(version)s has not opened yet.") % {"version": version}
        )
    if version.closes_at and now >= version.closes_at:
        raise ApplicationError(
            _("The comment period of %(version)s has closed.") % {"version": version}
        )


def check_comment_text(data: CommentInput) -> tuple[str, str]:
    """The body and proposed text as stored (trimmed), once every free-text field holds only
    characters free text may hold (``haip_portal.text``) and is within its limits."""
    for name, value, multiline in (
        ("body", data.body, True),
        ("proposed_text", data.proposed_text, True),
        ("quote_exact", data.quote.exact if data.quote else "", True),
        ("quote_prefix", data.quote.prefix if data.quote else "", True),
        ("quote_suffix", data.quote.suffix if data.quote else "", True),
        ("quote_language", data.quote.language if data.quote else "", False),
        ("external_id", data.external_id, False),
        ("language", data.language, False),
    ):
        check_text(value, field=name, multiline=multiline)
    body = data.body.strip()
    if not body:
        raise ApplicationError(_("The comment is empty."), field="body")
    if len(body) > MAX_BODY_LENGTH:
        raise ApplicationError(
            _("The comment is %(count)s characters; the limit is %(limit)s.")
            % {"count": grouped(len(body)), "limit": grouped(MAX_BODY_LENGTH)},
            field="body",
        )
    proposed = data.proposed_text.strip()
    if len(proposed) > MAX_BODY_LENGTH:
        raise ApplicationError(
            _("The proposed text is %(count)s characters; the limit is %(limit)s.")
            % {"count": grouped(len(proposed)), "limit": grouped(MAX_BODY_LENGTH)},
            field="proposed_text",
        )
    if len(data.external_id) > MAX_EXTERNAL_ID_LENGTH:
        raise ApplicationError(
            _("The external id is limited to %(limit)s characters.")
            % {"limit": MAX_EXTERNAL_ID_LENGTH},
            field="external_id",
        )
    if len(data.language) > MAX_LANGUAGE_LENGTH:
        raise ApplicationError(
            _("The language code is limited to %(limit)s characters.")
            % {"limit": MAX_LANGUAGE_LENGTH},
            field="language",
        )
    for name, value, choices in (
        ("kind", data.kind, KINDS),
        ("visibility", data.visibility, VISIBILITIES),
    ):
        if value not in choices:
            raise ApplicationError(
                _("Unknown %(name)s '%(value)s'.") % {"name": name, "value": _shown(value)},
                field=name,
            )
    if data.stance and data.stance not in STANCES:
        raise ApplicationError(
            _("Unknown stance '%(value)s'.") % {"value": _shown(data.stance)}, field="stance"
        )
    return body, proposed


def quote_language(data: CommentInput, version: DraftVersion) -> str:
    """The language of the item's quote when it is a rendering's, else empty (the master's)."""
    language = data.quote.language if data.quote is not None else ""
    return "" if language == version.language else language


def check_anchor(
    data: CommentInput,
    version: DraftVersion,
    lines: dict[int, Line],
    rendered: dict[str, dict[int, str]] | None = None,
) -> None:
    """The lines are inside the version and the quote, if any, is the text at that place:
    in the master, or in the published rendering in the quote's language (numbered as the
    master). ``lines`` and ``rendered`` (by language) hold at least the lines the quote spans
    (see :func:`lines_needed`)."""
    try:
        check_line_range(data.line_start, data.line_end, version.line_count)
        if data.quote is not None:
            texts = _texts_quoted(data, version, lines, rendered or {})
            text = "\n".join(texts[number] for number in range(data.line_start, data.line_end + 1))
            where = (
                _("line %(start)s") % {"start": data.line_start}
                if data.line_start == data.line_end
                else _("lines %(start)s–%(end)s") % {"start": data.line_start, "end": data.line_end}
            )
            locate_quote(text, data.quote, where=where)
    except AnchorError as error:
        raise ApplicationError(_(error.template) % error.params, field=error.field) from error


def _texts_quoted(
    data: CommentInput,
    version: DraftVersion,
    lines: dict[int, Line],
    rendered: dict[str, dict[int, str]],
) -> dict[int, str]:
    language = quote_language(data, version)
    if not language:  # the lines the quote spans (loaded: see lines_needed)
        return {number: lines[number].text for number in range(data.line_start, data.line_end + 1)}
    texts = rendered.get(language, {})
    if data.line_start not in texts:
        raise ApplicationError(
            _(
                "%(version)s has no published rendering in '%(language)s' to quote from; "
                "its text is in '%(master)s'."
            )
            % {"version": version, "language": _shown(language), "master": version.language},
            field="quote_language",
        )
    return texts


def lines_needed(items: Iterable[CommentInput], line_count: int) -> set[int]:
    """The numbers of the lines :func:`check_anchor` reads for ``items``, and the first line of
    each (its section is the comment's)."""
    needed: set[int] = set()
    for item in items:
        if not 1 <= item.line_start <= item.line_end <= line_count:
            continue
        if item.quote is not None:
            needed.update(range(item.line_start, item.line_end + 1))
        else:
            needed.add(item.line_start)
    return needed


def organisation_slugs(items: Iterable[CommentInput]) -> set[str]:
    """The organisations ``items`` are filed for, as slugs worth looking up (a slug holding a
    character no text may hold names no organisation: :func:`check_organisation` says so)."""
    return {
        item.organisation
        for item in items
        if item.organisation and forbidden_character(item.organisation, multiline=False) is None
    }


def check_organisation(
    author: User, slug: str, organisations: dict[str, Organisation]
) -> Organisation:
    """The organisation at ``slug`` (looked up in ``organisations``) if ``author`` may file for
    it."""
    check_text(slug, field="organisation", multiline=False)
    organisation = organisations.get(slug)
    if organisation is None:
        raise ApplicationError(
            _("No organisation '%(slug)s'.") % {"slug": _shown(slug)}, field="organisation"
        )
    return check_may_file_for(author, organisation)


def check_may_file_for(author: User, organisation: Organisation | None) -> Organisation:
    """``organisation`` if ``author`` may file on its behalf (or endorse for it)."""
    if organisation is None:
        raise ApplicationError(_("No such organisation."), field="organisation")
    if organisation.status != Organisation.Status.VERIFIED:
        message = (
            _(
                "%(name)s was not verified by the secretariat, so nobody can file on its "
                "behalf; file as yourself meanwhile."
            )
            if organisation.status == Organisation.Status.REJECTED
            else _(
                "%(name)s is not verified yet by the secretariat, so nobody can file on its "
                "behalf; file as yourself meanwhile."
            )
        )
        raise ApplicationError(message % {"name": organisation.name}, field="organisation")
    if not permissions.can_file_for(author, organisation):
        raise ApplicationError(
            _(
                "You do not represent %(name)s; file as yourself or ask its administrator to "
                "make you a representative."
            )
            % {"name": organisation.name},
            field="organisation",
        )
    return organisation


def refuse_unless_author(comment: Comment, user: User, action: str) -> None:
    if comment.author_id != user.pk:
        messages = {
            "edit": _("Only the comment's author can edit it."),
            "withdraw": _("Only the comment's author can withdraw it."),
        }
        raise ApplicationError(messages[action])
