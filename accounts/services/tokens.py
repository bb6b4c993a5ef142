"""Personal API tokens: created, revoked and checked."""

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haip_portal.exceptions import ApplicationError, NotFound

from .. import permissions
from ..models import ApiToken, User

# Personal access tokens for the REST API. The plaintext leaves the server once, as the
# return value of api_token_create; only its prefix and SHA-256 hash are stored.

API_TOKEN_MARKER = "haip"  # noqa: S105 - the public marker every token starts with
API_TOKEN_PREFIX_LENGTH = 8
API_TOKEN_SECRET_BYTES = 32
API_TOKEN_MAX_LIFETIME = timedelta(days=365)
API_TOKEN_MAX_ACTIVE_PER_USER = 20
API_TOKEN_NAME_MAX_LENGTH = 100
# last_used_at is informative; writing it on every request would cost a write per call.
API_TOKEN_LAST_USED_RESOLUTION = timedelta(minutes=1)

_PREFIX_ALPHABET = string.ascii_letters + string.digits


def _api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _api_token_new_prefix() -> str:
    while True:
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(API_TOKEN_PREFIX_LENGTH))
        if not ApiToken.objects.filter(prefix=prefix).exists():
            return prefix


def _api_token_parse(raw: str) -> tuple[str, str] | None:
    """Split ``haip_<prefix>_<secret>`` into prefix and secret, or None if it is not one."""
    marker, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if (
        marker != API_TOKEN_MARKER
        or len(prefix) != API_TOKEN_PREFIX_LENGTH
        or not all(char in _PREFIX_ALPHABET for char in prefix)
        or len(secret) < 43
    ):
        return None
    return prefix, secret


def _api_token_clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    if not chosen:
        raise ApplicationError(_("Choose at least one scope."), field="scopes")
    unknown = [scope for scope in chosen if scope not in ApiToken.Scope.values]
    if unknown:
        raise ApplicationError(
            ngettext("Unknown scope: %(unknown)s. ", "Unknown scopes: %(unknown)s. ", len(unknown))
            % {"unknown": ", ".join(map(str, unknown))}
            + _("Known scopes: %(scopes)s.") % {"scopes": ", ".join(ApiToken.Scope.values)},
            field="scopes",
        )
    return sorted(chosen)


@transaction.atomic
def api_token_create(
    *, user: User, name: str, scopes: Iterable[str], expires_at: datetime
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its plaintext, which is never stored
    and cannot be shown again. The token carries the powers that need two-factor
    authentication only if ``user`` passed it in the request creating the token."""
    name = (name or "").strip()
    if not 1 <= len(name) <= API_TOKEN_NAME_MAX_LENGTH:
        raise ApplicationError(
            _("Give the token a name of 1 to %(max)s characters.")
            % {"max": API_TOKEN_NAME_MAX_LENGTH},
            field="name",
        )
    clean_scopes = _api_token_clean_scopes(scopes)
    now = timezone.now()
    if timezone.is_naive(expires_at):
        raise ApplicationError(_("The expiry needs a time zone."), field="expires_at")
    if expires_at <= now:
        raise ApplicationError(_("The expiry must be in the future."), field="expires_at")
    if expires_at > now + API_TOKEN_MAX_LIFETIME:
        raise ApplicationError(
            _("A token may live at most one year (365 days)."), field="expires_at"
        )
    if not user.is_active:
        raise ApplicationError(_("An inactive account cannot create tokens."))
    # Serialise token creation per user so the limit holds under concurrent requests.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= API_TOKEN_MAX_ACTIVE_PER_USER:
        raise ApplicationError(
            ngettext(
                "You already have %(count)s active token; revoke it before creating another.",
                "You already have %(count)s active tokens; revoke one before creating another.",
                API_TOKEN_MAX_ACTIVE_PER_USER,
            )
            % {"count": API_TOKEN_MAX_ACTIVE_PER_USER}
        )
    prefix = _api_token_new_prefix()
    raw = f"{API_TOKEN_MARKER}_{prefix}_{secrets.token_urlsafe(API_TOKEN_SECRET_BYTES)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_api_token_hash(raw),
        scopes=clean_scopes,
        two_factor=permissions.passed_two_factor(user),
        created_at=now,
        expires_at=expires_at,
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens; revoking a revoked token changes nothing.

    Raises ``NotFound`` for a token that is not the user's, as for a missing one.
    """
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_check(*, raw: str) -> ApiToken:
    """Return the token ``raw`` stands for, or raise ApplicationError saying why it is refused.

    Reasons other than "invalid" (expired, revoked, inactive account) are given only once the
    secret has matched, so they tell nothing to someone who does not hold the token.
    """
    parsed = _api_token_parse(raw)
    if parsed is None:
        raise ApplicationError(_("The token is malformed; expected haip_<prefix>_<secret>."))
    prefix, _secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _api_token_hash(raw)):
        raise ApplicationError(_("The token is invalid."))
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApplicationError(_("The token has been revoked."))
    if token.expires_at <= now:
        raise ApplicationError(_("The token has expired."))
    if not token.user.is_active:
        raise ApplicationError(_("The token's user account is inactive."))
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, or None; see ``api_token_check`` for the reason."""
    try:
        return api_token_check(raw=raw)
    except ApplicationError:
        return None
