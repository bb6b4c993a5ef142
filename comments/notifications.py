"""The e-mails of the comments app, rendered from templates and sent once each.

A receipt is marked sent in the same row as the comment, so the beat task that catches up
after a broker or mail outage never sends it twice.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.languages import speaking_to
from haip_portal.site import site_url

from .models import (
    CarriedComment,
    CitedLines,
    Comment,
    Disposition,
    Reply,
    ResponsePeriod,
    VersionNotice,
)

if TYPE_CHECKING:
    from accounts.models import User


def _send(*, template: str, to: "User", subject: str, context: dict) -> None:
    """Render and send one e-mail in the recipient's language; ``subject`` is a message of
    the catalogues (marked with ``gettext_noop``) filled from ``context``."""
    with speaking_to(to):
        body = render_to_string(f"comments/email/{template}.txt", context)
        title = _(subject) % {key: str(value) for key, value in context.items()}
        prefix = _("[HAIP Consultation]")
    send_mail(
        subject=f"{prefix} {title}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[to.email],
    )


def send_receipt(comment_id: int) -> None:
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .select_related("author", "organisation", "version__draft", "section")
            .get(pk=comment_id)
        )
        if comment.receipt_sent_at is not None:
            return
        _send(
            template="receipt",
            to=comment.author,
            subject=gettext_noop("Comment received: %(reference)s"),
            context={
                "comment": comment,
                "reference": comment.reference,
                "url": site_url(comment.get_absolute_url()),
            },
        )
        comment.receipt_sent_at = timezone.now()
        comment.save(update_fields=["receipt_sent_at"])


def receipts_pending(*, older_than: datetime) -> list[int]:
    return list(
        Comment.objects.filter(receipt_sent_at__isnull=True, created_at__lt=older_than)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def send_reply_notice(reply_id: int) -> None:
    reply = Reply.objects.select_related("comment__author", "author").get(pk=reply_id)
    comment = reply.comment
    _send(
        template="reply",
        to=comment.author,
        subject=gettext_noop("New reply to %(reference)s"),
        context={
            "comment": comment,
            "reference": comment.reference,
            "reply": reply,
            "url": site_url(comment.get_absolute_url()),
        },
    )


def send_moderation_notice(comment_id: int, action: str) -> None:
    comment = Comment.objects.select_related("author").get(pk=comment_id)
    hidden = action == "comment.hide"
    _send(
        template="moderation",
        to=comment.author,
        subject=(
            gettext_noop("Your comment %(reference)s was hidden")
            if hidden
            else gettext_noop("Your comment %(reference)s was restored")
        ),
        context={
            "comment": comment,
            "reference": comment.reference,
            "hidden": hidden,
            "url": site_url(comment.get_absolute_url()),
        },
    )


def send_disposition_notice(comment_id: int) -> None:
    """The answer, the lines of the next version it cites, and until when the author may
    accept it or object on the comment's page."""
    comment = Comment.objects.select_related("author", "disposition").get(pk=comment_id)
    period = ResponsePeriod.objects.filter(version_id=comment.version_id).first()
    _send(
        template="disposition",
        to=comment.author,
        subject=gettext_noop("The secretariat answered %(reference)s"),
        context={
            "comment": comment,
            "reference": comment.reference,
            "disposition": comment.disposition,
            "cited_lines": list(
                CitedLines.objects.filter(disposition=comment.disposition).select_related("version")
            ),
            "responses_close_at": period.closes_at if period else None,
            "url": site_url(comment.get_absolute_url()),
        },
    )


# --- A new version: one e-mail per person who commented on the one before ------------------


def version_notice_recipients(version_id: int) -> list[int]:
    """Everyone with a comment (not withdrawn) carried to this version who wants the e-mail."""
    return list(
        CarriedComment.objects.filter(
            version_id=version_id, comment__author__notify_new_versions=True
        )
        .exclude(comment__state=Comment.State.WITHDRAWN)
        .exclude(comment__author__is_active=False)
        .values_list("comment__author_id", flat=True)
        .distinct()
        .order_by("comment__author_id")
    )


def send_version_notice(version_id: int, user_id: int) -> None:
    """Tell one person what became of their comments in the version; at most once."""
    from accounts.models import User
    from accounts.services import notices_token
    from drafts.models import DraftVersion

    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if (
            not user.notify_new_versions
            or VersionNotice.objects.filter(version_id=version_id, user=user).exists()
        ):
            return
        version = DraftVersion.objects.select_related("draft").get(pk=version_id)
        carried = list(
            CarriedComment.objects.filter(version=version, comment__author=user)
            .exclude(comment__state=Comment.State.WITHDRAWN)
            .select_related("comment__disposition")
        )
        if not carried:
            return
        _send(
            template="version_published",
            to=user,
            subject=gettext_noop("%(version)s: what became of your comments"),
            context={
                "version": version,
                "total": len(carried),
                "outcomes": _counted(carried, CarriedComment.Outcome.choices, "outcome"),
                "answers": _answers(carried),
                "url": site_url(version.get_absolute_url()) + "#carried",
                "stop_url": site_url("/account/notices/?token=" + notices_token(user)),
            },
        )
        VersionNotice.objects.create(version=version, user=user)


def _counted(rows: list, choices: list, name: str) -> list[tuple[str | Promise, int]]:
    values = [getattr(row, name) for row in rows]
    return [(label, values.count(value)) for value, label in choices if value in values]


def _answers(carried: list[CarriedComment]) -> list[tuple[str | Promise, int]]:
    dispositions = [
        row.comment.disposition for row in carried if hasattr(row.comment, "disposition")
    ]
    counted = _counted(dispositions, Disposition.Outcome.choices, "outcome")
    waiting = len(carried) - len(dispositions)
    return counted + ([(gettext_lazy("Not answered yet"), waiting)] if waiting else [])
