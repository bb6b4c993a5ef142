"""Filing comments: one way in for the page, the API and bulk files. Every item is checked
with the rules of :mod:`.rules` and answered by index; accepted comments are stored together,
numbered from the version's counter, and from the web their receipts are mailed after commit."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Line
from haip_portal.exceptions import ApplicationError
from haip_portal.queueing import enqueue_on_commit

from .. import tasks
from ..anchoring import Quote, content_hash
from ..inputs import CommentInput
from ..models import Comment, VersionCommentCounter
from . import rules


def _reserve_numbers(version: DraftVersion, count: int) -> range:
    counter, _ = VersionCommentCounter.objects.select_for_update().get_or_create(version=version)
    first = counter.last_number + 1
    counter.last_number = F("last_number") + count
    counter.save(update_fields=["last_number"])
    return range(first, first + count)


def _reference(version: DraftVersion, number: int) -> str:
    return f"{version.draft.reference_prefix}-V{version.number}-{number:06d}"


@dataclass(slots=True)
class ItemResult:
    """What became of one item of a batch: ``created``, ``duplicate`` or ``rejected``."""

    index: int
    status: Literal["created", "duplicate", "rejected"]
    reference: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    comment: Comment | None = None


class BatchRejected(ApplicationError):
    """An all-or-nothing batch had rejected items; nothing was stored."""

    def __init__(self, results: list[ItemResult]) -> None:
        rejected = sum(1 for result in results if result.status == "rejected")
        super().__init__(f"{rejected} of {len(results)} comments were rejected; none was stored.")
        self.results = results


def _needed_lines(items: Sequence[CommentInput], line_count: int) -> set[int]:
    needed: set[int] = set()
    for item in items:
        if not 1 <= item.line_start <= item.line_end <= line_count:
            continue
        if item.quote is not None and item.quote.exact:
            needed.update(range(item.line_start, item.line_end + 1))
        else:
            needed.add(item.line_start)
    return needed


@transaction.atomic
def comments_submit_batch(
    *,
    version: DraftVersion,
    author: User,
    items: Sequence[CommentInput],
    channel: str = Comment.Channel.WEB,
    atomic: bool = False,
    now: datetime | None = None,
) -> list[ItemResult]:
    """Check and store many comments at once, with the rules of a single one.

    One query loads the lines the anchors need, one the organisations, one the external ids
    already used; the accepted comments are inserted together. Each item is answered in order:
    ``created`` (with its reference), ``duplicate`` (its ``external_id`` is already stored: the
    existing reference) or ``rejected`` (field errors). With ``atomic=True`` a single rejected
    item stores nothing and raises :class:`BatchRejected`. A version that is not open refuses
    the whole batch.
    """
    now = now or timezone.now()
    version = DraftVersion.objects.select_related("draft").get(pk=version.pk)
    rules.refuse_unless_open(version, now)
    lines = {
        line.number: line
        for line in Line.objects.filter(
            version=version, number__in=_needed_lines(items, version.line_count)
        ).only("number", "text", "section_id")
    }
    organisations = Organisation.objects.in_bulk(
        {item.organisation.pk for item in items if item.organisation is not None}
    )
    external_ids = {item.external_id for item in items if item.external_id}
    existing = dict(
        Comment.objects.filter(
            version=version, author=author, external_id__in=external_ids
        ).values_list("external_id", "reference")
    )
    personal: Organisation | None = None
    seen: set[str] = set()
    results: list[ItemResult] = []
    accepted: list[tuple[ItemResult, Comment]] = []
    for index, item in enumerate(items):
        if item.external_id and item.external_id in existing:
            results.append(ItemResult(index, "duplicate", reference=existing[item.external_id]))
            continue
        try:
            if item.external_id in seen:
                raise ApplicationError(
                    f"external id '{item.external_id}' appears twice in this request.",
                    field="external_id",
                )
            body, proposed = rules.check_comment_text(item)
            rules.check_anchor(item, version, lines)
            if item.organisation is None:
                personal = personal or account_services.organisation_register_individual(
                    user=author
                )
                organisation = personal
            else:
                organisation = rules.check_may_file_for(
                    author, organisations.get(item.organisation.pk)
                )
        except ApplicationError as error:
            results.append(
                ItemResult(
                    index, "rejected", errors={error.field or "non_field_errors": [error.message]}
                )
            )
            continue
        if item.external_id:
            seen.add(item.external_id)
        result = ItemResult(index, "created")
        results.append(result)
        quote = item.quote if item.quote is not None and item.quote.exact else Quote("")
        accepted.append(
            (
                result,
                Comment(
                    version=version,
                    section_id=lines[item.line_start].section_id,
                    line_start=item.line_start,
                    line_end=item.line_end,
                    quote_exact=quote.exact,
                    quote_prefix=quote.prefix,
                    quote_suffix=quote.suffix,
                    quote_start=quote.start,
                    kind=item.kind,
                    stance=item.stance,
                    body=body,
                    proposed_text=proposed,
                    visibility=item.visibility,
                    language=item.language or "en",
                    channel=channel,
                    external_id=item.external_id,
                    content_hash=content_hash(body, proposed),
                    author=author,
                    organisation=organisation,
                    stakeholder_type=organisation.stakeholder_type,
                    country=organisation.country.code,
                    # Over the API the response is the receipt; the web sends an e-mail.
                    receipt_sent_at=None if channel == Comment.Channel.WEB else now,
                ),
            )
        )
    if atomic and any(result.status == "rejected" for result in results):
        raise BatchRejected(results)
    if accepted:
        numbers = _reserve_numbers(version, len(accepted))
        for (result, comment), number in zip(accepted, numbers, strict=True):
            comment.number = number
            comment.reference = result.reference = _reference(version, number)
            result.comment = comment
        Comment.objects.bulk_create([comment for _, comment in accepted], batch_size=500)
    if channel == Comment.Channel.WEB:
        for _, comment in accepted:
            enqueue_on_commit(tasks.send_comment_receipt, comment.pk)
    return results


def comment_submit(
    *,
    version: DraftVersion,
    author: User,
    data: CommentInput,
    channel: str = Comment.Channel.WEB,
    now: datetime | None = None,
) -> Comment:
    """Check and store one comment; from the web its receipt is mailed after commit.

    Refuses, naming the problem: a version that is not open or outside its period (by the
    server's clock), lines outside the version, a quote that is not the text at that place, an
    empty or oversized body, an organisation the author does not represent, an external id
    already used.
    """
    (result,) = comments_submit_batch(
        version=version, author=author, items=[data], channel=channel, now=now
    )
    if result.status == "duplicate":
        raise ApplicationError(
            f"A comment with external id '{data.external_id}' exists: {result.reference}.",
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
