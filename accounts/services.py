"""Every write to organisations, memberships and working groups; each decision is audited."""

import hashlib
import hmac
import secrets
import string
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from haip_portal.exceptions import ApplicationError, NotAllowed, NotFound
from haip_portal.text import check_text

from . import permissions
from .countries import COUNTRY_NAMES
from .models import ApiToken, AuditEntry, Membership, Organisation, User, WorkingGroup

OrgStatus = Organisation.Status
StakeholderType = Organisation.StakeholderType
Role = Membership.Role
MemberStatus = Membership.Status

_validate_domain = DomainNameValidator(accept_idna=False)


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit trail; call it inside the transaction of the decision."""
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        reason=reason,
        data=data or {},
    )


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            "Give a reason; it is shown to the people concerned.", field="reason"
        )
    return reason


def _unique_slug(name: str, *, fallback: str) -> str:
    base = (slugify(name) or fallback)[:90].strip("-") or fallback
    taken = set(Organisation.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _normalise_domain(value: str) -> str:
    domain = (value or "").strip().lower().removeprefix("@").rstrip(".")
    if domain:
        try:
            _validate_domain(domain)
        except ValidationError as error:
            raise ApplicationError(
                f"“{value}” is not a domain name such as example.org.", field="email_domain"
            ) from error
    return domain


# --- Organisations ------------------------------------------------------------------------


@transaction.atomic
def organisation_register(
    *,
    user: User,
    name: str,
    stakeholder_type: str,
    country: str,
    email_domain: str,
    website: str = "",
    transparency_register_id: str = "",
) -> Organisation:
    """Register an organisation, pending the secretariat's verification; the registering user
    becomes its approved admin."""
    check_text(name or "", field="name", multiline=False)
    check_text(transparency_register_id, field="transparency_register_id", multiline=False)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("Give the organisation's name.", field="name")
    if stakeholder_type == StakeholderType.INDIVIDUAL:
        raise ApplicationError(
            "Individuals do not register an organisation; choose “file as myself” instead.",
            field="stakeholder_type",
        )
    if stakeholder_type not in StakeholderType.values:
        raise ApplicationError("Choose a stakeholder type.", field="stakeholder_type")
    country = (country or "").upper()
    if country not in COUNTRY_NAMES:
        raise ApplicationError("Choose a country from the list.", field="country")
    domain = _normalise_domain(email_domain)
    if not domain:
        raise ApplicationError(
            "Give the e-mail domain your organisation's staff use, e.g. example.org.",
            field="email_domain",
        )
    if (
        Organisation.objects.exclude(status=OrgStatus.REJECTED)
        .filter(name__iexact=name, country=country)
        .exists()
    ):
        raise ApplicationError(
            f"“{name}” is already registered in {COUNTRY_NAMES[country]}; ask to join it instead.",
            field="name",
        )
    now = timezone.now()
    organisation = Organisation.objects.create(
        name=name,
        slug=_unique_slug(name, fallback="organisation"),
        stakeholder_type=stakeholder_type,
        country=country,
        website=website.strip(),
        email_domain=domain,
        transparency_register_id=transparency_register_id.strip(),
        created_by=user,
    )
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=Role.ADMIN,
        status=MemberStatus.APPROVED,
        decided_by=user,
        decided_at=now,
        reason="Registered the organisation.",
    )
    audit_record(actor=user, action="organisation.register", target=organisation)
    permissions.forget_cached_facts(user)
    return organisation


@transaction.atomic
def organisation_register_individual(*, user: User, country: str = "") -> Organisation:
    """The user's personal organisation, to file as themselves; created on first use.

    It is verified at once: an individual's identity is their verified e-mail address.
    """
    existing = (
        Organisation.objects.filter(
            stakeholder_type=StakeholderType.INDIVIDUAL,
            created_by=user,
            memberships__user=user,
            memberships__role=Role.ADMIN,
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    country = (country or "").upper()
    if country and country not in COUNTRY_NAMES:
        raise ApplicationError("Choose a country from the list.", field="country")
    now = timezone.now()
    organisation = Organisation.objects.create(
        name=user.name or user.email,
        slug=_unique_slug(f"individual-{user.pk}", fallback="individual"),
        stakeholder_type=StakeholderType.INDIVIDUAL,
        country=country,
        status=OrgStatus.VERIFIED,
        status_reason="An individual: identity is the verified e-mail address.",
        verified_at=now,
        created_by=user,
    )
    Membership.objects.create(
        user=user,
        organisation=organisation,
        role=Role.ADMIN,
        status=MemberStatus.APPROVED,
        decided_at=now,
        reason="Files as an individual.",
    )
    audit_record(
        actor=user,
        action="organisation.register_individual",
        target=organisation,
        reason="Verified automatically: an individual's identity is their verified e-mail.",
    )
    permissions.forget_cached_facts(user)
    return organisation


def _decide_organisation(
    *, organisation: Organisation, actor: User, status: str, reason: str
) -> Organisation:
    """Who decides first, then what: only the secretariat, a rejection only with a reason."""
    if not permissions.can_verify_organisations(actor):
        raise NotAllowed("Only the secretariat verifies organisations.")
    reason = _required_reason(reason) if status == OrgStatus.REJECTED else reason.strip()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != OrgStatus.PENDING:
        raise ApplicationError(
            f"{organisation} is already {organisation.get_status_display().lower()}; "
            "a decided organisation is not decided again."
        )
    organisation.status = status
    organisation.status_reason = reason
    fields = ["status", "status_reason", "updated_at"]
    if status == OrgStatus.VERIFIED:
        organisation.verified_by = actor
        organisation.verified_at = timezone.now()
        fields += ["verified_by", "verified_at"]
    organisation.save(update_fields=fields)
    action = "organisation.verify" if status == OrgStatus.VERIFIED else "organisation.reject"
    audit_record(actor=actor, action=action, target=organisation, reason=reason)
    return organisation


@transaction.atomic
def organisation_verify(
    *, organisation: Organisation, actor: User, reason: str = ""
) -> Organisation:
    """The secretariat confirms a pending organisation; its representatives may then file."""
    return _decide_organisation(
        organisation=organisation, actor=actor, status=OrgStatus.VERIFIED, reason=reason
    )


@transaction.atomic
def organisation_reject(*, organisation: Organisation, actor: User, reason: str) -> Organisation:
    """The secretariat refuses a pending organisation, saying why (shown to its admins)."""
    return _decide_organisation(
        organisation=organisation, actor=actor, status=OrgStatus.REJECTED, reason=reason
    )


# --- Memberships --------------------------------------------------------------------------


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation) -> Membership:
    """Ask to join an organisation as a member; its admins (or the secretariat) decide."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.stakeholder_type == StakeholderType.INDIVIDUAL:
        raise ApplicationError("A personal organisation cannot be joined.")
    if organisation.status == OrgStatus.REJECTED:
        raise ApplicationError(f"{organisation} was not verified by the secretariat.")
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.status == MemberStatus.APPROVED:
        raise ApplicationError(f"You are already a member of {organisation}.")
    if membership is not None and membership.status == MemberStatus.PENDING:
        raise ApplicationError(f"Your request to join {organisation} is already pending.")
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation)
    else:  # asked again after a refusal
        membership.status = MemberStatus.PENDING
        membership.role = Role.MEMBER
        membership.decided_by = None
        membership.decided_at = None
        membership.reason = ""
        membership.save()
    audit_record(actor=user, action="membership.request", target=membership)
    permissions.forget_cached_facts(user)
    return membership


