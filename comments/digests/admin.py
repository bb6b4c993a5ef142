from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comments.admin import RecordAdmin

from .models import Digest, DigestExport


class DigestExportInline(admin.TabularInline):
    model = DigestExport
    extra = 0
    can_delete = False
    fields = ("format", "file", "size")
    readonly_fields = ("format", "file", "size")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Digest)
class DigestAdmin(RecordAdmin):
    """Support view of digests: their status, timings and errors; built by the worker."""

    list_display = ["reference", "version", "audience", "status", "progress", "created_at"]
    list_filter = ["status", "audience", "trigger"]
    list_select_related = ["version__draft"]
    exclude = ["data"]
    inlines = [DigestExportInline]
