"""Builders for comments in tests, through the real services."""

import math
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from accounts.models import Membership, Organisation, User, WorkingGroup
from comments import services
from comments.anchoring import Quote
from comments.models import Comment
from drafts.models import DraftVersion
from tests.accounts.factories import add_member, make_organisation, make_user
from tests.drafts.factories import open_version


def representative_of(organisation: Organisation, user: User | None = None) -> User:
    """A user who may file on the organisation's behalf."""
    user = user or make_user()
    add_member(organisation, user, role=Membership.Role.REPRESENTATIVE)
    return user


def verified_organisation(**kwargs) -> Organisation:
    return make_organisation(verified=True, **kwargs)


def submit(
    *,
    version: DraftVersion,
    author: User,
    organisation: Organisation | None = None,
    line_start: int = 3,
    line_end: int | None = None,
    body: str = "This line should name who runs the red team.",
    quote: Quote | None = None,
    **fields,
) -> Comment:
    return services.comment_submit(
        version=version,
        author=author,
        data=services.CommentInput(
            line_start=line_start,
            line_end=line_end or line_start,
            body=body,
            quote=quote,
            organisation=organisation.slug if organisation is not None else "",
            **fields,
        ),
    )


def comment_inserts(count: int) -> int:
    """The statements that store ``count`` comments together: on PostgreSQL two (their ids
    taken from the sequence, then one COPY), elsewhere INSERTs in batches of 500, smaller
    where the database takes fewer parameters per statement (SQLite)."""
    if connection.vendor == "postgresql":
        return 2
    fields = [field for field in Comment._meta.concrete_fields if not field.primary_key]
    batch = min(500, connection.ops.bulk_batch_size(fields, [Comment()] * count))
    return math.ceil(count / batch)


def member_of(
    organisation: Organisation,
    user: User | None = None,
    *,
    role: str = Membership.Role.MEMBER,
    status: str = Membership.Status.APPROVED,
) -> User:
    """A user in the organisation (by default an approved plain member, who may not file)."""
    user = user or make_user()
    add_member(organisation, user, role=role, status=status)
    return user


def working_group_member(user: User | None = None) -> User:
    """A user in a G7 working group of their own, with two-factor authentication (sign them
    in with ``tests.conftest.login_with_two_factor``)."""
    from tests.conftest import with_two_factor

    user = user or make_user()
    group = WorkingGroup.objects.create(name=f"Working group of {user.email}", slug=f"wg-{user.pk}")
    group.members.add(user)
    return with_two_factor(user)


def age(comment: Comment, *, minutes: int) -> Comment:
    """Move the comment's filing time into the past (as the beat task sees it later)."""
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    comment.refresh_from_db()
    return comment


__all__ = ["open_version", "representative_of", "submit", "verified_organisation"]
