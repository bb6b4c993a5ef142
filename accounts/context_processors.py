from typing import Any

from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's roles to templates, so navigation shows what the user may use."""
    return {"user_is_secretariat": permissions.is_secretariat(request.user)}
