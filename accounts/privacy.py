"""A person's rights over their data: a copy of everything held about them, and closing the
account while their comments stay in the public record without their name.

Decisions (2026-11-28, item 8 of the accounts issue):

- The export is assembled from ``settings.PERSONAL_DATA_SECTIONS``: dotted paths to callables
  ``f(user) -> dict[str, Any]``, one per app, so this module never imports the apps that
  depend on accounts (the comments app adds its own section function). Each section is plain
  JSON data (ISO 8601 dates); secrets are never part of it: no password hash, no token hash,
  no TOTP secret, no recovery-code seed, no session key.
- Audit entries are exported with the action, the record's type and id, the organisation
  concerned and the person's own reason; the label and data of an entry about somebody else's
  membership can name that person, so labels are kept only for organisations and working
  groups.
- The user row is never deleted: comments, their revisions and every decision point to it
  (``PROTECT`` / the audit trail). Closing anonymises it instead (no name, a
  ``closed-<id>@closed.invalid`` address, an unusable password, inactive, no staff flag,
  groups or permissions), so the person's comments stay under their organisation with no name.
- ``Membership`` has no "left" status, and adding one would change the model other apps read.
  Nothing points at a membership row (comments point at the organisation, the audit trail
  names memberships by id and label only), so deleting them orphans no history. The
  memberships are deleted, and the ``account.close`` audit entry lists each one (id,
  organisation, role, status) so the trail still tells when each ended.
- An organisation must not be left without an admin while it has other approved members:
  closing is refused, naming the organisations, until admin is handed over. Pending requests
  do not count as members: the secretariat decides them for an organisation with no admin.
- A personal organisation (stakeholder type "individual") carries the person's name or
  address as its name; it is renamed, so comments filed as an individual stay, unnamed.
- Sessions: every session recorded by allauth's usersessions is ended (its store entry and
  its row). A session the recorder missed cannot authenticate either: Django checks the
  password hash on every request and the account is inactive.
- Audit entries written before the close keep their labels (the trail is append-only): a
  label such as "Ana Silva in Example Org (member, approved)" stays visible to the
  secretariat, who keep the trail as the consultation's accountability record.
"""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from haip_portal.exceptions import ApplicationError

from . import permissions
from .models import ApiToken, AuditEntry, Membership, Organisation, User, WorkingGroup
from .services import audit_record

EXPORT_FORMAT = "haip-personal-data/1"
DEFAULT_SECTIONS = ["accounts.privacy.account_sections"]
CLOSED_EMAIL_DOMAIN = "closed.invalid"
CLOSED_INDIVIDUAL_NAME = "Individual (account closed)"
# Audit labels that name a record, not a person.
_LABELLED_AUDIT_TARGETS = {"accounts.organisation", "accounts.workinggroup"}

Role = Membership.Role
MemberStatus = Membership.Status
SectionFunction = Callable[[User], dict[str, Any]]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


# --- The export ---------------------------------------------------------------------------


