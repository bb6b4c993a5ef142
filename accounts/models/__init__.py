"""Tables of the accounts app, one module per subject, re-exported here."""

from .users import User, UserManager

__all__ = ["User", "UserManager"]
