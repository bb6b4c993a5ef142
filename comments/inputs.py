"""What a comment submission carries, from a form, the API or a bulk file, and its limits.

Plain data with no dependencies on the rest of the app, so the services, the API serializers
and the bulk-file reader can all share it.
"""

from dataclasses import dataclass

from accounts.models import Organisation

from .anchoring import Quote
from .models import Comment

MAX_BODY_LENGTH = 20_000
MAX_REPLY_LENGTH = 10_000
NON_FIELD = "non_field_errors"
MAX_EXTERNAL_ID_LENGTH = 100
MAX_LANGUAGE_LENGTH = 12


@dataclass(frozen=True, slots=True)
class CommentInput:
    """What a stakeholder submits, from a form, the API or one row of a bulk file."""

    line_start: int
    line_end: int
    body: str
    kind: str = Comment.Kind.GENERAL
    stance: str = ""
    proposed_text: str = ""
    visibility: str = Comment.Visibility.PUBLIC
    language: str = "en"
    quote: Quote | None = None
    organisation: Organisation | None = None
    external_id: str = ""
