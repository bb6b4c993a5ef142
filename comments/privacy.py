"""The comments app's part of a person's data export (see ``accounts.privacy``)."""

from typing import Any

from accounts.models import User

from .models import Attachment, Comment, CommentRevision, Endorsement, Flag, Reply


def _comments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "reference": comment.reference,
            "draft_version": str(comment.version),
            "organisation": comment.organisation.name,
            "lines": [comment.line_start, comment.line_end],
            "quote": comment.quote_exact,
            "kind": comment.kind,
            "stance": comment.stance,
            "body": comment.body,
            "proposed_text": comment.proposed_text,
            "visibility": comment.visibility,
            "language": comment.language,
            "state": comment.state,
            "channel": comment.channel,
            "external_id": comment.external_id,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
        }
        for comment in Comment.objects.filter(author=user)
        .select_related("version__draft", "organisation")
        .order_by("created_at")
    ]


def _attachments(user: User) -> list[dict[str, Any]]:
    return [
        {
            "comment": attachment.comment.reference,
            "file_name": attachment.file_name,
            "kind": attachment.kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "created_at": attachment.created_at,
        }
        for attachment in Attachment.objects.filter(uploaded_by=user)
        .select_related("comment")
        .defer("text")
        .order_by("created_at")
    ]


def _comment_revisions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "comment": revision.comment.reference,
            "body": revision.body,
            "proposed_text": revision.proposed_text,
            "replaced_at": revision.replaced_at,
        }
        for revision in CommentRevision.objects.filter(replaced_by=user).select_related("comment")
    ]


def _replies(user: User) -> list[dict[str, Any]]:
    return [
        {"comment": reply.comment.reference, "body": reply.body, "created_at": reply.created_at}
        for reply in Reply.objects.filter(author=user).select_related("comment")
    ]


def _endorsements(user: User) -> list[dict[str, Any]]:
    return [
        {
            "comment": endorsement.comment.reference,
            "organisation": endorsement.organisation.name,
            "created_at": endorsement.created_at,
        }
        for endorsement in Endorsement.objects.filter(endorsed_by=user).select_related(
            "comment", "organisation"
        )
    ]


def _flags(user: User) -> list[dict[str, Any]]:
    return [
        {
            "comment": flag.comment.reference,
            "reason": flag.reason,
            "created_at": flag.created_at,
        }
        for flag in Flag.objects.filter(flagged_by=user).select_related("comment")
    ]


_SECTIONS = {
    "comments": _comments,
    "attachments": _attachments,
    "comment_revisions": _comment_revisions,
    "replies": _replies,
    "endorsements": _endorsements,
    "flags": _flags,
}


def comment_sections(user: User) -> dict[str, Any]:
    """Everything the person wrote or did on comments: one query per section."""
    return {name: section(user) for name, section in _SECTIONS.items()}
