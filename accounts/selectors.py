"""Reads of organisations, memberships and the audit trail shared by pages, API and tasks."""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from haip_portal.exceptions import NotFound

from . import permissions
from .countries import COUNTRY_NAMES
from .models import ApiToken, AuditEntry, Membership, Organisation, User

StakeholderType = Organisation.StakeholderType


def organisations_for_user(user: User) -> QuerySet[Membership]:
    """The user's memberships (any status) with their organisation, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _email_domain(user: User) -> str:
    return user.email.rpartition("@")[2].lower()


def organisations_suggested_for(user: User) -> QuerySet[Organisation]:
    """Verified organisations whose e-mail domain is the user's, that they are not in yet."""
    domain = _email_domain(user)
    if not domain:
        return Organisation.objects.none()
    return (
        Organisation.objects.verified()
        .filter(email_domain=domain)
        .exclude(stakeholder_type=StakeholderType.INDIVIDUAL)
        .exclude(memberships__user=user)
        .order_by("name")
    )


def _search(organisations: QuerySet[Organisation], q: str) -> QuerySet[Organisation]:
    q = q.strip()
    if not q:
        return organisations
    countries = [code for code, name in COUNTRY_NAMES.items() if q.lower() in name.lower()]
    return organisations.filter(
        Q(name__icontains=q)
        | Q(email_domain__icontains=q)
        | Q(country__iexact=q)
        | Q(country__in=countries)
    )


def organisations_joinable(user: User, *, q: str = "", limit: int = 50) -> list[Organisation]:
    """Verified organisations the user may ask to join, matching ``q``; the suggested ones
    (same e-mail domain) come first."""
    organisations = (
        Organisation.objects.verified()
        .exclude(stakeholder_type=StakeholderType.INDIVIDUAL)
        .exclude(memberships__user=user)
    )
    domain = _email_domain(user)
    found = list(_search(organisations, q).order_by("name")[:limit])
    return sorted(found, key=lambda organisation: organisation.email_domain != domain)


@dataclass(frozen=True)
class FilingOrganisations:
    """The organisations a user files for (``represented``), and those they will file for once
    the secretariat verifies them (``awaiting_verification``), each by name."""

    represented: list[Organisation]
    awaiting_verification: list[Organisation]


def organisations_for_filing(user: User | AnonymousUser) -> FilingOrganisations:
    """The organisations the comment form offers, and those it explains are not offered yet
    (their own personal organisation aside: filing as oneself needs none). One query."""
    if not user.is_authenticated:
        return FilingOrganisations(represented=[], awaiting_verification=[])
    organisations = [
        organisation
        for organisation in Organisation.objects.filter(
            pk__in=permissions.organisations_seen_from_inside(user)
        ).order_by("name")
        if organisation.stakeholder_type != StakeholderType.INDIVIDUAL
    ]
    return FilingOrganisations(
        represented=[o for o in organisations if permissions.can_file_for(user, o)],
        awaiting_verification=[
            o for o in organisations if permissions.files_for_once_verified(user, o)
        ],
    )


def organisations_represented_by(user: User | AnonymousUser) -> list[Organisation]:
    """The organisations, by name, on whose behalf the user may file or endorse (their own
    personal organisation aside: filing as oneself is the default)."""
    return organisations_for_filing(user).represented


def organisations_pending(*, q: str = "") -> QuerySet[Organisation]:
    """The secretariat's queue: organisations waiting for verification, oldest first, searchable
    by name, e-mail domain or country."""
    return _search(Organisation.objects.pending().select_related("created_by"), q).order_by(
        "created_at", "pk"
    )


def organisations_pending_count() -> int:
    """How many organisations wait for the secretariat's verification. One query."""
    return Organisation.objects.pending().count()


def memberships_pending_for(user: User | AnonymousUser, *, q: str = "") -> QuerySet[Membership]:
    """Pending requests to join that the user may decide: every one for the secretariat, those
    of the organisations they administer otherwise."""
    memberships = Membership.objects.pending().select_related("user", "organisation")
    if not user.is_authenticated:
        return memberships.none()
    if not permissions.is_secretariat(user):
        memberships = memberships.filter(
            organisation__in=Organisation.objects.administered_by(user).values("pk")
        )
    q = q.strip()
    if q:
        memberships = memberships.filter(
            Q(user__email__icontains=q)
            | Q(user__name__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(organisation__email_domain__icontains=q)
        )
    return memberships.order_by("created_at", "pk")


def organisation_find(
    *, slug: str | None = None, pk: int | str | None = None
) -> Organisation | None:
    """The organisation at ``slug``, or with the id ``pk`` (as a form posts it), if any."""
    if slug is not None:
        return Organisation.objects.filter(slug=slug).first()
    if pk is not None and str(pk).isdigit():
        return Organisation.objects.filter(pk=int(pk)).first()
    return None


def organisation_get(*, slug: str | None = None, pk: int | str | None = None) -> Organisation:
    """As :func:`organisation_find`; 404 if there is none."""
    organisation = organisation_find(slug=slug, pk=pk)
    if organisation is None:
        raise NotFound(_("No such organisation."))
    return organisation


def organisation_get_managed(user: User | AnonymousUser, slug: str) -> Organisation:
    """The organisation at ``slug`` if the user may manage it; 404 otherwise, so a stranger
    does not even learn that it exists."""
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not permissions.can_manage_organisation(user, organisation):
        raise NotFound(_("No such organisation."))
    return organisation


def membership_get_managed(user: User | AnonymousUser, slug: str, pk: int) -> Membership:
    """A membership of the organisation at ``slug``, with its user, if the user may manage
    that organisation; 404 otherwise."""
    organisation = organisation_get_managed(user, slug)
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation=organisation)
        .first()
    )
    if membership is None:
        raise NotFound(_("No such membership."))
    return membership


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's members and requests, with their users and deciders, in one query."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "decided_by", "organisation")
        .order_by("status", "user__email")
    )


def audit_entries() -> QuerySet[AuditEntry]:
    """The audit trail, latest first, with the actors."""
    return AuditEntry.objects.select_related("actor").order_by("-created_at", "-id")


# --- API tokens -------------------------------------------------------------------------


def api_tokens_of_user(*, user: User) -> QuerySet[ApiToken]:
    """All of a user's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
