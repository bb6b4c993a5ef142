"""Building and inserting new comments in bulk (comments.services.inserts): a comment built by
position holds what keyword construction gives, and the insert (COPY on PostgreSQL,
bulk_create elsewhere) stores every field, gives ids in order and lets the table refuse."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from comments.models import Comment
from comments.services.inserts import comment_new, comments_insert
from drafts.models import Line

pytestmark = pytest.mark.django_db


def _values(version, n: int = 0) -> dict:
    line = Line.objects.get(version=version, number=4)
    return {
        "section_id": line.section_id,
        "line_start": 4,
        "line_end": 5,
        "quote_exact": "organisations document",
        "quote_prefix": "All ",
        "quote_start": 3,
        "kind": Comment.Kind.TECHNICAL,
        "stance": "amend",
        "body": f"Comment {n}: name who runs the red team.\nAnd when.",
        "proposed_text": "Organisations document and publish.",
        "visibility": Comment.Visibility.CONFIDENTIAL,
        "language": "en",
        "channel": Comment.Channel.API,
        "external_id": f"row-{n}",
        "content_hash": "0" * 64,
        "stakeholder_type": "academic",
        "country": "FR",
        "receipt_sent_at": timezone.now(),
        "number": 100 + n,
        "reference": f"HAIP-V1-{100 + n:06d}",
    }


def _fields(comment: Comment) -> dict:
    return {
        field.attname: getattr(comment, field.attname) for field in Comment._meta.concrete_fields
    }


def test_a_comment_built_by_position_holds_what_keywords_give(
    version, author, organisation, django_assert_num_queries
):
    values = _values(version)
    built = comment_new(version=version, author=author, organisation=organisation, **values)
    expected = Comment(version=version, author=author, organisation=organisation, **values)
    assert _fields(built) == _fields(expected)
    assert built.state == Comment.State.PUBLISHED and built.pk is None
    assert built._state.adding
    with django_assert_num_queries(0):  # the related objects are kept, as with keywords
        assert (built.version, built.author, built.organisation) == (
            version,
            author,
            organisation,
        )


def test_a_field_the_comment_does_not_have_is_refused_by_name(version, author, organisation):
    with pytest.raises(TypeError, match="Comment has no field 'mood'"):
        comment_new(version=version, author=author, organisation=organisation, mood="glad")


def test_inserted_comments_have_ids_in_order_and_read_back_as_built(version, author, organisation):
    comments = [
        comment_new(
            version=version, author=author, organisation=organisation, **_values(version, n)
        )
        for n in range(3)
    ]
    comments_insert(comments)
    ids = [comment.pk for comment in comments]
    assert all(ids) and ids == sorted(ids) and len(set(ids)) == 3
    for comment in comments:
        assert not comment._state.adding and comment._state.db == connection.alias
        assert comment.created_at is not None and comment.updated_at is not None
        stored = Comment.objects.get(pk=comment.pk)
        assert _fields(stored) == _fields(comment)
        assert stored.channel == "api" and stored.kind == "technical"
    assert list(Comment.objects.order_by("pk").values_list("number", flat=True)) == [
        100,
        101,
        102,
    ]


def test_a_row_the_table_refuses_raises_an_integrity_error_and_stores_nothing(
    version, author, organisation
):
    first = comment_new(
        version=version, author=author, organisation=organisation, **_values(version)
    )
    comments_insert([first])
    # Another number, the same external id of the same author: the table's unique constraint.
    again = {**_values(version, 1), "external_id": first.external_id}
    with pytest.raises(IntegrityError), transaction.atomic():
        comments_insert(
            [
                comment_new(
                    version=version, author=author, organisation=organisation, **_values(version, 2)
                ),
                comment_new(version=version, author=author, organisation=organisation, **again),
            ]
        )
    assert list(Comment.objects.values_list("pk", flat=True)) == [first.pk]


def test_inserting_nothing_sends_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        comments_insert([])
