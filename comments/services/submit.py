"""Filing comments: one way in for the page, the API and bulk files.

Every item of a batch is answered by its index: an item the reader could not read
(:class:`UnreadableItem`) is rejected with its field errors, the others are held to the rules
of :mod:`.rules`, checked here once for every channel. Accepted comments are stored together,
numbered from the version's counter; from the web their receipts are mailed after commit."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts import services as account_services
from accounts.models import Organisation, User
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion, Line
from haip_portal import languages
from haip_portal.exceptions import ApplicationError
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import forbidden_character

from .. import tasks
from ..anchoring import Quote, content_hash
from ..inputs import NON_FIELD, CommentInput, UnreadableItem
from ..models import Comment, VersionCommentCounter
from . import rules
from .attachments import attachments_check, attachments_store
from .counts import comment_counts_filed
from .hooks import comment_text_stored
from .inserts import comment_new, comments_insert


@dataclass(slots=True)
class ItemResult:
    """What became of one item of a batch: ``created``, ``duplicate`` or ``rejected``."""

    index: int
    status: Literal["created", "duplicate", "rejected"]
    reference: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    comment: Comment | None = None


class BatchRejected(ApplicationError):
    """An all-or-nothing batch had rejected items; nothing was stored. ``rejected`` holds the
    result of every rejected item, whatever rule it broke, in the order of the batch."""

    def __init__(self, rejected: list[ItemResult], total: int) -> None:
        super().__init__(f"{len(rejected)} of {total} comments were rejected; none was stored.")
        self.rejected = rejected
        self.total = total


@dataclass(slots=True)
class _Filing:
    """What every item of one batch is checked against, loaded once for the batch."""

    version: DraftVersion
    author: User
    channel: str
    now: datetime
    lines: dict[int, Line]
    organisations: dict[str, Organisation]
    existing: dict[str, str]  # external id -> the reference filed with it
    rendered: dict[str, dict[int, str]] = field(default_factory=dict)  # language -> lines
    seen: set[str] = field(default_factory=set)
    personal: Organisation | None = None
    refused: Mapping[int, ApplicationError] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        *,
        version: DraftVersion,
        author: User,
        channel: str,
        now: datetime,
        items: list[CommentInput],
    ) -> "_Filing":
        """One query each for the lines the anchors need, the organisations filed for and
        the external ids already used."""
        external_ids = {
            item.external_id
            for item in items
            if item.external_id and forbidden_character(item.external_id, multiline=False) is None
        }
        slugs = rules.organisation_slugs(items)
        lines = Line.objects.filter(
            version=version, number__in=rules.lines_needed(items, version.line_count)
        ).only("number", "text", "section_id")
        used = Comment.objects.filter(version=version, author=author, external_id__in=external_ids)
        # Quotes from renderings: one query per language quoted (none for the master's).
        rendered = {
            language: draft_selectors.rendering_line_texts(
                version=version,
                language=language,
                numbers=rules.lines_needed(
                    [i for i in items if rules.quote_language(i, version) == language],
                    version.line_count,
                ),
            )
            for language in {rules.quote_language(item, version) for item in items} - {""}
            if forbidden_character(language, multiline=False) is None
        }
        return cls(
            rendered=rendered,
            version=version,
            author=author,
            channel=channel,
            now=now,
            # An empty ``__in`` is answered without a query.
            lines={line.number: line for line in lines},
            organisations={o.slug: o for o in Organisation.objects.filter(slug__in=slugs)},
            existing=dict(used.values_list("external_id", "reference")),
        )

    def check(self, index: int, item: CommentInput | UnreadableItem) -> ItemResult | Comment:
        """The rejection or duplicate of item ``index``, or the comment to store for it."""
        if isinstance(item, UnreadableItem):
            return ItemResult(index, "rejected", errors=item.errors)
        if item.external_id and item.external_id in self.existing:
            return ItemResult(index, "duplicate", reference=self.existing[item.external_id])
        try:
            if index in self.refused:
                raise self.refused[index]
            if item.external_id in self.seen:
                raise ApplicationError(
                    gettext("external id '%(external_id)s' appears twice in this request.")
                    % {"external_id": item.external_id},
                    field="external_id",
                )
            body, proposed = rules.check_comment_text(item)
            rules.check_anchor(item, self.version, self.lines, self.rendered)
            organisation = self._filed_for(item)
        except ApplicationError as error:
            return ItemResult(index, "rejected", errors={error.field or NON_FIELD: [error.message]})
        if item.external_id:
            self.seen.add(item.external_id)
        return self._comment(item, body, proposed, organisation)

    def _filed_for(self, item: CommentInput) -> Organisation:
        if item.organisation:
            return rules.check_organisation(self.author, item.organisation, self.organisations)
        if self.personal is None:
            self.personal = account_services.organisation_register_individual(user=self.author)
        return self.personal

    def _comment(
        self, item: CommentInput, body: str, proposed: str, organisation: Organisation
    ) -> Comment:
        quote = item.quote or Quote("")
        quoted_in = rules.quote_language(item, self.version) if item.quote else ""
        return comment_new(
            version=self.version,
            section_id=self.lines[item.line_start].section_id,
            line_start=item.line_start,
            line_end=item.line_end,
            quote_exact=quote.exact,
            quote_prefix=quote.prefix,
            quote_suffix=quote.suffix,
            quote_start=quote.start,
            quote_language=quoted_in,
            kind=item.kind,
            stance=item.stance,
            body=body,
            proposed_text=proposed,
            visibility=item.visibility,
            # Said by the author, else detected, else the language of the text they read.
            language=item.language or _detected(body) or quoted_in or self.version.language,
            channel=self.channel,
            external_id=item.external_id,
            content_hash=content_hash(body, proposed),
            author=self.author,
            organisation=organisation,
            stakeholder_type=organisation.stakeholder_type,
            country=organisation.country.code,
            # Over the API the response is the receipt; the web sends an e-mail.
            receipt_sent_at=None if self.channel == Comment.Channel.WEB else self.now,
        )


def _detected(body: str) -> str:
    """The language detected in ``body``, or empty if it is unclear."""
    detected = languages.detect(body)
    return "" if detected == languages.UNDETERMINED else detected


@transaction.atomic
def comments_submit_batch(
    *,
    version: DraftVersion,
    author: User,
    items: Sequence[CommentInput | UnreadableItem],
    channel: str = Comment.Channel.WEB,
    atomic: bool = False,
    refused: Mapping[int, ApplicationError] | None = None,
    now: datetime | None = None,
) -> list[ItemResult]:
    """Check and store many comments at once, with the rules of a single one.

    ``items`` are what :func:`comments.inputs.read_comment_item` made of the raw items, those
    it could not read included, so every index is answered here, in order: ``created`` (with
    its reference), ``duplicate`` (its ``external_id`` is already stored: the existing
    reference) or ``rejected`` (field errors). The lines the anchors need, the organisations
    and the external ids already used are loaded with one query each; the accepted comments are
    inserted together. ``refused`` holds what the caller found wrong with an item beyond its
    text (its position papers): such an item is rejected with it, unless it is a duplicate.
    With ``atomic=True`` a single rejected item stores nothing and raises
    :class:`BatchRejected` with every rejection of the batch. A version that is not open
    refuses the whole batch.
    """
    now = now or timezone.now()
    version = DraftVersion.objects.select_related("draft").get(pk=version.pk)
    rules.refuse_unless_open(version, now)
    filing = _Filing.load(
        version=version,
        author=author,
        channel=channel,
        now=now,
        items=[item for item in items if isinstance(item, CommentInput)],
    )
    filing.refused = refused or {}
    results: list[ItemResult] = []
    accepted: list[ItemResult] = []
    for index, item in enumerate(items):
        outcome = filing.check(index, item)
        if isinstance(outcome, Comment):
            outcome = ItemResult(index, "created", comment=outcome)
            accepted.append(outcome)
        results.append(outcome)
    if atomic and (rejected := [r for r in results if r.status == "rejected"]):
        raise BatchRejected(rejected, len(results))
    if accepted:
        _store(version, accepted)
    if channel == Comment.Channel.WEB:
        for result in accepted:
            assert result.comment is not None
            enqueue_on_commit(tasks.send_comment_receipt, result.comment.pk)
    return results


def _store(version: DraftVersion, accepted: list[ItemResult]) -> None:
    """Number the accepted comments from the version's counter and insert them together."""
    counter, _ = VersionCommentCounter.objects.select_for_update().get_or_create(version=version)
    first = counter.last_number + 1
    counter.last_number = F("last_number") + len(accepted)
    counter.save(update_fields=["last_number"])
    comments = []
    for number, result in enumerate(accepted, start=first):
        comment = result.comment
        assert comment is not None
        comment.number = number
        comment.reference = result.reference = (
            f"{version.draft.reference_prefix}-V{version.number}-{number:06d}"
        )
        comments.append(comment)
    comments_insert(comments)
    comment_counts_filed(comments)
    comment_text_stored([comment.pk for comment in comments])