def _locked_membership_for(*, membership: Membership, actor: User) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    if not permissions.can_manage_organisation(actor, membership.organisation):
        raise NotAllowed("Only the organisation's admins or the secretariat decide this.")
    return membership


def _decide_membership(
    *, membership: Membership, actor: User, status: str, reason: str, role: str | None = None
) -> Membership:
    membership = _locked_membership_for(membership=membership, actor=actor)
    reason = _required_reason(reason) if status == MemberStatus.REJECTED else reason.strip()
    if membership.status != MemberStatus.PENDING:
        raise ApplicationError(
            f"This request is already {membership.get_status_display().lower()}."
        )
    if role is not None:
        if role not in Role.values:
            raise ApplicationError("Choose a role.", field="role")
        membership.role = role
    membership.status = status
    membership.decided_by = actor
    membership.decided_at = timezone.now()
    membership.reason = reason
    membership.save()
    action = "membership.approve" if status == MemberStatus.APPROVED else "membership.reject"
    audit_record(
        actor=actor,
        action=action,
        target=membership,
        reason=reason,
        data={"organisation": membership.organisation.slug, "role": membership.role},
    )
    permissions.forget_cached_facts(membership.user)
    return membership


@transaction.atomic
def membership_approve(
    *, membership: Membership, actor: User, role: str | None = None, reason: str = ""
) -> Membership:
    """Accept a pending request, optionally with another role than ``member``."""
    return _decide_membership(
        membership=membership,
        actor=actor,
        status=MemberStatus.APPROVED,
        reason=reason,
        role=role,
    )


@transaction.atomic
def membership_reject(*, membership: Membership, actor: User, reason: str) -> Membership:
    """Refuse a pending request, saying why."""
    return _decide_membership(
        membership=membership, actor=actor, status=MemberStatus.REJECTED, reason=reason
    )


