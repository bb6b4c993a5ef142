"""Personal API tokens: stored as a lookup prefix and a SHA-256 hash, never in plaintext."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal access token for the REST API, with scopes and a mandatory expiry.

    The token reads ``haip_<prefix>_<secret>``. The prefix is stored to find the row; the whole
    token is stored only as its SHA-256 hash, so a copy of this table authenticates nobody.
    """

    class Scope(models.TextChoices):
        COMMENTS_READ = "comments:read", _("Read comments")
        COMMENTS_WRITE = "comments:write", _("Submit comments")
        DIGESTS_READ = "digests:read", _("Read synthesis digests")
        DIGESTS_WRITE = "digests:write", _("Ask for synthesis digests")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, to recognise it.")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField("SHA-256 of the token", max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    two_factor = models.BooleanField(
        "created with two-factor",
        default=False,
        editable=False,
        help_text="Created in a session that passed two-factor authentication: only such a "
        "token carries its owner's secretariat, staff or working-group powers.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (haip_{self.prefix}_…)"

    def status_at(self, moment: datetime) -> "ApiToken.Status":
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self) -> "ApiToken.Status":
        return self.status_at(timezone.now())

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def masked(self) -> str:
        """How the token is shown after creation: enough to recognise it, not to use it."""
        return f"haip_{self.prefix}_…"

    def has_scopes(self, scopes: "list[str] | tuple[str, ...] | set[str]") -> bool:
        return set(scopes) <= set(self.scopes)
