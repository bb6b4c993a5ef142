"""What others add under a comment: replies, endorsements and flags."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts.models import Organisation
from haip_portal.models import TimeStampedModel

from .comments import Comment


class Reply(TimeStampedModel):
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="replies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField()
    state = models.CharField(
        max_length=10, choices=Comment.State.choices, default=Comment.State.PUBLISHED
    )

    class Meta:
        ordering = ["comment", "created_at"]

    @property
    def speaker(self) -> str:
        """Who the reply is shown as: the person's name (if they gave one) and the organisation
        they replied for; never their e-mail address."""
        organisation = self.organisation
        if organisation is None or (
            organisation.stakeholder_type == Organisation.StakeholderType.INDIVIDUAL
        ):
            return self.author.public_name
        if not self.author.is_active or not self.author.name:
            return organisation.name
        return f"{self.author.name}, {organisation.name}"


class Endorsement(models.Model):
    """An organisation co-signs a comment through one of its representatives."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="endorsements")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="endorsements"
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "organisation"], name="comments_endorse_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} endorses {self.comment}"


class Flag(models.Model):
    """A reader asks the secretariat to look at a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="flags")
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "flagged_by"],
                condition=Q(resolved_at__isnull=True),
                name="comments_flag_open_once",
            )
        ]

    def __str__(self) -> str:
        return f"Flag on {self.comment}"
