from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from . import services
from .models import ApiToken, AuditEntry, Membership, Organisation, User, WorkingGroup


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal information", {"fields": ("name",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


# --- API tokens -------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Support view of API tokens: who has which, and a way to revoke them. Tokens are created
    by their owners only; the hash is never shown."""

    list_display = [
        "name",
        "user",
        "masked",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "status_label",
    ]
    list_select_related = ["user"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at"]
    search_fields = ["name", "prefix", "user__email"]
    exclude = ["key_hash"]
    # Nothing is edited here: revoking (the action) is the only change support makes.
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    @admin.display(description="Token")
    def masked(self, obj: ApiToken) -> str:
        return obj.masked

    @admin.display(description="Status")
    def status_label(self, obj: ApiToken) -> str:
        return str(obj.status.label)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True).select_related("user"):
            services.api_token_revoke(user=token.user, token_id=token.pk)
            revoked += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", revoked)
            % {"count": revoked},
            level=messages.SUCCESS,
        )


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    extra = 0
    fields = ["user", "role", "status", "decided_by", "decided_at", "reason"]
    readonly_fields = ["status", "decided_by", "decided_at", "reason"]
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    """Verification goes through the secretariat's queue (and the audit trail), not here."""

    list_display = ["name", "stakeholder_type", "country", "email_domain", "status", "created_at"]
    list_filter = ["status", "stakeholder_type", "country"]
    # A website typed without a scheme is taken as https://, as on the registration form.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["name", "email_domain", "slug", "transparency_register_id"]
    readonly_fields = [
        "status",
        "status_reason",
        "verified_by",
        "verified_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "status", "decided_at"]
    list_filter = ["status", "role"]
    search_fields = ["user__email", "organisation__name"]
    list_select_related = ["user", "organisation"]
    raw_id_fields = ["user", "organisation"]
    readonly_fields = ["status", "decided_by", "decided_at", "reason", "created_at", "updated_at"]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "members":
            kwargs["help_text"] = (
                "Members read every confidential comment of the sections the group follows and "
                "ask for digests, only while signed in with two-factor authentication; until "
                "they set it up, every page tells them how."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail is append-only: readable here, never added to, changed or deleted."""

    list_display = ["created_at", "actor", "action", "target_label", "reason"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_label", "target_id", "reason", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
