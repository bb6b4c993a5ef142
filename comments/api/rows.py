"""The comment list's fast path: ``CommentOutputSerializer``'s output written from value rows.

A page of 50 comments through CommentOutputSerializer built ~250 model instances (comment,
section, organisation, disposition, version, draft) and ran ~1,300 field objects; the list
reads plain rows instead and writes the same dicts. The schema still comes from
CommentOutputSerializer, and tests/comments/test_api.py checks that both give the same JSON.
"""

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from drafts.models import DraftVersion

from ..models import Comment

COMMENT_ROW_FIELDS = (
    "pk",  # the cursor's position
    "reference",
    "section__key",
    "line_start",
    "line_end",
    "quote_exact",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "quote_language",
    "version__language",
    "kind",
    "stance",
    "body",
    "proposed_text",
    "visibility",
    "language",
    "state",
    "channel",
    "external_id",
    "author_id",
    "organisation__slug",
    "organisation__name",
    "stakeholder_type",
    "country",
    "endorsement_count",
    "disposition__outcome",
    "disposition__response",
    "disposition__decided_at",
    "created_at",
    "updated_at",
    "edited_at",
)
_DATETIME = serializers.DateTimeField()
_URL_PLACEHOLDER = "REFERENCE"
_UNQUOTED = re.compile(r"[A-Za-z0-9._~-]+")  # what reverse() leaves as it is in a path


def comment_rows(comments: QuerySet[Comment]) -> QuerySet[Comment, dict[str, Any]]:
    """The columns :func:`comment_rows_output` needs, one dict per comment.

    ``comments`` must carry ``endorsement_count`` (as ``selectors.version_comments`` does).
    """
    return comments.values(*COMMENT_ROW_FIELDS)


def _datetime_text() -> Callable[[datetime], str]:
    """``DateTimeField().to_representation``, with what it looks up for every value looked up
    once: for the default ISO 8601 format, the datetime in the current time zone, ``Z`` for
    UTC (a page has ~150 datetimes; DRF's own call was most of the time spent writing it)."""
    if not settings.USE_TZ or str(api_settings.DATETIME_FORMAT).lower() != ISO_8601:
        return _DATETIME.to_representation
    zone = timezone.get_current_timezone()

    def text(value: datetime) -> str:
        if value.tzinfo is None:
            return _DATETIME.to_representation(value)
        iso = value.astimezone(zone).isoformat()
        return iso[:-6] + "Z" if iso.endswith("+00:00") else iso

    return text


def _row_quote(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row["quote_exact"]:
        return None
    return {
        "exact": row["quote_exact"],
        "prefix": row["quote_prefix"],
        "suffix": row["quote_suffix"],
        "start": row["quote_start"],
        "language": row["quote_language"] or row["version__language"],
    }


def _row_disposition(
    row: dict[str, Any], datetime_text: Callable[[datetime], str]
) -> dict[str, Any] | None:
    if row["disposition__outcome"] is None:
        return None
    return {
        "outcome": row["disposition__outcome"],
        "response": row["disposition__response"],
        "decided_at": datetime_text(row["disposition__decided_at"]),
    }


def comment_rows_output(
    rows: Iterable[dict[str, Any]], *, version: DraftVersion, viewer: Any
) -> list[dict[str, Any]]:
    """What ``CommentOutputSerializer(many=True)`` returns for these comments of ``version``,
    seen by ``viewer``, built from :func:`comment_rows` without model instances."""
    datetime_text = _datetime_text()
    url_pattern = reverse("comments:comment_detail", kwargs={"reference": _URL_PLACEHOLDER})
    url_head, _, url_tail = url_pattern.partition(_URL_PLACEHOLDER)
    draft, number, viewer_pk = version.draft.slug, version.number, viewer.pk
    output = []
    for row in rows:
        reference = row["reference"]
        if _UNQUOTED.fullmatch(reference):
            url = f"{url_head}{reference}{url_tail}"
        else:
            url = reverse("comments:comment_detail", kwargs={"reference": reference})
        edited_at = row["edited_at"]
        output.append(
            {
                "reference": reference,
                "url": url,
                "draft": draft,
                "version": number,
                "section": row["section__key"],
                "line_start": row["line_start"],
                "line_end": row["line_end"],
                "quote": _row_quote(row),
                "kind": row["kind"],
                "stance": row["stance"],
                "body": row["body"],
                "proposed_text": row["proposed_text"],
                "visibility": row["visibility"],
                "language": row["language"],
                "state": row["state"],
                "channel": row["channel"],
                # Shown to the author only: it is their client's own identifier.
                "external_id": row["external_id"] if row["author_id"] == viewer_pk else None,
                "organisation": {
                    "slug": row["organisation__slug"],
                    "name": row["organisation__name"],
                },
                "stakeholder_type": row["stakeholder_type"],
                "country": row["country"],
                "endorsements": row["endorsement_count"],
                "disposition": _row_disposition(row, datetime_text),
                "created_at": datetime_text(row["created_at"]),
                "updated_at": datetime_text(row["updated_at"]),
                "edited_at": datetime_text(edited_at) if edited_at is not None else None,
            }
        )
    return output
