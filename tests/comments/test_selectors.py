"""The comment selectors: who may know a comment exists (confidential, hidden and withdrawn
ones exist only for the filing organisation, the secretariat and the working groups), what each
filter keeps, and query counts that do not grow with the number of comments."""

from dataclasses import fields
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts import permissions
from accounts import services as account_services
from accounts.models import Membership, User
from comments import selectors, services
from comments.models import Comment
from drafts.models import DraftVersion
from tests.accounts.factories import make_user
from tests.comments.factories import (
    member_of,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role
MemberStatus = Membership.Status


def _fresh(user: User | AnonymousUser) -> User | AnonymousUser:
    """The user as a new request signed in with two-factor authentication sees it: no facts
    cached on the object."""
    return _reloaded(user) if isinstance(user, User) else AnonymousUser()


def _reloaded(user: User) -> User:
    reloaded = User.objects.get(pk=user.pk)
    permissions.record_authentication(reloaded, two_factor=True)
    return reloaded


def _filters(params: dict[str, str]) -> selectors.CommentFilters:
    """The filters as a list page's query string would set them."""
    names = [field.name for field in fields(selectors.CommentFilters)]
    return selectors.CommentFilters.from_query(params, names=names)


def _refs(comments) -> list[str]:
    return [comment.reference for comment in comments]


@pytest.fixture
def version() -> DraftVersion:
    return open_version()


@pytest.fixture
def world(version, secretariat_user) -> SimpleNamespace:
    """Organisation A files one comment of each kind on lines 4–7; B files a public one."""
    org_a = verified_organisation(name="Org A", country="JP")
    org_b = verified_organisation(name="Org B", country="FR", stakeholder_type="academic")
    author = representative_of(org_a)
    public = submit(version=version, author=author, organisation=org_a, line_start=4)
    confidential = submit(
        version=version,
        author=author,
        organisation=org_a,
        line_start=5,
        visibility=Comment.Visibility.CONFIDENTIAL,
        kind=Comment.Kind.TECHNICAL,
        stance=Comment.Stance.OPPOSE,
    )
    services.comment_dispose(
        comments=[confidential], user=secretariat_user, outcome="noted", response="Noted."
    )
    hidden = services.comment_hide(
        comment=submit(version=version, author=author, organisation=org_a, line_start=6),
        moderator=secretariat_user,
        reason="Advertising.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(
            version=version, author=author, organisation=org_a, line_start=7, stance="support"
        ),
        user=author,
    )
    other = submit(
        version=version, author=representative_of(org_b), organisation=org_b, line_start=8
    )
    group = account_services.working_group_create(
        actor=secretariat_user, name="Risk working group", slug="risk"
    )
    group_member = make_user()
    account_services.working_group_add_member(
        working_group=group, user=group_member, actor=secretariat_user
    )
    viewers = {
        "author": author,
        "a-admin": org_a.memberships.get(role=Role.ADMIN).user,
        "a-member": member_of(org_a),
        "secretariat": secretariat_user,
        "working-group": group_member,
        "b-representative": org_b.memberships.get(role=Role.ADMIN).user,
        "a-pending-member": member_of(org_a, status=MemberStatus.PENDING),
        "a-rejected-member": member_of(org_a, status=MemberStatus.REJECTED),
        "no-organisation": make_user(),
        "anonymous": AnonymousUser(),
    }
    return SimpleNamespace(
        version=version,
        public=public,
        confidential=Comment.objects.get(pk=confidential.pk),
        hidden=hidden,
        withdrawn=withdrawn,
        other=other,
        secrets=[Comment.objects.get(pk=c.pk) for c in (confidential, hidden, withdrawn)],
        viewers=viewers,
    )


INSIDERS = ["author", "a-admin", "a-member", "secretariat", "working-group"]
OUTSIDERS = [
    "b-representative",
    "a-pending-member",
    "a-rejected-member",
    "no-organisation",
    "anonymous",
]


def _viewer(world, name: str) -> User | AnonymousUser:
    return _fresh(world.viewers[name])


# --- confidentiality -----------------------------------------------------------------------


@pytest.mark.parametrize("name", [*INSIDERS, *OUTSIDERS])
def test_the_visibility_query_and_the_predicate_agree_for_every_comment(world, name):
    """``Comment.objects.visible_to`` is ``can_see_comment`` as a query: for every viewer, a
    comment is in the one exactly when the other says so."""
    user = _viewer(world, name)
    comments = [world.public, world.other, *world.secrets]
    listed = set(Comment.objects.visible_to(user))
    for comment in comments:
        assert (comment in listed) is permissions.can_see_comment(user, comment), comment
    assert listed == set(Comment.objects.visible_to(user).filter(pk__in=[c.pk for c in comments]))


