"""Tables of the accounts app, one module per subject, re-exported here."""

from .tokens import ApiToken
from .users import User, UserManager

__all__ = ["ApiToken", "User", "UserManager"]
