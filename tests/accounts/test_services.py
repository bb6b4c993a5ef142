import pytest

from accounts import services
from accounts.models import AuditEntry, Membership, Organisation, WorkingGroup
from haip_portal.exceptions import ApplicationError, NotAllowed
from tests.accounts.factories import add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db
Status = Organisation.Status
Role = Membership.Role
MemberStatus = Membership.Status


def _only_entry(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, entries
    return entries[0]


# --- organisation_register ------------------------------------------------------------------


def test_register_makes_a_pending_organisation_with_its_registrant_as_admin():
    user = make_user("ana@acme.example")
    organisation = services.organisation_register(
        user=user,
        name="ACME AI",
        stakeholder_type="company",
        country="jp",
        email_domain="@ACME.example",
        website="https://acme.example",
    )
    assert organisation.status == Status.PENDING
    assert organisation.slug == "acme-ai"
    assert organisation.country == "JP"
    assert organisation.email_domain == "acme.example"
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.status) == (
        user,
        Role.ADMIN,
        MemberStatus.APPROVED,
    )
    entry = _only_entry("organisation.register")
    assert entry.actor == user and entry.target_id == str(organisation.pk)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("name", {"name": "  "}),
        ("stakeholder_type", {"stakeholder_type": "individual"}),
        ("stakeholder_type", {"stakeholder_type": "pirate"}),
        ("country", {"country": "XX"}),
        ("email_domain", {"email_domain": ""}),
        ("email_domain", {"email_domain": "not a domain"}),
    ],
)
def test_register_refuses_bad_input_naming_the_field(field, overrides):
    arguments = {
        "user": make_user(),
        "name": "ACME",
        "stakeholder_type": "company",
        "country": "FR",
        "email_domain": "acme.example",
        **overrides,
    }
    with pytest.raises(ApplicationError) as caught:
        services.organisation_register(**arguments)
    assert caught.value.field == field
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_register_refuses_a_duplicate_name_in_the_same_country_and_numbers_slugs():
    make_organisation(name="ACME", country="FR")
    with pytest.raises(ApplicationError, match="already registered"):
        make_organisation(name="acme", country="FR")
    other = make_organisation(name="ACME", country="DE")
    assert other.slug == "acme-2"


def test_register_individual_is_verified_at_once_and_idempotent():
    user = make_user("solo@example.net", name="Solo Person")
    organisation = services.organisation_register_individual(user=user)
    assert organisation.stakeholder_type == Organisation.StakeholderType.INDIVIDUAL
    assert organisation.status == Status.VERIFIED and organisation.name == "Solo Person"
    assert services.organisation_register_individual(user=user) == organisation
    assert Organisation.objects.count() == 1
    entry = _only_entry("organisation.register_individual")
    assert entry.actor == user and entry.reason


# --- organisation_verify / organisation_reject -----------------------------------------------


def test_secretariat_verifies_a_pending_organisation(secretariat_user):
    organisation = make_organisation()
    services.organisation_verify(organisation=organisation, actor=secretariat_user, reason="OK")
    organisation.refresh_from_db()
    assert organisation.status == Status.VERIFIED
    assert organisation.verified_by == secretariat_user and organisation.verified_at
    entry = _only_entry("organisation.verify")
    assert entry.actor == secretariat_user and entry.reason == "OK"


def test_secretariat_rejects_with_a_reason(secretariat_user):
    organisation = make_organisation()
    services.organisation_reject(
        organisation=organisation, actor=secretariat_user, reason="Not a real company."
    )
    organisation.refresh_from_db()
    assert organisation.status == Status.REJECTED
    assert organisation.status_reason == "Not a real company."
    entry = _only_entry("organisation.reject")
    assert entry.actor == secretariat_user and entry.reason == "Not a real company."


