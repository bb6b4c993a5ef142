"""Builders for organisations in tests, through the real services where a workflow exists."""

import itertools
from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, Membership, Organisation, User

_counter = itertools.count(1)


def make_user(email: str | None = None, **extra) -> User:
    return User.objects.create_user(
        email=email or f"person{next(_counter)}@example.org", password="x" * 16, **extra
    )


def make_organisation(
    *,
    admin: User | None = None,
    name: str | None = None,
    domain: str = "example.org",
    country: str = "JP",
    stakeholder_type: str = Organisation.StakeholderType.COMPANY,
    verified: bool = False,
) -> Organisation:
    """An organisation registered by ``admin`` (a new user if none), pending unless verified."""
    organisation = services.organisation_register(
        user=admin or make_user(),
        name=name or f"Organisation {next(_counter)}",
        stakeholder_type=stakeholder_type,
        country=country,
        email_domain=domain,
    )
    if verified:
        Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.VERIFIED)
        organisation.refresh_from_db()
    return organisation


def add_member(
    organisation: Organisation,
    user: User | None = None,
    *,
    role: str = Membership.Role.MEMBER,
    status: str = Membership.Status.APPROVED,
) -> Membership:
    """A membership row as it stands after the decisions (no audit entries)."""
    return Membership.objects.create(
        user=user or make_user(), organisation=organisation, role=role, status=status
    )


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