@pytest.mark.parametrize("name", INSIDERS)
def test_insiders_see_every_comment_of_the_organisation(world, name):
    user = _viewer(world, name)
    everything = {world.public, world.other, *world.secrets}
    assert set(Comment.objects.visible_to(user)) == everything
    for comment in everything:
        assert selectors.comment_get(user=user, reference=comment.reference) == comment
    assert selectors.line_counts(user=user, version=world.version).comments == {
        4: 1,
        5: 1,
        6: 1,
        8: 1,  # withdrawn comments (line 7) are not counted on the draft page
    }
    assert set(selectors.version_comments(user=user, version=world.version)) == everything


@pytest.mark.parametrize("name", OUTSIDERS)
def test_for_outsiders_confidential_hidden_and_withdrawn_comments_do_not_exist(world, name):
    user = _viewer(world, name)
    assert set(Comment.objects.visible_to(user)) == {world.public, world.other}
    for comment in world.secrets:
        with pytest.raises(Http404):
            selectors.comment_get(user=user, reference=comment.reference)
    assert selectors.comment_get(user=user, reference=world.public.reference) == world.public
    assert selectors.line_counts(user=user, version=world.version).comments == {4: 1, 8: 1}
    assert _refs(selectors.version_comments(user=user, version=world.version)) == _refs(
        [world.public, world.other]
    )


def _filters_matching(comment: Comment) -> list[dict[str, str]]:
    """Every filter of version_comments, set to a value that keeps ``comment``."""
    disposition = getattr(comment, "disposition", None)
    return [
        {"section": comment.section.key},
        {"kind": comment.kind},
        {"stance": comment.stance},
        {"stakeholder_type": comment.stakeholder_type},
        {"country": comment.country},
        {"state": comment.state},
        {"visibility": comment.visibility},
        {"disposition": disposition.outcome if disposition else "open"},
        {"line": str(comment.line_start)},
        {
            "section": comment.section.key,
            "state": comment.state,
            "visibility": comment.visibility,
            "line": str(comment.line_start),
        },
    ]


@pytest.mark.parametrize("name", [*INSIDERS, *OUTSIDERS])
def test_no_filter_brings_back_a_comment_the_user_may_not_see(world, name):
    user = _viewer(world, name)
    for comment in world.secrets:
        for filters in _filters_matching(comment):
            found = selectors.version_comments(
                user=user, version=world.version, filters=_filters(filters)
            )
            assert (comment in set(found)) is (name in INSIDERS), (comment, filters)


def test_an_outsider_asking_for_confidential_or_hidden_comments_gets_none(world):
    user = _viewer(world, "no-organisation")
    for filters in (
        {"visibility": "confidential"},
        {"state": "hidden"},
        {"state": "withdrawn"},
        {"disposition": "noted"},
    ):
        assert not selectors.version_comments(
            user=user, version=world.version, filters=_filters(filters)
        )


def test_membership_changes_take_effect_on_the_next_request(world):
    """Facts are cached on the user object for one request, so a fresh object is needed."""
    newcomer = member_of(verified_organisation(), make_user())
    Membership.objects.create(
        user=newcomer,
        organisation=world.public.organisation,
        role=Role.MEMBER,
        status=MemberStatus.PENDING,
    )
    assert world.confidential not in set(Comment.objects.visible_to(_fresh(newcomer)))
    Membership.objects.filter(user=newcomer, organisation=world.public.organisation).update(
        status=MemberStatus.APPROVED
    )
    assert world.confidential in set(Comment.objects.visible_to(_fresh(newcomer)))


def test_a_confidential_comment_filed_as_an_individual_is_seen_by_its_author_only(
    version, secretariat_user
):
    person = make_user()
    own = submit(version=version, author=person, visibility="confidential")
    assert selectors.comment_get(user=_fresh(person), reference=own.reference) == own
    assert selectors.comment_get(user=secretariat_user, reference=own.reference) == own
    with pytest.raises(Http404):
        selectors.comment_get(user=make_user(), reference=own.reference)
    with pytest.raises(Http404):
        selectors.comment_get(user=AnonymousUser(), reference=own.reference)


def test_an_unknown_reference_is_a_404(world):
    with pytest.raises(Http404):
        selectors.comment_get(user=world.viewers["secretariat"], reference="HAIP-V1-999999")


# --- version_comments filters --------------------------------------------------------------


