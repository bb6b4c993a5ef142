from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    CarriedComment,
    Comment,
    CommentRevision,
    Disposition,
    Endorsement,
    Flag,
    Reply,
)


class RecordAdmin(admin.ModelAdmin):
    """Support view of the comment record: moderation and dispositions go through the
    secretariat's pages (and the audit trail); nothing is ever deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(RecordAdmin):
    list_display = ["reference", "organisation", "line_start", "kind", "visibility", "state"]
    list_filter = ["state", "visibility", "kind", "channel", "version__draft"]
    search_fields = ["reference", "body", "organisation__name", "author__email", "external_id"]
    list_select_related = ["organisation"]


@admin.register(CommentRevision)
class CommentRevisionAdmin(RecordAdmin):
    list_display = ["comment", "replaced_at", "replaced_by"]
    list_select_related = ["comment", "replaced_by"]


@admin.register(Reply)
class ReplyAdmin(RecordAdmin):
    list_display = ["comment", "author", "created_at", "state"]
    list_select_related = ["comment", "author"]


@admin.register(Endorsement)
class EndorsementAdmin(RecordAdmin):
    list_display = ["comment", "organisation", "endorsed_by", "created_at"]
    list_select_related = ["comment", "organisation", "endorsed_by"]


@admin.register(Flag)
class FlagAdmin(RecordAdmin):
    list_display = ["comment", "flagged_by", "created_at", "resolved_at"]
    list_select_related = ["comment", "flagged_by"]


@admin.register(Disposition)
class DispositionAdmin(RecordAdmin):
    list_display = ["comment", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    list_select_related = ["comment", "decided_by"]


@admin.register(CarriedComment)
class CarriedCommentAdmin(RecordAdmin):
    list_display = ["comment", "version", "outcome", "score", "line_start", "review"]
    list_filter = ["outcome", "review", "version__draft"]
    list_select_related = ["comment", "version__draft"]
