from django.contrib import admin
from django.http import HttpRequest

from . import permissions


class PortalAdminSite(admin.AdminSite):
    """The admin for support staff: only with two-factor authentication
    (:func:`accounts.permissions.can_use_admin`), whatever the staff flag alone says."""

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.can_use_admin(request.user)
