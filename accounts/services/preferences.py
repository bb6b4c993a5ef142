"""A person's choices: the e-mails the portal sends them, the first-steps panel they hid, the
language of the portal."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError

from ..models import User
from .audit import audit_record

_SALT = "accounts.version-notices"


def notices_token(user: User) -> str:
    """A signed token that turns the new-version e-mails off for ``user`` without signing in
    (the link at the foot of each such e-mail)."""
    return signing.dumps(user.pk, salt=_SALT, compress=True)


def user_for_notices_token(token: str) -> User:
    """The user a token from :func:`notices_token` names; a clear error for a bad one."""
    try:
        pk = signing.loads(token, salt=_SALT)
    except signing.BadSignature as error:
        raise ApplicationError(
            _(
                "This link is not valid: it may have been cut short. Sign in and change the "
                "setting on your account's privacy page."
            )
        ) from error
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise ApplicationError(_("This account is closed: it receives no e-mail."))
    return user


def notices_set(*, user: User, on: bool) -> User:
    """Turn the new-version e-mails on or off for ``user``."""
    if user.notify_new_versions != on:
        user.notify_new_versions = on
        user.save(update_fields=["notify_new_versions"])
        audit_record(
            actor=user,
            action="account.notices_on" if on else "account.notices_off",
            target=user,
        )
    return user


def first_steps_dismiss(*, user: User, now: datetime | None = None) -> User:
    """Hide the first-steps panel of the home page from ``user`` for good (the first time
    only: a second dismissal keeps the first date)."""
    if user.first_steps_dismissed_at is None:
        user.first_steps_dismissed_at = now or timezone.now()
        user.save(update_fields=["first_steps_dismissed_at"])
    return user


def language_set(*, user: User, language: str) -> User:
    """Remember ``language`` (one of ``settings.LANGUAGES``) as the language of the portal for
    ``user``: applied on each of their requests, whatever browser they sign in from."""
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(
            _("“%(language)s” is not a language of the portal.") % {"language": language}
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
