"""Builders for accounts in tests: users, and API tokens through the real create service."""

from collections.abc import Iterable
from datetime import timedelta
from itertools import count

from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, User

_numbers = count(1)


def make_user(*, email: str | None = None, **kwargs) -> User:
    email = email or f"user{next(_numbers)}@example.org"
    return User.objects.create_user(email=email, password="x" * 16, **kwargs)


def make_token(
    *,
    user: User | None = None,
    name: str = "Test token",
    scopes: Iterable[str] = (ApiToken.Scope.COMMENTS_READ,),
    days: int = 90,
) -> tuple[ApiToken, str]:
    """A token and its plaintext, created through ``api_token_create``."""
    return services.api_token_create(
        user=user or make_user(),
        name=name,
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=days),
    )
