"""What other apps do when a comment's text is stored or changes (``COMMENT_TEXT_HOOKS``):
the comments app names no other app; settings do."""

from collections.abc import Callable, Sequence
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


@lru_cache(maxsize=1)
def _hooks() -> list[Callable[[Sequence[int]], object]]:
    return [import_string(path) for path in getattr(settings, "COMMENT_TEXT_HOOKS", [])]


def comment_text_stored(comment_ids: Sequence[int]) -> None:
    """Tell the hooks that these comments' text was stored or changed, inside the caller's
    transaction (each hook acts after commit, or not at all if it rolls back)."""
    if comment_ids:
        for hook in _hooks():
            hook(comment_ids)