def section_functions() -> list[SectionFunction]:
    """The configured section functions, in the order of ``PERSONAL_DATA_SECTIONS``."""
    paths = getattr(settings, "PERSONAL_DATA_SECTIONS", DEFAULT_SECTIONS)
    return [import_string(path) for path in paths]


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything the portal holds about ``user``, as JSON-ready data (ISO 8601 dates).

    Raises ImproperlyConfigured if two section functions claim the same section name.
    """
    sections: dict[str, Any] = {}
    for function in section_functions():
        for name, value in function(user).items():
            if name in sections:
                raise ImproperlyConfigured(f"Two personal-data functions give section {name!r}.")
            sections[name] = value
    # Another app's section may hold dates or decimals: make the promise hold for all of them.
    sections = json.loads(json.dumps(sections, cls=DjangoJSONEncoder))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "sections": sections,
    }


def _account(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "name": user.name,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "is_active": user.is_active,
        "notify_new_versions": user.notify_new_versions,
        "first_steps_hidden_at": _iso(user.first_steps_dismissed_at),
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def _memberships(user: User) -> list[dict[str, Any]]:
    return [
        {
            "organisation": membership.organisation.name,
            "organisation_slug": membership.organisation.slug,
            "role": membership.role,
            "status": membership.status,
            "requested_at": _iso(membership.created_at),
            "decided_at": _iso(membership.decided_at),
            "reason": membership.reason,
        }
        for membership in Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    ]


def _organisations_registered(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": organisation.name,
            "slug": organisation.slug,
            "stakeholder_type": organisation.stakeholder_type,
            "country": organisation.country.code,
            "website": organisation.website,
            "email_domain": organisation.email_domain,
            "status": organisation.status,
            "registered_at": _iso(organisation.created_at),
        }
        for organisation in Organisation.objects.filter(created_by=user).order_by("pk")
    ]


def _working_groups(user: User) -> list[dict[str, Any]]:
    return [
        {"name": group.name, "slug": group.slug}
        for group in WorkingGroup.objects.filter(members=user).order_by("name")
    ]


def _api_tokens(user: User) -> list[dict[str, Any]]:
    return [
        {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": token.scopes,
            "created_at": _iso(token.created_at),
            "expires_at": _iso(token.expires_at),
            "last_used_at": _iso(token.last_used_at),
            "revoked_at": _iso(token.revoked_at),
        }
        for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _sessions(user: User) -> list[dict[str, Any]]:
    return [
        {
            "ip": session.ip,
            "user_agent": session.user_agent,
            "created_at": _iso(session.created_at),
            "last_seen_at": _iso(session.last_seen_at),
        }
        for session in UserSession.objects.filter(user=user).order_by("created_at", "pk")
    ]


def _audit_entries(user: User) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(entry.created_at),
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "target_label": (
                entry.target_label if entry.target_type in _LABELLED_AUDIT_TARGETS else ""
            ),
            "organisation": (entry.data or {}).get("organisation", ""),
            "reason": entry.reason,
        }
        for entry in AuditEntry.objects.filter(actor=user).order_by("created_at", "pk")
    ]


def _mfa_authenticators(user: User) -> list[dict[str, Any]]:
    return [
        {
            "type": authenticator.type,
            "created_at": _iso(authenticator.created_at),
            "last_used_at": _iso(authenticator.last_used_at),
        }
        for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
    ]


_ACCOUNT_SECTIONS: dict[str, Callable[[User], Any]] = {
    "account": _account,
    "email_addresses": _email_addresses,
    "memberships": _memberships,
    "organisations_registered": _organisations_registered,
    "working_groups": _working_groups,
    "api_tokens": _api_tokens,
    "sessions": _sessions,
    "audit_entries": _audit_entries,
    "mfa_authenticators": _mfa_authenticators,
}


def account_sections(user: User) -> dict[str, Any]:
    """The accounts app's sections of the export: one query per section."""
    return {name: section(user) for name, section in _ACCOUNT_SECTIONS.items()}


# --- Closing the account ------------------------------------------------------------------


def organisations_needing_handover(*, user: User) -> list[Organisation]:
    """Organisations of which ``user`` is the last approved admin while other approved members
    remain: the account cannot be closed until someone else is made admin."""
    administered = Membership.objects.filter(
        user=user, role=Role.ADMIN, status=MemberStatus.APPROVED
    ).values("organisation_id")
    others = Q(memberships__status=MemberStatus.APPROVED) & ~Q(memberships__user=user)
    return list(
        Organisation.objects.filter(pk__in=administered)
        .annotate(
            other_members=Count("memberships", filter=others),
            other_admins=Count("memberships", filter=others & Q(memberships__role=Role.ADMIN)),
        )
        .filter(other_members__gt=0, other_admins=0)
        .order_by("name")
    )


def _session_store(session_key: str) -> SessionBase:
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    store: SessionBase = engine(session_key)
    return store


def _check_password(user: User, password: str) -> None:
    if not user.is_active:
        raise ApplicationError(_("This account is already closed."))
    if not user.has_usable_password():
        raise ApplicationError(
            _(
                "Your account has no password. Set one on the Password page, then close the "
                "account with it."
            ),
            field="password",
        )
    if not user.check_password(password):
        raise ApplicationError(_("That is not your current password."), field="password")


