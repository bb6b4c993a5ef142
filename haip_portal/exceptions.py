from typing import Any


class ApplicationError(Exception):
    """A domain rule refused an action; the message is safe to show to the user.

    ``field`` names the input the problem is about, when there is one, so forms and the API
    can attach the message to it.
    """

    def __init__(self, message: str, *, field: str | None = None, extra: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}
