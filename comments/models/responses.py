"""Commenters answer the answer: the deadline the secretariat sets for responses to the
dispositions of a version, and each commenter's acceptance or objection."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from drafts.models import DraftVersion
from haip_portal.models import TimeStampedModel

from .dispositions import Disposition


class ResponsePeriod(TimeStampedModel):
    """Until when the commenters on ``version`` may accept or object to its dispositions."""

    version = models.OneToOneField(
        DraftVersion, on_delete=models.CASCADE, related_name="response_period"
    )
    closes_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Responses to {self.version} until {self.closes_at:%Y-%m-%d %H:%M}"


class DispositionResponse(TimeStampedModel):
    """One person's answer to a disposition: accepted, or objected to with a reason. A person
    answers once per disposition and may change their answer until the deadline."""

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        OBJECTED = "objected", _("Objected")

    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(max_length=10, choices=Answer.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["disposition", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["disposition", "user"], name="comments_response_once_per_person"
            ),
            models.CheckConstraint(
                condition=~models.Q(answer="objected", reason=""),
                name="comments_objection_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["answer", "disposition"])]

    def __str__(self) -> str:
        return f"{self.disposition.comment_id}: {self.answer}"
