"""Registering organisations, and the secretariat's verification of them."""

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.queueing import enqueue_on_commit
from haip_portal.text import check_text
from haip_portal.wording import in_sentence

from .. import permissions, tasks
from ..countries import COUNTRY_NAMES
from ..models import Membership, Organisation, User
from .audit import audit_record, required_reason

OrgStatus = Organisation.Status
StakeholderType = Organisation.StakeholderType
Role = Membership.Role
MemberStatus = Membership.Status


_validate_domain = DomainNameValidator(accept_idna=False)


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
                _("“%(value)s” is not a domain name such as example.org.") % {"value": value},
                field="email_domain",
            ) from error
    return domain


def _checked_registration(
    *,
    name: str,
    stakeholder_type: str,
    country: str,
    email_domain: str,
    transparency_register_id: str,
) -> tuple[str, str, str]:
    """The registration's name, country and e-mail domain, normalised, or the first mistake."""
    check_text(name or "", field="name", multiline=False)
    check_text(transparency_register_id, field="transparency_register_id", multiline=False)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("Give the organisation's name."), field="name")
    if stakeholder_type == StakeholderType.INDIVIDUAL:
        raise ApplicationError(
            _("Individuals do not register an organisation; choose “file as myself” instead."),
            field="stakeholder_type",
        )
    if stakeholder_type not in StakeholderType.values:
        raise ApplicationError(_("Choose a stakeholder type."), field="stakeholder_type")
    country = (country or "").upper()
    if country not in COUNTRY_NAMES:
        raise ApplicationError(_("Choose a country from the list."), field="country")
    domain = _normalise_domain(email_domain)
    if not domain:
        raise ApplicationError(
            _("Give the e-mail domain your organisation's staff use, e.g. example.org."),
            field="email_domain",
        )
    if (
        Organisation.objects.exclude(status=OrgStatus.REJECTED)
        .filter(name__iexact=name, country=country)
        .exists()
    ):
        raise ApplicationError(
            _("“%(name)s” is already registered in %(country)s; ask to join it instead.")
            % {"name": name, "country": COUNTRY_NAMES[country]},
            field="name",
        )
    return name, country, domain


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
    name, country, domain = _checked_registration(
        name=name,
        stakeholder_type=stakeholder_type,
        country=country,
        email_domain=email_domain,
        transparency_register_id=transparency_register_id,
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
        raise ApplicationError(_("Choose a country from the list."), field="country")
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
    """Who decides first, then what: only the secretariat, a rejection only with a reason; the
    applicant is told by e-mail once the decision is committed."""
    if not permissions.can_verify_organisations(actor):
        raise NotAllowed(_("Only the secretariat verifies organisations."))
    reason = required_reason(reason) if status == OrgStatus.REJECTED else reason.strip()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.status != OrgStatus.PENDING:
        raise ApplicationError(
            _(
                "%(organisation)s is already %(status)s; a decided organisation is not "
                "decided again."
            )
            % {
                "organisation": organisation,
                "status": in_sentence(organisation.get_status_display()),
            }
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
    enqueue_on_commit(tasks.send_organisation_decision, organisation.pk)
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