def comment_submit(
    *,
    version: DraftVersion,
    author: User,
    data: CommentInput,
    channel: str = Comment.Channel.WEB,
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Comment:
    """Check and store one comment, with its ``attachments`` (position papers); from the web
    its receipt is mailed after commit.

    Refuses, naming the problem: a version that is not open or outside its period (by the
    server's clock), lines outside the version, a quote that is not the text at that place, an
    empty or oversized body, an organisation the author does not represent, an external id
    already used, an attachment that is not a PDF, DOCX or ODT within the limits. The files
    are checked before anything is stored; a refusal stores nothing.
    """
    checked = attachments_check(attachments)
    with transaction.atomic():
        comment = _submit_one(version=version, author=author, data=data, channel=channel, now=now)
        if checked:
            attachments_store(comment=comment, user=author, files=checked)
    return comment


def _submit_one(
    *, version: DraftVersion, author: User, data: CommentInput, channel: str, now: datetime | None
) -> Comment:
    (result,) = comments_submit_batch(
        version=version, author=author, items=[data], channel=channel, now=now
    )
    if result.status == "duplicate":
        raise ApplicationError(
            gettext("A comment with external id '%(external_id)s' exists: %(reference)s.")
            % {"external_id": data.external_id, "reference": result.reference},
            field="external_id",
            extra={"reference": result.reference},
        )
    if result.status == "rejected":
        field_name, (message, *_) = next(iter(result.errors.items()))
        raise ApplicationError(
            message, field=None if field_name == "non_field_errors" else field_name
        )
    assert result.comment is not None
    return result.comment
