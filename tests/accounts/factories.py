"""Builders for organisations in tests, through the real services where a workflow exists."""

import itertools

from accounts import services
from accounts.models import Membership, Organisation, User

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