@transaction.atomic
def membership_set_role(
    *, membership: Membership, actor: User, role: str, reason: str = ""
) -> Membership:
    """Change an approved member's role; an organisation always keeps one admin."""
    membership = _locked_membership_for(membership=membership, actor=actor)
    if role not in Role.values:
        raise ApplicationError("Choose a role.", field="role")
    if membership.status != MemberStatus.APPROVED:
        raise ApplicationError("Only approved members have a role to change.")
    if membership.role == role:
        raise ApplicationError(f"{membership.user} is already {membership.get_role_display()}.")
    if membership.role == Role.ADMIN:
        other_admins = (
            Membership.objects.select_for_update()
            .approved()
            .filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
            .exclude(pk=membership.pk)
        )
        if not other_admins.exists():
            raise ApplicationError(
                "An organisation needs at least one admin; make someone else admin first.",
                field="role",
            )
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    audit_record(
        actor=actor,
        action="membership.set_role",
        target=membership,
        reason=reason.strip(),
        data={"organisation": membership.organisation.slug, "from": previous, "to": role},
    )
    permissions.forget_cached_facts(membership.user)
    return membership


# --- Working groups -----------------------------------------------------------------------


@transaction.atomic
def working_group_create(
    *,
    actor: User,
    name: str,
    slug: str,
    description: str = "",
    section_keys: Iterable[str] = (),
) -> WorkingGroup:
    """Create a G7 working group following the given draft sections (e.g. ``action-3``)."""
    if not permissions.can_manage_working_groups(actor):
        raise NotAllowed("Only the secretariat manages working groups.")
    slug = slugify(slug)
    if not slug:
        raise ApplicationError("Give the group a web address.", field="slug")
    if WorkingGroup.objects.filter(slug=slug).exists():
        raise ApplicationError(f"A working group “{slug}” already exists.", field="slug")
    keys = sorted({key.strip() for key in section_keys if key.strip()})
    group = WorkingGroup.objects.create(
        name=name.strip(), slug=slug, description=description, section_keys=keys
    )
    audit_record(
        actor=actor, action="working_group.create", target=group, data={"section_keys": keys}
    )
    return group


@transaction.atomic
def working_group_add_member(*, working_group: WorkingGroup, user: User, actor: User) -> None:
    """Add a user to a working group: they can then read confidential input and ask for
    digests."""
    if not permissions.can_manage_working_groups(actor):
        raise NotAllowed("Only the secretariat manages working groups.")
    if working_group.members.filter(pk=user.pk).exists():
        raise ApplicationError(f"{user} is already in {working_group}.")
    working_group.members.add(user)
    audit_record(
        actor=actor,
        action="working_group.add_member",
        target=working_group,
        data={"user": user.email},
    )
    permissions.forget_cached_facts(user)


# --- API tokens -------------------------------------------------------------------------
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
        raise ApplicationError("Choose at least one scope.", field="scopes")
    unknown = [scope for scope in chosen if scope not in ApiToken.Scope.values]
    if unknown:
        raise ApplicationError(
            f"Unknown scope(s): {', '.join(map(str, unknown))}. "
            f"Known scopes: {', '.join(ApiToken.Scope.values)}.",
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
            f"Give the token a name of 1 to {API_TOKEN_NAME_MAX_LENGTH} characters.", field="name"
        )
    clean_scopes = _api_token_clean_scopes(scopes)
    now = timezone.now()
    if timezone.is_naive(expires_at):
        raise ApplicationError("The expiry needs a time zone.", field="expires_at")
    if expires_at <= now:
        raise ApplicationError("The expiry must be in the future.", field="expires_at")
    if expires_at > now + API_TOKEN_MAX_LIFETIME:
        raise ApplicationError("A token may live at most one year (365 days).", field="expires_at")
    if not user.is_active:
        raise ApplicationError("An inactive account cannot create tokens.")
    # Serialise token creation per user so the limit holds under concurrent requests.
    User.objects.select_for_update().filter(pk=user.pk).first()
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now)
    if active.count() >= API_TOKEN_MAX_ACTIVE_PER_USER:
        raise ApplicationError(
            f"You already have {API_TOKEN_MAX_ACTIVE_PER_USER} active tokens; "
            "revoke one before creating another."
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
        raise NotFound("No such token.")
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
        raise ApplicationError("The token is malformed; expected haip_<prefix>_<secret>.")
    prefix, _secret = parsed
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _api_token_hash(raw)):
        raise ApplicationError("The token is invalid.")
    now = timezone.now()
    if token.revoked_at is not None:
        raise ApplicationError("The token has been revoked.")
    if token.expires_at <= now:
        raise ApplicationError("The token has expired.")
    if not token.user.is_active:
        raise ApplicationError("The token's user account is inactive.")
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