@pytest.fixture
def catalogue(version, secretariat_user) -> dict[str, Comment]:
    """Five comments differing in every filtered field, seen by the secretariat."""
    jp = verified_organisation(name="JP Co", country="JP", stakeholder_type="company")
    fr = verified_organisation(name="FR Lab", country="FR", stakeholder_type="academic")
    jp_rep, fr_rep = representative_of(jp), representative_of(fr)
    c = {
        "c1": submit(
            version=version,
            author=jp_rep,
            organisation=jp,
            line_start=4,
            kind="technical",
            stance="support",
        ),
        "c2": submit(
            version=version,
            author=fr_rep,
            organisation=fr,
            line_start=8,
            kind="editorial",
            stance="oppose",
        ),
        "c3": submit(version=version, author=make_user(), line_start=5, line_end=9, stance="amend"),
        "c4": submit(
            version=version, author=fr_rep, organisation=fr, line_start=10, kind="technical"
        ),
        "c5": submit(
            version=version,
            author=jp_rep,
            organisation=jp,
            line_start=12,
            stance="support",
            visibility="confidential",
        ),
    }
    services.comment_dispose(
        comments=[c["c1"]], user=secretariat_user, outcome="accepted", response="Yes."
    )
    services.comment_dispose(
        comments=[c["c2"]], user=secretariat_user, outcome="rejected", response="No."
    )
    services.comment_hide(comment=c["c4"], moderator=secretariat_user, reason="Spam.")
    return c


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["c1", "c3", "c2", "c4", "c5"]),
        ({"section": "action-1"}, ["c1", "c3"]),
        ({"section": "action-2"}, ["c2", "c4"]),
        ({"section": "action-3"}, ["c5"]),
        ({"section": "preamble"}, []),
        ({"kind": "technical"}, ["c1", "c4"]),
        ({"kind": "editorial"}, ["c2"]),
        ({"kind": "general"}, ["c3", "c5"]),
        ({"stance": "support"}, ["c1", "c5"]),
        ({"stance": "oppose"}, ["c2"]),
        ({"stance": "amend"}, ["c3"]),
        ({"stakeholder_type": "company"}, ["c1", "c5"]),
        ({"stakeholder_type": "academic"}, ["c2", "c4"]),
        ({"stakeholder_type": "individual"}, ["c3"]),
        ({"country": "JP"}, ["c1", "c5"]),
        ({"country": "FR"}, ["c2", "c4"]),
        ({"country": "DE"}, []),
        ({"state": "published"}, ["c1", "c3", "c2", "c5"]),
        ({"state": "hidden"}, ["c4"]),
        ({"state": "withdrawn"}, []),
        ({"visibility": "confidential"}, ["c5"]),
        ({"disposition": "open"}, ["c3", "c4", "c5"]),
        ({"disposition": "accepted"}, ["c1"]),
        ({"disposition": "rejected"}, ["c2"]),
        ({"disposition": "noted"}, []),
        ({"line": "1"}, []),
        ({"line": "4"}, ["c1"]),
        ({"line": "5"}, ["c3"]),
        ({"line": "8"}, ["c3", "c2"]),
        ({"line": "9"}, ["c3"]),
        ({"line": "10"}, ["c4"]),  # a number, not text: "10" < "4" would be lexical
        ({"kind": "technical", "country": "FR"}, ["c4"]),
        ({"section": "action-1", "stance": "amend"}, ["c3"]),
        ({"disposition": "open", "stakeholder_type": "company"}, ["c5"]),
        ({"kind": "", "country": ""}, ["c1", "c3", "c2", "c4", "c5"]),  # blank = no filter
    ],
)
def test_each_filter_narrows_the_list(catalogue, version, secretariat_user, filters, expected):
    found = selectors.version_comments(
        user=secretariat_user, version=version, filters=_filters(filters)
    )
    assert _refs(found) == [catalogue[key].reference for key in expected]


def test_the_list_is_limited_to_the_version(catalogue, version, secretariat_user):
    assert not selectors.version_comments(
        user=secretariat_user,
        version=open_version(slug="other-draft"),
    )
    assert (
        selectors.line_counts(
            user=secretariat_user, version=open_version(slug="third-draft")
        ).comments
        == {}
    )


def test_the_list_counts_endorsements(catalogue, version, secretariat_user):
    for _ in range(2):
        endorser = verified_organisation()
        services.endorsement_create(
            comment=catalogue["c1"], user=representative_of(endorser), organisation=endorser
        )
    counts = {
        comment.reference: comment.endorsement_count  # type: ignore[attr-defined]
        for comment in selectors.version_comments(user=secretariat_user, version=version)
    }
    assert counts[catalogue["c1"].reference] == 2
    assert counts[catalogue["c2"].reference] == 0


