"""The secretariat's answer to a comment."""

from django.conf import settings
from django.db import models

from drafts.models import DraftVersion

from .comments import Comment


class Disposition(models.Model):
    """The secretariat's answer to one comment, as in an ISO/W3C disposition of comments."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        PARTIALLY_ACCEPTED = "partially_accepted", "Partially accepted"
        REJECTED = "rejected", "Rejected"
        NOTED = "noted", "Noted"

    comment = models.OneToOneField(Comment, on_delete=models.PROTECT, related_name="disposition")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    response = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    addressed_in = models.ForeignKey(
        DraftVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.comment}: {self.get_outcome_display()}"
