"""Comment counts kept as comments are filed and change, so that pages read them instead of
counting a version's comments on every request (docs/decisions/0016)."""

from django.db import models

from drafts.models import DraftVersion


class LineCommentCount(models.Model):
    """The comments that start on one line of a version, and their endorsements, by who may
    see them (withdrawn comments are in neither column).

    ``public``: published public comments, which everyone sees. ``restricted``: confidential
    or hidden ones, which the secretariat and the working groups see, and the filing
    organisation's members (their share is counted per request, over their own rows).
    """

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    line = models.PositiveIntegerField()
    public = models.IntegerField(default=0)
    restricted = models.IntegerField(default=0)
    public_endorsements = models.IntegerField(default=0)
    restricted_endorsements = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "line"], name="comments_line_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.version} L{self.line}: {self.public} + {self.restricted}"


class VersionCommentTotals(models.Model):
    """A version's comments by state, and the published ones with a disposition."""

    version = models.OneToOneField(
        DraftVersion, on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    published = models.IntegerField(default=0, help_text="Public and confidential.")
    published_public = models.IntegerField(default=0)
    hidden = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    answered = models.IntegerField(default=0, help_text="Published, with a disposition.")

    def __str__(self) -> str:
        return f"{self.version}: {self.published} published"

    @property
    def all(self) -> int:
        return self.published + self.hidden + self.withdrawn


class VersionCountryCount(models.Model):
    """A version's comments from one country (copied from the filing organisation), by who
    may see them: what a list's country filter offers without reading every comment."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2)
    public = models.IntegerField(default=0)
    restricted = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "country"], name="comments_country_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.country}: {self.public} + {self.restricted}"


class LineQuoteCount(models.Model):
    """A phrase quoted from one line of a version (in the master's words, or a rendering's:
    ``language``) by published comments, by who may see them: what the draft page marks in
    the text. ``quote_start`` is -1 for a quote without a position; ``quote_hash`` (MD5 of
    the phrase) keys the row, as a phrase may be too long for an index."""

    version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=12, blank=True)
    line = models.PositiveIntegerField()
    quote_start = models.IntegerField()
    quote_hash = models.CharField(max_length=32)
    quote_exact = models.TextField()
    public = models.IntegerField(default=0)
    restricted = models.IntegerField(default=0, help_text="Published confidential comments.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language", "line", "quote_start", "quote_hash"],
                name="comments_quote_count_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.version} L{self.line}: {self.quote_exact[:40]}"
