"""The language a person is written to in: the one they chose with the language switch, else
the portal's default (e-mails are sent from tasks, where no browser says what it prefers)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def language_of(user: object) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


@contextmanager
def speaking_to(user: object) -> Iterator[str]:
    """Translate what is rendered inside the block into ``user``'s language."""
    language = language_of(user)
    with translation.override(language):
        yield language