def test_rejection_needs_a_reason(secretariat_user):
    organisation = make_organisation()
    with pytest.raises(ApplicationError) as caught:
        services.organisation_reject(organisation=organisation, actor=secretariat_user, reason=" ")
    assert caught.value.field == "reason"
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING
    assert not AuditEntry.objects.filter(action="organisation.reject").exists()


def test_a_decided_organisation_is_not_decided_again(secretariat_user):
    organisation = make_organisation()
    services.organisation_verify(organisation=organisation, actor=secretariat_user)
    with pytest.raises(ApplicationError, match="already verified"):
        services.organisation_reject(organisation=organisation, actor=secretariat_user, reason="x")
    with pytest.raises(ApplicationError):
        services.organisation_verify(organisation=organisation, actor=secretariat_user)
    assert AuditEntry.objects.filter(action__startswith="organisation.").count() == 2


def test_only_the_secretariat_verifies(stakeholder_user):
    organisation = make_organisation(admin=stakeholder_user)
    with pytest.raises(NotAllowed):
        services.organisation_verify(organisation=organisation, actor=stakeholder_user)
    with pytest.raises(NotAllowed):
        services.organisation_reject(organisation=organisation, actor=stakeholder_user, reason="x")
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING


# --- memberships ------------------------------------------------------------------------------


def test_request_to_join_then_admin_approves_as_representative():
    organisation = make_organisation(verified=True)
    admin = organisation.memberships.get().user
    user = make_user()
    membership = services.membership_request(user=user, organisation=organisation)
    assert membership.status == MemberStatus.PENDING and membership.role == Role.MEMBER
    services.membership_approve(membership=membership, actor=admin, role=Role.REPRESENTATIVE)
    membership.refresh_from_db()
    assert membership.status == MemberStatus.APPROVED
    assert membership.role == Role.REPRESENTATIVE and membership.decided_by == admin
    assert _only_entry("membership.approve").actor == admin
    assert _only_entry("membership.request").actor == user


def test_request_refused_when_already_member_or_pending_or_organisation_rejected(
    secretariat_user,
):
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    with pytest.raises(ApplicationError, match="already a member"):
        services.membership_request(user=admin, organisation=organisation)
    user = make_user()
    services.membership_request(user=user, organisation=organisation)
    with pytest.raises(ApplicationError, match="already pending"):
        services.membership_request(user=user, organisation=organisation)
    rejected = make_organisation()
    services.organisation_reject(organisation=rejected, actor=secretariat_user, reason="No.")
    with pytest.raises(ApplicationError):
        services.membership_request(user=user, organisation=rejected)
    personal = services.organisation_register_individual(user=make_user())
    with pytest.raises(ApplicationError):
        services.membership_request(user=user, organisation=personal)


def test_a_refused_user_may_ask_again():
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    user = make_user()
    membership = services.membership_request(user=user, organisation=organisation)
    services.membership_reject(membership=membership, actor=admin, reason="Who are you?")
    again = services.membership_request(user=user, organisation=organisation)
    assert again.pk == membership.pk and again.status == MemberStatus.PENDING
    assert again.reason == "" and again.decided_by is None


def test_membership_reject_needs_a_reason_and_writes_one_entry():
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    membership = services.membership_request(user=make_user(), organisation=organisation)
    with pytest.raises(ApplicationError):
        services.membership_reject(membership=membership, actor=admin, reason="")
    services.membership_reject(membership=membership, actor=admin, reason="Unknown person.")
    membership.refresh_from_db()
    assert membership.status == MemberStatus.REJECTED and membership.reason == "Unknown person."
    entry = _only_entry("membership.reject")
    assert entry.actor == admin and entry.reason == "Unknown person."


