from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the portal's rule for who may use it (``INSTALLED_APPS`` names
    this in place of ``django.contrib.admin``)."""

    default = False
    default_site = "accounts.admin_site.PortalAdminSite"