def _lock_memberships(user: User) -> list[Membership]:
    """Lock the organisations the user administers, so two admins closing at once cannot both
    leave one without an admin, and the user's memberships, which role changes lock too;
    refuse while an organisation would be left without an admin."""
    administered = Membership.objects.filter(
        user=user, role=Role.ADMIN, status=MemberStatus.APPROVED
    ).values("organisation_id")
    list(Organisation.objects.select_for_update().filter(pk__in=administered))
    memberships = list(
        Membership.objects.select_for_update()
        .filter(user=user)
        .select_related("organisation")
        .order_by("pk")
    )
    blocking = organisations_needing_handover(user=user)
    if blocking:
        names = ", ".join(organisation.name for organisation in blocking)
        raise ApplicationError(
            ngettext(
                "You are the last administrator of %(names)s, which still has other members. "
                "Make one of them administrator first (hand over admin), then close your account.",
                "You are the last administrator of %(names)s, which still have other members. "
                "Make one of them administrator first (hand over admin), then close your account.",
                len(blocking),
            )
            % {"names": names}
        )
    return memberships


def _remove_credentials(user: User, now: datetime) -> dict[str, int]:
    """Revoke the tokens, remove addresses and authenticators, end every session."""
    tokens_revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=now
    )
    _, deleted = EmailAddress.objects.filter(user=user).delete()
    addresses_removed = deleted.get(EmailAddress._meta.label, 0)
    _, deleted = Authenticator.objects.filter(user=user).delete()
    authenticators_removed = deleted.get(Authenticator._meta.label, 0)
    session_keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    for session_key in session_keys:
        _session_store(session_key).delete(session_key)
    UserSession.objects.filter(user=user).delete()
    return {
        "api_tokens_revoked": tokens_revoked,
        "email_addresses_removed": addresses_removed,
        "authenticators_removed": authenticators_removed,
        "sessions_ended": len(session_keys),
    }


def _leave_organisations(
    user: User, memberships: list[Membership], now: datetime
) -> dict[str, Any]:
    """End the memberships and working groups; rename the person's individual organisation."""
    Membership.objects.filter(pk__in=[membership.pk for membership in memberships]).delete()
    working_groups = sorted(user.working_groups.values_list("slug", flat=True))
    user.working_groups.clear()
    individual = Organisation.objects.filter(
        created_by=user, stakeholder_type=Organisation.StakeholderType.INDIVIDUAL
    )
    individual_slugs = sorted(individual.values_list("slug", flat=True))
    individual.update(name=CLOSED_INDIVIDUAL_NAME, updated_at=now)
    return {
        "memberships_ended": [
            {
                "membership": membership.pk,
                "organisation": membership.organisation.slug,
                "role": membership.role,
                "status": membership.status,
            }
            for membership in memberships
        ],
        "working_groups_left": working_groups,
        "individual_organisations_renamed": individual_slugs,
    }


def _anonymise(user: User) -> None:
    user.name = ""
    user.email = f"closed-{user.pk}@{CLOSED_EMAIL_DOMAIN}"
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.save(update_fields=["name", "email", "password", "is_active", "is_staff", "is_superuser"])
    user.groups.clear()
    user.user_permissions.clear()


@transaction.atomic
def account_close(*, user: User, password: str) -> User:
    """Close ``user``'s account for good, given their current password.

    Tokens are revoked, e-mail addresses, authenticators and sessions removed, memberships
    ended and the user row anonymised and deactivated; comments stay, tied to the row and to
    their organisation. Raises ApplicationError (``field="password"`` for a wrong password)
    if the password is wrong or unusable, or if an organisation would lose its last admin.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_password(user, password)
    memberships = _lock_memberships(user)
    now = timezone.now()
    removed = _remove_credentials(user, now)
    left = _leave_organisations(user, memberships, now)
    _anonymise(user)
    # Written after anonymising: the entry's label is the closed address, not the person.
    audit_record(actor=user, action="account.close", target=user, data={**left, **removed})
    permissions.forget_cached_facts(user)
    return user
