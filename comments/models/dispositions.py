"""The secretariat's answer to a comment."""

from django.conf import settings
from django.db import models
from django.utils.translation import pgettext_lazy

from drafts.models import DraftVersion

from .comments import Comment


class Disposition(models.Model):
    """The secretariat's answer to one comment, as in an ISO/W3C disposition of comments."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("disposition", "Accepted")
        PARTIALLY_ACCEPTED = (
            "partially_accepted",
            pgettext_lazy("disposition", "Partially accepted"),
        )
        REJECTED = "rejected", pgettext_lazy("disposition", "Rejected")
        NOTED = "noted", pgettext_lazy("disposition", "Noted")

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


class CitedLines(models.Model):
    """Lines of the next version that answer a disposed comment: the change the secretariat
    points to when it says what it did. Only lines of a published (frozen) version are cited,
    so the numbers never move under the citation."""

    disposition = models.ForeignKey(
        Disposition, on_delete=models.CASCADE, related_name="cited_lines"
    )
    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["disposition", "line_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(line_start__gte=1, line_end__gte=models.F("line_start")),
                name="comments_cited_line_range",
            ),
        ]
        indexes = [models.Index(fields=["version", "line_start"])]

    def __str__(self) -> str:
        return f"{self.version} lines {self.line_start}–{self.line_end}"

    @property
    def label(self) -> str:
        if self.line_start == self.line_end:
            return str(self.line_start)
        return f"{self.line_start}–{self.line_end}"
