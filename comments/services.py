"""Every write to comments: filing, editing, withdrawing, replying, endorsing, flagging,
moderating and disposing. Each function is one transaction; notifications are queued after
commit and a failure to queue them is logged, never raised (``robust=True``): the comment is
already stored, and the beat task ``send_pending_receipts`` sends any receipt that did not go
out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import permissions
from accounts import services as account_services
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Line
from haip_portal.exceptions import ApplicationError, NotFound
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text

from . import tasks
from .anchoring import AnchorError, Quote, check_line_range, content_hash, locate_quote
from .inputs import (
    MAX_BODY_LENGTH,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_LANGUAGE_LENGTH,
    MAX_REPLY_LENGTH,
    CommentInput,
)
from .models import (
    Comment,
    CommentRevision,
    Disposition,
    Endorsement,
    Flag,
    Reply,
    VersionCommentCounter,
)


def _refuse_unless_open(version: DraftVersion, now: datetime) -> None:
    if version.status != DraftVersion.Status.OPEN:
        raise ApplicationError(
            f"{version} is {version.get_status_display().lower()}: it takes no comments."
        )
    if version.opens_at and now < version.opens_at:
        raise ApplicationError(f"The comment period of {version} has not opened yet.")
    if version.closes_at and now >= version.closes_at:
        raise ApplicationError(f"The comment period of {version} has closed.")


def _check_text(data: CommentInput) -> tuple[str, str]:
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


def _check_anchor(data: CommentInput, version: DraftVersion, lines: dict[int, Line]) -> None:
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
    _refuse_unless_open(version, now)
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
            body, proposed = _check_text(item)
            _check_anchor(item, version, lines)
            if item.organisation is None:
                personal = personal or account_services.organisation_register_individual(
                    user=author
                )
                organisation = personal
            else:
                organisation = _may_file_for(author, organisations.get(item.organisation.pk))
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


def _may_file_for(author: User, organisation: Organisation | None) -> Organisation:
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


def _refuse_unless_author(comment: Comment, user: User, action: str) -> None:
    if comment.author_id != user.pk:
        raise ApplicationError(f"Only the comment's author can {action} it.")


@transaction.atomic
def comment_edit(
    *,
    comment: Comment,
    user: User,
    body: str,
    proposed_text: str,
    kind: str,
    stance: str,
    now: datetime | None = None,
) -> Comment:
    """Change a comment while its version's period runs; the previous text is kept."""
    comment = Comment.objects.select_for_update().select_related("version").get(pk=comment.pk)
    _refuse_unless_author(comment, user, "edit")
    if comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(f"{comment.reference} is {comment.get_state_display().lower()}.")
    _refuse_unless_open(comment.version, now or timezone.now())
    data = CommentInput(
        line_start=comment.line_start,
        line_end=comment.line_end,
        body=body,
        proposed_text=proposed_text,
        kind=kind,
        stance=stance,
        visibility=comment.visibility,
    )
    new_body, new_proposed = _check_text(data)
    CommentRevision.objects.create(
        comment=comment,
        kind=comment.kind,
        stance=comment.stance,
        body=comment.body,
        proposed_text=comment.proposed_text,
        replaced_by=user,
    )
    comment.body, comment.proposed_text = new_body, new_proposed
    comment.kind, comment.stance = kind, stance
    comment.content_hash = content_hash(new_body, new_proposed)
    comment.edited_at = now or timezone.now()
    comment.save()
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, user: User) -> Comment:
    """The author takes a comment back; it stays in the record as withdrawn."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    _refuse_unless_author(comment, user, "withdraw")
    if comment.state == Comment.State.WITHDRAWN:
        return comment
    comment.state = Comment.State.WITHDRAWN
    comment.save(update_fields=["state", "updated_at"])
    account_services.audit_record(actor=user, action="comment.withdraw", target=comment)
    return comment


@transaction.atomic
def reply_create(
    *, comment: Comment, author: User, body: str, parent_id: int | None = None
) -> Reply:
    """Add a reply under a comment the author may see, or under one of its replies
    (``parent_id``); the comment's author is told after commit. A parent that is not a reply
    to this comment is not found (404), as a comment the author may not see."""
    parent = None
    if parent_id is not None:
        parent = Reply.objects.filter(pk=parent_id, comment=comment).first()
        if parent is None:
            raise NotFound("No such reply.")
    if not permissions.can_see_comment(author, comment):
        raise NotFound("No such comment.")
    if comment.state != Comment.State.PUBLISHED:
        raise ApplicationError(f"{comment.reference} takes no replies.")
    check_text(body, field="body")
    body = body.strip()
    if not body or len(body) > MAX_REPLY_LENGTH:
        raise ApplicationError(f"A reply needs 1 to {MAX_REPLY_LENGTH:,} characters.", field="body")
    reply = Reply.objects.create(comment=comment, parent=parent, author=author, body=body)
    if comment.author_id != author.pk:
        enqueue_on_commit(tasks.send_reply_notice, reply.pk)
    return reply


@transaction.atomic
def endorsement_create(*, comment: Comment, user: User, organisation: Organisation) -> Endorsement:
    """An organisation co-signs a public comment of another organisation."""
    _may_file_for(user, Organisation.objects.filter(pk=organisation.pk).first())
    if comment.is_confidential or comment.state != Comment.State.PUBLISHED:
        raise ApplicationError("Only published public comments can be endorsed.")
    if comment.organisation_id == organisation.pk:
        raise ApplicationError(f"{organisation.name} filed this comment already.")
    endorsement, created = Endorsement.objects.get_or_create(
        comment=comment, organisation=organisation, defaults={"endorsed_by": user}
    )
    if not created:
        raise ApplicationError(f"{organisation.name} has already endorsed {comment.reference}.")
    return endorsement


@transaction.atomic
def flag_create(*, comment: Comment, user: User, reason: str) -> Flag:
    """Ask the secretariat to review a comment."""
    if not permissions.can_see_comment(user, comment):
        raise NotFound("No such comment.")
    check_text(reason, field="reason")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Say why the comment should be reviewed.", field="reason")
    if Flag.objects.filter(comment=comment, flagged_by=user, resolved_at__isnull=True).exists():
        raise ApplicationError("You have already flagged this comment.")
    return Flag.objects.create(comment=comment, flagged_by=user, reason=reason[:2000])


def _moderate(
    *, comment: Comment, moderator: User, reason: str, to_state: str, action: str
) -> Comment:
    if not permissions.can_moderate(moderator):
        raise ApplicationError("Only the secretariat moderates comments.")
    check_text(reason, field="reason")
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Give the reason; the author is told.", field="reason")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    allowed_from = (
        Comment.State.PUBLISHED if to_state == Comment.State.HIDDEN else Comment.State.HIDDEN
    )
    if comment.state != allowed_from:
        raise ApplicationError(f"{comment.reference} is {comment.get_state_display().lower()}.")
    comment.state = to_state
    comment.state_reason = reason
    comment.save(update_fields=["state", "state_reason", "updated_at"])
    Flag.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=moderator
    )
    account_services.audit_record(actor=moderator, action=action, target=comment, reason=reason)
    enqueue_on_commit(tasks.send_moderation_notice, comment.pk, action)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    return _moderate(
        comment=comment,
        moderator=moderator,
        reason=reason,
        to_state=Comment.State.HIDDEN,
        action="comment.hide",
    )


@transaction.atomic
def comment_restore(*, comment: Comment, moderator: User, reason: str) -> Comment:
    return _moderate(
        comment=comment,
        moderator=moderator,
        reason=reason,
        to_state=Comment.State.PUBLISHED,
        action="comment.restore",
    )


@transaction.atomic
def comment_dispose(
    *,
    comments: Iterable[Comment],
    user: User,
    outcome: str,
    response: str,
    addressed_in: DraftVersion | None = None,
) -> list[Disposition]:
    """Answer one or many comments with the same outcome and response."""
    if not permissions.can_dispose(user):
        raise ApplicationError("Only the secretariat disposes comments.")
    if outcome not in Disposition.Outcome.values:
        raise ApplicationError(f"Unknown outcome '{outcome}'.", field="outcome")
    check_text(response, field="response")
    response = response.strip()
    if not response:
        raise ApplicationError("Write the response the commenters will read.", field="response")
    now = timezone.now()
    dispositions = []
    for comment in comments:
        disposition, _ = Disposition.objects.update_or_create(
            comment=comment,
            defaults={
                "outcome": outcome,
                "response": response,
                "decided_by": user,
                "decided_at": now,
                "addressed_in": addressed_in,
            },
        )
        account_services.audit_record(
            actor=user, action="comment.dispose", target=comment, data={"outcome": outcome}
        )
        dispositions.append(disposition)
    if not dispositions:
        raise ApplicationError("Choose at least one comment.", field="comments")
    for disposition in dispositions:
        enqueue_on_commit(tasks.send_disposition_notice, disposition.comment_id)
    return dispositions
