"""Every "may this user do this?" question of the portal is answered here.

Pages, the API, exports and tasks call these functions instead of checking groups or flags
themselves, so a rule changes in one place.
"""

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.db.models import Q

from .models import Membership, Organisation, User, WorkingGroup

SECRETARIAT_GROUP = "secretariat"

# --- Facts about the user, loaded once per request ----------------------------------------
#
# Whether the user is in the secretariat group, their working groups and their memberships
# are read together in one query the first time any check needs one of them, and cached on
# the user object (one per request), so a page or API call asking several questions, or the
# same question for every row of a list, stays at one query for all of them.

_FACTS = ("_is_secretariat", "_is_working_group_member", "_working_group_ids", "_membership_index")


@cache
def _facts_sql(vendor: str) -> str:
    """The facts query: the user's secretariat group, working groups and memberships as rows
    of ``(kind, id, role, status)``; its parameters are the user's id three times and the
    secretariat group's name (see :func:`_load_facts`).

    Written out, not built with the ORM: building and compiling the same ``UNION ALL`` of three
    querysets took ~2 ms per request, ten times what the database needs to answer it. Only
    table and column names from the models are put into the text, quoted as ``vendor``'s
    backend quotes them (hence cached per vendor); values are parameters.
    """
    quote = connection.ops.quote_name

    def column(model: Any, field: str) -> str:
        meta = model._meta
        return f"{quote(meta.db_table)}.{quote(meta.get_field(field).column)}"

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    user_groups, group_members = User.groups.through, WorkingGroup.members.through
    return (
        f"SELECT 'secretariat', {column(Group, 'id')}, '', '' "  # noqa: S608 - names only
        f"FROM {table(Group)} INNER JOIN {table(user_groups)} "
        f"ON {column(user_groups, 'group')} = {column(Group, 'id')} "
        f"WHERE {column(user_groups, 'user')} = %s AND {column(Group, 'name')} = %s "
        f"UNION ALL SELECT 'working_group', {column(group_members, 'workinggroup')}, '', '' "
        f"FROM {table(group_members)} WHERE {column(group_members, 'user')} = %s "
        f"UNION ALL SELECT 'membership', {column(Membership, 'organisation')}, "
        f"{column(Membership, 'role')}, {column(Membership, 'status')} "
        f"FROM {table(Membership)} WHERE {column(Membership, 'user')} = %s"
    )


