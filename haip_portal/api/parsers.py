"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

A comment is at most three levels deep (the array of a bulk request, the comment, its quote),
so a body nested deeper than :data:`MAX_JSON_DEPTH` is refused as a parse error (400), however
deep: a body of 100,000 ``[`` must not exhaust the parser's recursion (which would be a 500).
Imports no DRF views: DRF loads parser classes while its views module is still being imported.
"""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 32


def _too_deep() -> ParseError:
    return ParseError(
        _(
            "JSON parse error - the body is nested more than %(max)s "
            "levels deep (arrays and objects inside each other); a comment needs at "
            "most 3."
        )
        % {"max": MAX_JSON_DEPTH}
    )


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) holds arrays or objects nested more than ``limit``
    levels deep. Walks with an explicit stack, so any depth is safe to check."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested more than :data:`MAX_JSON_DEPTH` levels with
    a ``ParseError`` (400 in the API's one error shape) instead of failing with a 500."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # deeper than the interpreter's stack: deeper than the limit
            raise _too_deep() from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise _too_deep()
        return data
