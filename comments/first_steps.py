"""What a newcomer reads on the home page until they have filed a comment or hidden it: whom
they can file for, the draft open for comment, how to comment on a line."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser

from accounts import permissions
from accounts import selectors as account_selectors
from accounts.models import Organisation, User
from drafts import selectors as draft_selectors
from drafts.models import DraftVersion

from .models import Comment


@dataclass(frozen=True)
class FirstSteps:
    """The facts the first-steps panel is drawn from."""

    represented: list[Organisation]  # verified organisations the person may file for
    awaiting_verification: list[Organisation]  # theirs, once the secretariat verifies them
    open_version: DraftVersion | None  # the newest version open for comment, if any


def first_steps_for(user: User | AnonymousUser) -> FirstSteps | None:
    """The first steps for a signed-in participant who has not filed a comment yet and has
    not hidden them; ``None`` for everyone else (visitors, the secretariat, staff)."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    if user.first_steps_dismissed_at or user.is_staff or permissions.is_secretariat(user):
        return None
    if Comment.objects.filter(author=user).exists():
        return None
    filing = account_selectors.organisations_for_filing(user)
    open_version = (
        draft_selectors.versions_visible_to(user)
        .filter(status=DraftVersion.Status.OPEN)
        .defer("source")
        .order_by("-published_at", "-pk")
        .first()
    )
    return FirstSteps(
        represented=filing.represented,
        awaiting_verification=filing.awaiting_verification,
        open_version=open_version,
    )
