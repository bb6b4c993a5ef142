from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The API plumbing as an app: it owns the table of idempotency records."""

    name = "haip_portal.api"
    label = "api"
    verbose_name = "API"