def _load_facts(user: User) -> None:
    """Read the secretariat group, the working groups and the memberships of ``user`` in one
    query, and cache them on ``user``."""
    in_secretariat = False
    working_group_ids: set[int] = set()
    membership_index: dict[int, tuple[str, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            _facts_sql(connection.vendor), [user.pk, SECRETARIAT_GROUP, user.pk, user.pk]
        )
        for kind, pk, role, status in cursor.fetchall():
            if kind == "secretariat":
                in_secretariat = True
            elif kind == "working_group":
                working_group_ids.add(pk)
            else:
                membership_index[pk] = (role, status)
    user._is_secretariat = in_secretariat  # type: ignore[attr-defined]
    user._is_working_group_member = bool(working_group_ids)  # type: ignore[attr-defined]
    user._working_group_ids = frozenset(working_group_ids)  # type: ignore[attr-defined]
    user._membership_index = membership_index  # type: ignore[attr-defined]


def _fact(user: User, name: str) -> Any:
    """One of the cached facts of ``user`` (see :data:`_FACTS`), loading them all if needed."""
    if not hasattr(user, name):
        _load_facts(user)
    return getattr(user, name)


def forget_cached_facts(user: User | AnonymousUser) -> None:
    """Drop the per-request facts cached on ``user`` (after a service changed them)."""
    for name in _FACTS:
        if hasattr(user, name):
            delattr(user, name)


# --- Two-factor authentication --------------------------------------------------------
#
# The secretariat's, staff's and working-group members' powers reach other people's
# confidential material, so a person holds them only while signed in with two-factor
# authentication, or through an API token created from such a session. Whoever authenticates
# a request says how it was done (the session middleware, the token authentication); a user
# object nobody vouched for (loaded from the database by a task, say) holds none of them.

_TWO_FACTOR = "_passed_two_factor"


def record_authentication(user: User | AnonymousUser, *, two_factor: bool) -> None:
    """Note on ``user`` (one object per request) whether this request's authentication
    passed two-factor: a session that did, or a token created from one."""
    if user.is_authenticated:
        setattr(user, _TWO_FACTOR, two_factor)


def passed_two_factor(user: User | AnonymousUser) -> bool:
    """Whether this request's user passed two-factor authentication (see
    :func:`record_authentication`); ``False`` when nobody said so."""
    return bool(user.is_authenticated and getattr(user, _TWO_FACTOR, False))


def _in_secretariat(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(_fact(user, "_is_secretariat"))


def _in_a_working_group(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and bool(_fact(user, "_is_working_group_member"))


def requires_mfa(user: User | AnonymousUser) -> bool:
    """Whether the user's roles (secretariat, staff, working group) carry powers over other
    people's confidential material, which they hold only with two-factor authentication."""
    if not user.is_authenticated:
        return False
    return user.is_staff or _in_secretariat(user) or _in_a_working_group(user)


def lacks_two_factor(user: User | AnonymousUser) -> bool:
    """A role that needs two-factor authentication, in a request that did not pass it: the
    user acts as an ordinary stakeholder and is told how to get the role's powers."""
    return requires_mfa(user) and not passed_two_factor(user)


def is_secretariat(user: User | AnonymousUser) -> bool:
    """Members of the secretariat group (and superusers) run the consultation, once signed
    in with two-factor authentication."""
    return _in_secretariat(user) and passed_two_factor(user)


def can_use_admin(user: User | AnonymousUser) -> bool:
    """The Django admin, for support staff: active staff signed in with two-factor."""
    return bool(user.is_authenticated and user.is_active and user.is_staff) and (
        passed_two_factor(user)
    )


def can_manage_drafts(user: User | AnonymousUser) -> bool:
    """Create drafts, edit unpublished versions, publish and close comment periods."""
    return is_secretariat(user)


def can_view_unpublished_versions(user: User | AnonymousUser) -> bool:
    """Versions still in ``draft`` status are seen only by those who prepare them."""
    return is_secretariat(user)


# --- Organisations, moderation, working groups ------------------------------------------


def _memberships(user: User) -> dict[int, tuple[str, str]]:
    """The user's memberships as ``{organisation_id: (role, status)}``."""
    memberships: dict[int, tuple[str, str]] = _fact(user, "_membership_index")
    return memberships


def _approved_role(user: User | AnonymousUser, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    role, status = _memberships(user).get(organisation.pk, ("", ""))
    return role if status == Membership.Status.APPROVED else None


def can_file_for(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Comment on an organisation's behalf: its approved representative or admin, once the
    secretariat has verified it."""
    if organisation.status != Organisation.Status.VERIFIED:
        return False
    return _approved_role(user, organisation) in (
        Membership.Role.REPRESENTATIVE,
        Membership.Role.ADMIN,
    )


def files_for_once_verified(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """The user would file on the organisation's behalf (see :func:`can_file_for`), but the
    secretariat has not verified it yet: the comment form says so where it would offer it."""
    return organisation.status == Organisation.Status.PENDING and _approved_role(
        user, organisation
    ) in (Membership.Role.REPRESENTATIVE, Membership.Role.ADMIN)


def can_manage_organisation(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Decide membership requests and roles: the organisation's approved admins, or the
    secretariat."""
    return is_secretariat(user) or _approved_role(user, organisation) == Membership.Role.ADMIN


def can_verify_organisations(user: User | AnonymousUser) -> bool:
    """Verify or reject registered organisations."""
    return is_secretariat(user)


def can_moderate(user: User | AnonymousUser) -> bool:
    """Hide and restore comments, and dismiss readers' reports on them, with a reason."""
    return is_secretariat(user)


def can_dispose(user: User | AnonymousUser) -> bool:
    """Answer comments with a disposition."""
    return is_secretariat(user)


def can_review_carried_comments(user: User | AnonymousUser) -> bool:
    """Confirm, re-point or mark answered by removal the comments carried to a new version
    whose text was rewritten."""
    return is_secretariat(user)


def can_view_audit_trail(user: User | AnonymousUser) -> bool:
    """Read the audit trail of decisions."""
    return is_secretariat(user)


def can_manage_working_groups(user: User | AnonymousUser) -> bool:
    """Create working groups and choose their members."""
    return is_secretariat(user)


def is_working_group_member(user: User | AnonymousUser) -> bool:
    """Members of any G7 working group, once signed in with two-factor authentication."""
    return _in_a_working_group(user) and passed_two_factor(user)


def can_request_digest(user: User | AnonymousUser) -> bool:
    """Ask for a synthesis digest: the secretariat and working-group members."""
    return is_secretariat(user) or is_working_group_member(user)


def _working_group_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The working groups whose powers the user holds (see :func:`is_working_group_member`)."""
    if not user.is_authenticated or not is_working_group_member(user):
        return frozenset()
    groups: frozenset[int] = _fact(user, "_working_group_ids")
    return groups


def digest_scope(user: User | AnonymousUser) -> tuple[bool, bool, frozenset[int]]:
    """What digests the user may read, as ``(every digest, unscoped working-group digests,
    working groups whose own digests)``; public digests are read by everyone.

    The secretariat reads them all. A working-group digest scoped to one group is read by that
    group's members; one covering the whole version, by every working-group member.
    """
    if is_secretariat(user):
        return True, True, frozenset()
    groups = _working_group_ids(user)
    return False, bool(groups), groups


def can_see_digest(user: User | AnonymousUser, digest: Any) -> bool:
    """Whether ``digest`` exists at all for this user (same rule as :func:`digest_scope`)."""
    if digest.audience == "public":
        return True
    every, unscoped, groups = digest_scope(user)
    if every:
        return True
    if digest.working_group_id is None:
        return unscoped
    return digest.working_group_id in groups


def can_see_confidential_of(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Read an organisation's confidential comments: the secretariat, the working groups, and
    the organisation's own approved members."""
    return (
        is_secretariat(user)
        or is_working_group_member(user)
        or _approved_role(user, organisation) is not None
    )


# --- Comments -------------------------------------------------------------------------
#
# The comments app asks these with its own rows; they look only at the fields named here, so
# this module needs no import of the comments app.


def organisations_seen_from_inside(user: User | AnonymousUser) -> set[int]:
    """Organisations whose confidential and hidden comments the user may read as a member."""
    if not user.is_authenticated:
        return set()
    return {
        organisation_id
        for organisation_id, (_role, status) in _memberships(user).items()
        if status == Membership.Status.APPROVED
    }


def sees_every_comment(user: User | AnonymousUser) -> bool:
    """The secretariat and the working groups read every comment, confidential ones included."""
    return is_secretariat(user) or is_working_group_member(user)


def can_see_comment(user: User | AnonymousUser, comment: Any) -> bool:
    """Whether ``comment`` exists at all for this user.

    Published public comments are seen by everyone. Confidential, hidden and withdrawn ones
    are seen by the secretariat, the working groups and the filing organisation's members;
    to everyone else they do not exist (no text, no count, a 404).
    """
    if comment.visibility == "public" and comment.state == "published":
        return True
    return sees_every_comment(user) or comment.organisation_id in organisations_seen_from_inside(
        user
    )


def comments_seen_by(user: User | AnonymousUser) -> Q | None:
    """:func:`can_see_comment` as a query on comments (``Comment.objects.visible_to(user)``):
    None when the user sees every comment."""
    if sees_every_comment(user):
        return None
    public = Q(visibility="public", state="published")
    inside = organisations_seen_from_inside(user)
    return public | Q(organisation_id__in=inside) if inside else public


def can_edit_comment(user: User | AnonymousUser, comment: Any) -> bool:
    """Edit or withdraw: the comment's author only."""
    return bool(user.is_authenticated and comment.author_id == user.pk)


def token_scopes_missing(token: Any, required: Iterable[str]) -> list[str]:
    """The scopes in ``required`` that a request made with ``token`` lacks (sorted; empty if
    none). ``token`` is the request's ApiToken, or anything else for a request without one
    (a browser session or an anonymous request): scopes limit tokens, not people."""
    scopes = getattr(token, "scopes", None)
    if scopes is None:
        return []
    return sorted(set(required) - set(scopes))


def can_answer_disposition(user: User | AnonymousUser, comment: Any) -> bool:
    """Accept or object to the secretariat's answer to a comment: its author, or an approved
    representative (or admin) of the verified organisation it was filed for."""
    if not user.is_authenticated:
        return False
    if comment.author_id == user.pk:
        return True
    organisation = comment.organisation
    return organisation is not None and can_file_for(user, organisation)


def can_keep_receipt(user: User | AnonymousUser, comment: Any) -> bool:
    """The filing receipt (its page and its PDF): the comment's author only."""
    return bool(user.is_authenticated and comment.author_id == user.pk)


def can_attach_to_comment(user: User | AnonymousUser, comment: Any) -> bool:
    """Attach position papers: the comment's author only."""
    return can_edit_comment(user, comment)


def can_download_attachment(user: User | AnonymousUser, comment: Any) -> bool:
    """Read a comment's attachments: whoever may see the comment (for anyone else neither
    exists)."""
    return can_see_comment(user, comment)
