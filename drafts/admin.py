from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from haip_portal.exceptions import ApplicationError

from . import services
from .models import Draft, DraftVersion, Line, Rendering, RenderingLine, Section


@admin.register(Draft)
class DraftAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "reference_prefix", "created_at"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(DraftVersion)
class DraftVersionAdmin(admin.ModelAdmin):
    """Support view of versions. Text changes go through the import service; a published
    version is read-only here and cannot be deleted."""

    list_display = ["draft", "number", "status", "line_count", "opens_at", "closes_at"]
    list_filter = ["status", "draft"]
    list_select_related = ["draft"]
    readonly_fields = [
        "line_count",
        "published_at",
        "published_by",
        "closed_at",
        "created_by",
        "created_at",
        "updated_at",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            return [field.name for field in obj._meta.fields]
        fields = list(super().get_readonly_fields(request, obj))
        # Status and period change only through publish/close on the secretariat's desk.
        return [*fields, "status", "opens_at", "closes_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: DraftVersion, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
            super().save_model(request, obj, form, change)
            services.version_update_text(version=obj, source=obj.source)
            return
        try:
            services.version_update_text(
                version=obj, source=obj.source, changelog=obj.changelog, language=obj.language
            )
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)


class _ReadOnlyTextAdmin(admin.ModelAdmin):
    """Sections and lines come from the import service only; here they are read, never written."""

    list_select_related = ["version__draft"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Section)
class SectionAdmin(_ReadOnlyTextAdmin):
    list_display = ["version", "position", "key", "heading", "line_start", "line_end"]
    list_filter = ["version__draft"]
    search_fields = ["key", "heading"]


@admin.register(Line)
class LineAdmin(_ReadOnlyTextAdmin):
    list_display = ["version", "number", "kind", "text"]
    list_filter = ["version__draft", "kind"]
    search_fields = ["text"]
    list_select_related = ["version__draft"]


@admin.register(Rendering)
class RenderingAdmin(admin.ModelAdmin):
    """Support view of renderings. Text goes through the attach service, which checks that it
    follows the master; a published rendering is read-only here and cannot be deleted."""

    list_display = ["version", "language", "status", "published_at"]
    list_filter = ["status", "language", "version__draft"]
    list_select_related = ["version__draft"]
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and obj.is_frozen:
            return [field.name for field in obj._meta.fields]
        if obj is not None:
            return [*self.readonly_fields, "version", "language"]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Rendering, form: Any, change: bool) -> None:
        try:
            saved = services.rendering_attach(
                version=obj.version,
                language=obj.language,
                source=obj.source,
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            self.message_user(request, error.message, level=messages.ERROR)
        else:
            obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Rendering) -> None:
        services.rendering_remove(rendering=obj)


@admin.register(RenderingLine)
class RenderingLineAdmin(_ReadOnlyTextAdmin):
    list_display = ["rendering", "number", "kind", "text"]
    list_filter = ["rendering__language", "kind"]
    search_fields = ["text"]
    list_select_related = ["rendering__version__draft"]
