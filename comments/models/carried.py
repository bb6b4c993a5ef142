"""Comments carried to the next version, and the one e-mail that tells their authors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from drafts.models import DraftVersion
from haip_portal.models import TimeStampedModel

from .comments import Comment


class CarriedComment(TimeStampedModel):
    """A comment of the previous version re-anchored on the text of ``version``.

    Written by ``comments.services.carry`` when a version is prepared and again when it is
    published (``comments/reanchor/`` decides the outcome). ``basis`` fingerprints the texts
    it was computed on: a re-run on the same texts keeps the secretariat's review, a re-run on
    changed texts computes again and asks again.
    """

    class Outcome(models.TextChoices):
        KEPT = "kept", _("Kept")
        CHANGED = "changed", _("Text rewritten")
        REMOVED = "removed", _("Text removed")

    class Review(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Carried without review")
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Confirmed by the secretariat")
        REPOINTED = "repointed", _("Re-pointed by the secretariat")
        ANSWERED_BY_REMOVAL = "answered_by_removal", _("Answered by removal")

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="carried")
    version = models.ForeignKey(
        DraftVersion, on_delete=models.CASCADE, related_name="carried_comments"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    score = models.FloatField(help_text="How well the new text holds the anchored words, 0–1.")
    section_key = models.CharField(max_length=64, blank=True)
    line_start = models.PositiveIntegerField(null=True, blank=True)
    line_end = models.PositiveIntegerField(null=True, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    basis = models.CharField(max_length=64, help_text="Fingerprint of the texts compared.")
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.NOT_NEEDED)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "line_start", "comment"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "version"], name="comments_carry_once"),
            models.CheckConstraint(
                condition=Q(line_start__isnull=True, line_end__isnull=True)
                | Q(line_start__gte=1, line_end__gte=models.F("line_start")),
                name="comments_carry_line_range",
            ),
        ]
        indexes = [models.Index(fields=["version", "review"])]

    def __str__(self) -> str:
        return f"{self.comment} → {self.version}: {self.outcome}"

    @property
    def is_decided(self) -> bool:
        return self.review in (
            self.Review.CONFIRMED,
            self.Review.REPOINTED,
            self.Review.ANSWERED_BY_REMOVAL,
        )


class VersionNotice(models.Model):
    """The one e-mail a person gets when a version follows the one they commented on: what
    became of their comments. Its row is written with the sending, so it goes out once."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="comments_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} notice to {self.user}"
