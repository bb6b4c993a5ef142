"""Tables of the accounts app, one module per subject, re-exported here."""

from .organisations import AuditEntry, Membership, Organisation, WorkingGroup
from .tokens import ApiToken
from .users import User, UserManager

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Membership",
    "Organisation",
    "User",
    "UserManager",
    "WorkingGroup",
]
