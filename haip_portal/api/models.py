"""The one table of the API plumbing: the answers kept for retries (``Idempotency-Key``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """The first answer to an API request sent with an ``Idempotency-Key``, replayed to retries.

    Kept at least until the comment period of the version it concerns has closed. While the
    request runs, the attempt running it holds a lease (``lease_token`` until
    ``lease_expires_at``); after it, a retry may take the key over (``idempotency.py``).

    The table keeps the name and constraint it had when the comments app held the model: it
    moved without its rows being touched (migration ``api/0001``).
    """

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    lease_token = models.CharField(
        max_length=32, blank=True, help_text="The attempt that holds the key while it runs."
    )
    lease_expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="After this, a retry may take the key over (none: it may at once).",
    )

    class Meta:
        db_table = "comments_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="comments_idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
