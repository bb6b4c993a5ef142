"""The comment itself: its anchor, visibility and state, its revisions, and the per-version
counter that numbers it."""

from typing import Self

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.models import Organisation, User
from drafts.models import DraftVersion, Section
from haip_portal.models import TimeStampedModel


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(self, user: User | AnonymousUser) -> Self:
        """The comments the user may know exist; for anyone else they do not exist at all.

        The rule is :func:`accounts.permissions.can_see_comment`'s, as a query: its twin
        :func:`accounts.permissions.comments_seen_by` is written beside it.
        """
        seen = permissions.comments_seen_by(user)
        return self if seen is None else self.filter(seen)


class Comment(TimeStampedModel):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        TECHNICAL = "technical", _("Technical")
        EDITORIAL = "editorial", _("Editorial")

    class Stance(models.TextChoices):
        SUPPORT = "support", _("Support")
        OPPOSE = "oppose", _("Oppose")
        AMEND = "amend", _("Amend")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        CONFIDENTIAL = "confidential", _("Confidential")

    class State(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by moderation")
        WITHDRAWN = "withdrawn", _("Withdrawn by its author")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", "API"
        BULK = "bulk", _("Bulk upload")

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="comments")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="comments")
    number = models.PositiveIntegerField(help_text="Sequence within the version.")
    reference = models.CharField(max_length=40, unique=True)
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()
    quote_exact = models.TextField(blank=True)
    quote_prefix = models.CharField(max_length=64, blank=True)
    quote_suffix = models.CharField(max_length=64, blank=True)
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_language = models.CharField(
        max_length=12,
        blank=True,
        help_text="The language of the quote when it was taken from a rendering of the "
        "version (the line numbers stay the master's); empty for the master's text.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.GENERAL)
    stance = models.CharField(max_length=10, choices=Stance.choices, blank=True)
    body = models.TextField()
    proposed_text = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    language = models.CharField(
        max_length=12, default="en", help_text="Detected at filing; the author may correct it."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PUBLISHED)
    state_reason = models.TextField(blank=True)
    channel = models.CharField(max_length=6, choices=Channel.choices, default=Channel.WEB)
    external_id = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="comments"
    )
    stakeholder_type = models.CharField(
        max_length=32,
        choices=Organisation.StakeholderType.choices,
        help_text="Copied from the organisation when the comment was filed.",
    )
    country = models.CharField(max_length=2, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="comments_unique_number"),
            models.UniqueConstraint(
                fields=["version", "author", "external_id"],
                condition=~Q(external_id=""),
                name="comments_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(line_end__gte=models.F("line_start")) & Q(line_start__gte=1),
                name="comments_line_range_ordered",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="comments_body_not_empty"),
        ]
        indexes = [
            models.Index(fields=["version", "state", "line_start"]),
            models.Index(fields=["version", "updated_at"]),
            # The lists' default order (by line), read a page at a time.
            models.Index(fields=["version", "line_start", "number"]),
            # What an organisation's members see beyond the public comments (their own
            # confidential and hidden ones), counted per request for the draft page's gutter.
            models.Index(
                fields=["organisation", "version", "line_start"],
                condition=Q(state="hidden") | Q(state="published", visibility="confidential"),
                name="comments_restricted_by_org",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("comments:comment_detail", kwargs={"reference": self.reference})

    @property
    def is_confidential(self) -> bool:
        return self.visibility == self.Visibility.CONFIDENTIAL


class CommentRevision(models.Model):
    """A comment's text before one of its author's edits; every edit is kept."""

    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="revisions")
    kind = models.CharField(max_length=10, choices=Comment.Kind.choices)
    stance = models.CharField(max_length=10, choices=Comment.Stance.choices, blank=True)
    body = models.TextField()
    proposed_text = models.TextField(blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["comment", "replaced_at"]

    def __str__(self) -> str:
        return f"{self.comment} before {self.replaced_at:%Y-%m-%d %H:%M}"


class VersionCommentCounter(models.Model):
    """The last comment number given in a version; locked to hand out the next ones."""

    version = models.OneToOneField(
        DraftVersion, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.version}: {self.last_number}"
