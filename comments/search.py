"""Full-text search over comments: their body, proposed text and the text extracted from
their attachments. On PostgreSQL a ``websearch`` query against the same ``to_tsvector``
expressions the GIN indexes of migration 0011 hold; elsewhere (SQLite, in development and
tests) every word must appear, case-insensitively, in one of those texts."""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from .models import Attachment, Comment

CONFIG = "english"
SORTS = {
    "line": ("line_start", "number"),
    "date": ("-created_at", "-number"),
    "endorsements": ("-endorsement_count", "line_start", "number"),
}
MAX_WORDS = 20


def comment_vector() -> SearchVector:
    return SearchVector("body", "proposed_text", config=CONFIG)


def attachment_vector() -> SearchVector:
    return SearchVector("text", config=CONFIG)


def search_condition(comments: QuerySet[Comment], q: str) -> tuple[QuerySet[Comment], Q]:
    """``comments`` ready to be searched, and the condition that keeps those matching ``q``."""
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=CONFIG, search_type="websearch")
        # Each side is answered once from its GIN index (a hashed subplan), then the list's
        # rows are kept by looking their id up in the two.
        texts = Comment.objects.annotate(search=comment_vector()).filter(search=query)
        papers = Attachment.objects.annotate(search=attachment_vector()).filter(search=query)
        return comments, Q(pk__in=texts.values("pk")) | Q(pk__in=papers.values("comment_id"))
    condition = Q()
    for word in q.split()[:MAX_WORDS]:
        word = word.strip("\"'")
        if not word or word in ("OR", "-"):
            continue
        in_papers = Attachment.objects.filter(text__icontains=word).values("comment_id")
        condition &= (
            Q(body__icontains=word) | Q(proposed_text__icontains=word) | Q(pk__in=in_papers)
        )
    return comments, condition
