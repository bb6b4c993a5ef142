"""Joining an organisation: requests, decisions and roles."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haip_portal.exceptions import ApplicationError, NotAllowed
from haip_portal.wording import clause, in_sentence

from .. import permissions
from ..models import Membership, Organisation, User
from .audit import audit_record, required_reason

OrgStatus = Organisation.Status
StakeholderType = Organisation.StakeholderType
Role = Membership.Role
MemberStatus = Membership.Status


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation) -> Membership:
    """Ask to join an organisation as a member; its admins (or the secretariat) decide."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.stakeholder_type == StakeholderType.INDIVIDUAL:
        raise ApplicationError(_("A personal organisation cannot be joined."))
    if organisation.status == OrgStatus.REJECTED:
        raise ApplicationError(
            _("%(organisation)s was not verified by the secretariat.")
            % {"organisation": organisation}
        )
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership is not None and membership.status == MemberStatus.APPROVED:
        raise ApplicationError(
            _("You are already a member of %(organisation)s.")
            % {"organisation": clause(organisation)}
        )
    if membership is not None and membership.status == MemberStatus.PENDING:
        raise ApplicationError(
            _("Your request to join %(organisation)s is already pending.")
            % {"organisation": organisation}
        )
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
        raise NotAllowed(_("Only the organisation's admins or the secretariat decide this."))
    return membership


def _decide_membership(
    *, membership: Membership, actor: User, status: str, reason: str, role: str | None = None
) -> Membership:
    membership = _locked_membership_for(membership=membership, actor=actor)
    reason = required_reason(reason) if status == MemberStatus.REJECTED else reason.strip()
    if membership.status != MemberStatus.PENDING:
        raise ApplicationError(
            _("This request is already %(status)s.")
            % {"status": in_sentence(membership.get_status_display())}
        )
    if role is not None:
        if role not in Role.values:
            raise ApplicationError(_("Choose a role."), field="role")
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
        raise ApplicationError(_("Choose a role."), field="role")
    if membership.status != MemberStatus.APPROVED:
        raise ApplicationError(_("Only approved members have a role to change."))
    if membership.role == role:
        raise ApplicationError(
            _("%(user)s is already %(role)s.")
            % {"user": membership.user, "role": membership.get_role_display()}
        )
    if membership.role == Role.ADMIN:
        other_admins = (
            Membership.objects.select_for_update()
            .approved()
            .filter(organisation_id=membership.organisation_id, role=Role.ADMIN)
            .exclude(pk=membership.pk)
        )
        if not other_admins.exists():
            raise ApplicationError(
                _("An organisation needs at least one admin; make someone else admin first."),
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