# --- comments_of_user and flags_open -------------------------------------------------------


def test_comments_of_user_are_their_own_and_their_organisations(world, version):
    member = _reloaded(world.viewers["a-member"])
    assert set(selectors.comments_of_user(member)) == {world.public, *world.secrets}
    person = make_user()
    own = submit(version=version, author=person)
    assert list(selectors.comments_of_user(_reloaded(person))) == [own]
    assert not selectors.comments_of_user(_reloaded(world.viewers["no-organisation"]))


def test_flags_open_lists_unresolved_flags_oldest_first(world, secretariat_user):
    first = services.flag_create(comment=world.public, user=make_user(), reason="Spam.")
    second = services.flag_create(comment=world.other, user=make_user(), reason="Rude.")
    third = services.flag_create(comment=world.public, user=make_user(), reason="Also spam.")
    assert list(selectors.flags_open()) == [first, second, third]
    services.comment_hide(comment=world.public, moderator=secretariat_user, reason="Spam.")
    assert list(selectors.flags_open()) == [second]


# --- query counts --------------------------------------------------------------------------


def _add_comments(version: DraftVersion, count: int, secretariat_user: User) -> None:
    """Comments spread over lines, organisations, visibilities, dispositions, endorsements."""
    organisations = [verified_organisation() for _ in range(3)]
    representatives = [representative_of(organisation) for organisation in organisations]
    for n in range(count):
        index = n % 3
        comment = submit(
            version=version,
            author=representatives[index],
            organisation=organisations[index],
            line_start=1 + n % version.line_count,
            visibility="confidential" if n % 4 == 0 else "public",
        )
        if n % 5 == 0:
            services.comment_dispose(
                comments=[comment], user=secretariat_user, outcome="noted", response="Noted."
            )
        if n % 4 == 1:
            endorser = organisations[(index + 1) % 3]
            services.endorsement_create(
                comment=comment, user=representatives[(index + 1) % 3], organisation=endorser
            )


def _viewers_with_warm_facts(secretariat_user: User) -> list[User | AnonymousUser]:
    """Viewers whose per-request facts (groups, memberships) are already loaded."""
    member = make_user()
    organisation = verified_organisation()
    member_of(organisation, member)
    viewers: list[User | AnonymousUser] = [
        AnonymousUser(),
        _fresh(member),
        _fresh(secretariat_user),
    ]
    for viewer in viewers:
        Comment.objects.visible_to(viewer)
    return viewers


def _render_list(comments) -> None:
    """Touch what a list page shows of each comment."""
    for comment in comments:
        _ = (
            comment.section.heading,
            comment.organisation.name,
            getattr(comment, "disposition", None),
            comment.endorsement_count,
            comment.get_absolute_url(),
        )


def test_line_counts_read_the_kept_counts_in_a_fixed_number_of_queries(
    version, secretariat_user, django_assert_num_queries
):
    """One query of the kept counts; a member of an organisation adds one over its own
    confidential and hidden comments."""
    viewers = _viewers_with_warm_facts(secretariat_user)
    for total in (3, 30):
        _add_comments(version, total - Comment.objects.count(), secretariat_user)
        for viewer, queries in zip(viewers, (1, 2, 1), strict=True):
            with django_assert_num_queries(queries):
                counts = selectors.line_counts(user=viewer, version=version)
            assert counts.total <= total
        assert counts.total == total  # the secretariat sees every comment


def test_version_comments_queries_do_not_grow_with_the_comments(
    version, secretariat_user, django_assert_num_queries
):
    viewers = _viewers_with_warm_facts(secretariat_user)
    for total in (5, 50):
        _add_comments(version, total - Comment.objects.count(), secretariat_user)
        for viewer in viewers:
            with django_assert_num_queries(1):
                _render_list(selectors.version_comments(user=viewer, version=version))
    assert len(selectors.version_comments(user=viewers[-1], version=version)) == 50


def test_a_cold_request_adds_a_fixed_number_of_queries(
    version, secretariat_user, django_assert_max_num_queries
):
    """Loading the user's groups, working groups and memberships once: three queries."""
    _add_comments(version, 20, secretariat_user)
    member = make_user()
    member_of(verified_organisation(), member)
    for viewer in (member, secretariat_user):
        cold = _fresh(viewer)
        with django_assert_max_num_queries(4):
            _render_list(selectors.version_comments(user=cold, version=version))
        cold = _fresh(viewer)
        with django_assert_max_num_queries(4):
            selectors.line_counts(user=cold, version=version)
