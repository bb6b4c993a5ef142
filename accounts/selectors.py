"""Reads of accounts shared by pages, the API and tasks."""

from django.db.models import QuerySet

from .models import ApiToken, User

# --- API tokens -------------------------------------------------------------------------


def api_tokens_of_user(*, user: User) -> QuerySet[ApiToken]:
    """All of a user's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