def test_members_and_other_organisations_admins_cannot_decide():
    organisation = make_organisation()
    member = add_member(organisation).user
    representative = add_member(organisation, role=Role.REPRESENTATIVE).user
    other_admin = make_organisation().memberships.get().user
    pending_admin = add_member(organisation, role=Role.ADMIN, status=MemberStatus.PENDING).user
    membership = services.membership_request(user=make_user(), organisation=organisation)
    for actor in (member, representative, other_admin, pending_admin):
        with pytest.raises(NotAllowed):
            services.membership_approve(membership=membership, actor=actor)
        with pytest.raises(NotAllowed):
            services.membership_reject(membership=membership, actor=actor, reason="x")
    membership.refresh_from_db()
    assert membership.status == MemberStatus.PENDING
    assert not AuditEntry.objects.filter(action__in=["membership.approve", "membership.reject"])


def test_secretariat_decides_any_request_but_not_twice(secretariat_user):
    organisation = make_organisation()
    membership = services.membership_request(user=make_user(), organisation=organisation)
    services.membership_approve(membership=membership, actor=secretariat_user)
    with pytest.raises(ApplicationError, match="already approved"):
        services.membership_reject(membership=membership, actor=secretariat_user, reason="x")
    assert _only_entry("membership.approve").actor == secretariat_user


def test_set_role_changes_the_role_and_keeps_one_admin():
    organisation = make_organisation()
    admin_membership = organisation.memberships.get()
    admin = admin_membership.user
    membership = add_member(organisation)
    services.membership_set_role(membership=membership, actor=admin, role=Role.REPRESENTATIVE)
    membership.refresh_from_db()
    assert membership.role == Role.REPRESENTATIVE
    entry = _only_entry("membership.set_role")
    assert (
        entry.actor == admin
        and entry.data["from"] == "member"
        and entry.data["to"] == ("representative")
    )
    with pytest.raises(ApplicationError, match="at least one admin"):
        services.membership_set_role(membership=admin_membership, actor=admin, role=Role.MEMBER)
    with pytest.raises(ApplicationError, match="already"):
        services.membership_set_role(membership=membership, actor=admin, role=Role.REPRESENTATIVE)
    with pytest.raises(ApplicationError):
        services.membership_set_role(membership=membership, actor=admin, role="emperor")
    with pytest.raises(NotAllowed):
        services.membership_set_role(membership=admin_membership, actor=membership.user, role="x")


def test_set_role_refuses_pending_members():
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    membership = services.membership_request(user=make_user(), organisation=organisation)
    with pytest.raises(ApplicationError, match="Only approved"):
        services.membership_set_role(membership=membership, actor=admin, role=Role.ADMIN)


# --- working groups and the audit trail --------------------------------------------------------


def test_working_group_create_and_add_member(secretariat_user, stakeholder_user):
    group = services.working_group_create(
        actor=secretariat_user,
        name="Transparency",
        slug="transparency",
        section_keys=["action-3", " action-3 ", "action-7"],
    )
    assert group.section_keys == ["action-3", "action-7"]
    services.working_group_add_member(
        working_group=group, user=stakeholder_user, actor=secretariat_user
    )
    assert list(group.members.all()) == [stakeholder_user]
    with pytest.raises(ApplicationError):
        services.working_group_add_member(
            working_group=group, user=stakeholder_user, actor=secretariat_user
        )
    with pytest.raises(ApplicationError):
        services.working_group_create(actor=secretariat_user, name="Again", slug="transparency")
    assert _only_entry("working_group.create").actor == secretariat_user
    assert _only_entry("working_group.add_member").data == {"user": stakeholder_user.email}


def test_only_the_secretariat_manages_working_groups(secretariat_user, stakeholder_user):
    with pytest.raises(NotAllowed):
        services.working_group_create(actor=stakeholder_user, name="X", slug="x")
    group = WorkingGroup.objects.create(name="G", slug="g")
    with pytest.raises(NotAllowed):
        services.working_group_add_member(
            working_group=group, user=stakeholder_user, actor=stakeholder_user
        )


def test_audit_entries_are_append_only():
    make_organisation()
    entry = AuditEntry.objects.get()
    entry.reason = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(reason="rewritten")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().reason == ""
