"""Every "may this user do this?" question of the portal is answered here.

Pages, the API, exports and tasks call these functions instead of checking groups or flags
themselves, so a rule changes in one place.
"""

from django.contrib.auth.models import AnonymousUser

from .models import User

SECRETARIAT_GROUP = "secretariat"


def is_secretariat(user: User | AnonymousUser) -> bool:
    """Members of the secretariat group (and superusers) run the consultation."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_secretariat", None)
    if cached is None:
        cached = user.groups.filter(name=SECRETARIAT_GROUP).exists()
        user._is_secretariat = cached  # type: ignore[attr-defined]
    return bool(cached)


def can_manage_drafts(user: User | AnonymousUser) -> bool:
    """Create drafts, edit unpublished versions, publish and close comment periods."""
    return is_secretariat(user)


def can_view_unpublished_versions(user: User | AnonymousUser) -> bool:
    """Versions still in ``draft`` status are seen only by those who prepare them."""
    return is_secretariat(user)


def requires_mfa(user: User | AnonymousUser) -> bool:
    """Accounts with powers over other people's data must use two-factor authentication."""
    return is_secretariat(user) or bool(user.is_authenticated and user.is_staff)
