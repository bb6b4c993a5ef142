from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the user's roles to templates, so navigation shows what the user may use, and
    tell someone whose role needs two-factor authentication, in a session without it, how to
    get the role's powers (``two_factor_prompt``: ``"set_up"``, ``"enter_code"`` or ``""``)."""
    prompt = ""
    if permissions.lacks_two_factor(request.user):
        prompt = "enter_code" if is_mfa_enabled(request.user) else "set_up"
    return {
        "user_is_secretariat": permissions.is_secretariat(request.user),
        "two_factor_prompt": prompt,
    }
