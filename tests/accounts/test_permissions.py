import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions
from accounts.models import Membership, Organisation, User, WorkingGroup
from tests.accounts.factories import add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db
Role = Membership.Role
Pending = Membership.Status.PENDING


def _fresh(user: User, *, two_factor: bool = True) -> User:
    """The user as a new request sees it: no cached facts; signed in with two-factor
    authentication unless told otherwise."""
    fresh = User.objects.get(pk=user.pk)
    permissions.record_authentication(fresh, two_factor=two_factor)
    return fresh


def test_roles_that_reach_confidential_material_hold_their_powers_only_with_two_factor(
    secretariat_user,
):
    organisation = make_organisation()
    staff = make_user(is_staff=True)
    member = make_user()
    WorkingGroup.objects.create(name="WG", slug="wg").members.add(member)
    for user in (secretariat_user, staff, member):
        without = _fresh(user, two_factor=False)
        assert permissions.requires_mfa(without) and permissions.lacks_two_factor(without)
        assert not permissions.is_secretariat(without)
        assert not permissions.is_working_group_member(without)
        assert not permissions.sees_every_comment(without)
        assert not permissions.can_see_confidential_of(without, organisation)
        assert not permissions.can_request_digest(without)
        assert not permissions.can_use_admin(without)
        assert permissions.digest_scope(without) == (False, False, frozenset())
        # Nobody vouched for a user loaded outside a request: no powers either.
        assert not permissions.sees_every_comment(User.objects.get(pk=user.pk))
        assert not permissions.lacks_two_factor(_fresh(user))
    assert permissions.is_secretariat(_fresh(secretariat_user))
    assert permissions.can_use_admin(_fresh(staff))
    assert permissions.can_see_confidential_of(_fresh(member), organisation)
    ordinary = _fresh(make_user(), two_factor=False)
    assert not permissions.requires_mfa(ordinary) and not permissions.lacks_two_factor(ordinary)


def test_can_file_for_needs_an_approved_representative_or_admin_of_a_verified_organisation():
    organisation = make_organisation(verified=True)
    admin = organisation.memberships.get().user
    representative = add_member(organisation, role=Role.REPRESENTATIVE).user
    member = add_member(organisation).user
    pending = add_member(organisation, role=Role.REPRESENTATIVE, status=Pending).user
    assert permissions.can_file_for(_fresh(admin), organisation)
    assert permissions.can_file_for(_fresh(representative), organisation)
    assert not permissions.can_file_for(_fresh(member), organisation)
    assert not permissions.can_file_for(_fresh(pending), organisation)
    assert not permissions.can_file_for(AnonymousUser(), organisation)
    unverified = make_organisation(admin=_fresh(admin))
    assert not permissions.can_file_for(_fresh(admin), unverified)


def test_can_manage_organisation(secretariat_user):
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    member = add_member(organisation).user
    other_admin = make_organisation().memberships.get().user
    assert permissions.can_manage_organisation(_fresh(admin), organisation)
    assert permissions.can_manage_organisation(secretariat_user, organisation)
    assert not permissions.can_manage_organisation(_fresh(member), organisation)
    assert not permissions.can_manage_organisation(_fresh(other_admin), organisation)
    assert not permissions.can_manage_organisation(AnonymousUser(), organisation)


def test_secretariat_only_powers(secretariat_user, stakeholder_user):
    for check in (
        permissions.can_verify_organisations,
        permissions.can_moderate,
        permissions.can_dispose,
    ):
        assert check(secretariat_user)
        assert not check(stakeholder_user)
        assert not check(AnonymousUser())


def test_working_group_members_request_digests_and_see_confidential_input(
    secretariat_user, stakeholder_user
):
    organisation = make_organisation()
    assert not permissions.is_working_group_member(_fresh(stakeholder_user))
    assert not permissions.can_request_digest(_fresh(stakeholder_user))
    assert not permissions.can_see_confidential_of(_fresh(stakeholder_user), organisation)
    WorkingGroup.objects.create(name="WG", slug="wg").members.add(stakeholder_user)
    assert permissions.is_working_group_member(_fresh(stakeholder_user))
    assert permissions.can_request_digest(_fresh(stakeholder_user))
    assert permissions.can_see_confidential_of(_fresh(stakeholder_user), organisation)
    assert permissions.can_request_digest(secretariat_user)
    assert not permissions.can_request_digest(AnonymousUser())


def test_confidential_input_is_seen_by_approved_members_only():
    organisation = make_organisation()
    member = add_member(organisation).user
    pending = add_member(organisation, status=Pending).user
    outsider = make_user()
    assert permissions.can_see_confidential_of(_fresh(member), organisation)
    assert not permissions.can_see_confidential_of(_fresh(pending), organisation)
    assert not permissions.can_see_confidential_of(outsider, organisation)
    assert not permissions.can_see_confidential_of(AnonymousUser(), organisation)


def test_facts_are_cached_per_user_object(django_assert_num_queries):
    organisations = [make_organisation(verified=True) for _ in range(5)]
    user = make_user()
    for organisation in organisations:
        add_member(organisation, user, role=Role.REPRESENTATIVE)
    user = _fresh(user)
    with django_assert_num_queries(1):  # groups, memberships and working groups together
        for organisation in organisations:
            assert permissions.can_file_for(user, organisation)
            assert not permissions.can_manage_organisation(user, organisation)
            assert permissions.can_see_confidential_of(user, organisation)
            assert not permissions.can_request_digest(user)
    assert Organisation.objects.count() == 5


def test_every_fact_comes_from_the_one_query(secretariat_user, django_assert_num_queries):
    """The secretariat group, working groups and memberships, read together, each count."""
    own, pending_at, other = (make_organisation(verified=True) for _ in range(3))
    add_member(own, secretariat_user, role=Role.ADMIN)
    add_member(pending_at, secretariat_user, role=Role.REPRESENTATIVE, status=Pending)
    first, second = (WorkingGroup.objects.create(name=n, slug=n) for n in ("wg-1", "wg-2"))
    first.members.add(secretariat_user)
    second.members.add(secretariat_user)
    user = _fresh(secretariat_user)
    with django_assert_num_queries(1):
        assert permissions.is_secretariat(user)
        assert permissions.is_working_group_member(user)
        assert permissions.digest_scope(user) == (True, True, frozenset())
        assert permissions.organisations_seen_from_inside(user) == {own.pk}
        assert permissions.can_file_for(user, own)
        assert not permissions.can_file_for(user, pending_at)
        assert not permissions.can_file_for(user, other)
    outsider = _fresh(make_user())
    with django_assert_num_queries(1):
        assert not permissions.is_secretariat(outsider)
        assert not permissions.is_working_group_member(outsider)
        assert permissions.organisations_seen_from_inside(outsider) == set()
    second.members.add(outsider)
    member = _fresh(outsider)
    assert permissions.digest_scope(member) == (False, True, frozenset({second.pk}))
    permissions.forget_cached_facts(member)
    second.members.remove(outsider)
    assert not permissions.is_working_group_member(member)
