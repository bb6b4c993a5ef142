"""Inserting many new comments at once, at the speed of the database's own bulk load.

On PostgreSQL the rows go in with one ``COPY``, their ids taken from the table's sequence
beforehand (one query), so each comment has its id as with ``bulk_create`` and every
constraint, index and trigger of the table applies as to an ``INSERT``. Elsewhere (SQLite in
tests and ``make run``) ``bulk_create`` does it.
"""

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from ..models import Comment

BATCH_SIZE = 500

# Values psycopg writes as the column wants them: the text, number or moment the model holds.
# Any other kind of field (JSON, say) is converted the way Django converts it for an INSERT.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateTimeField",
        "ForeignKey",
        "IntegerField",
        "OneToOneField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _columns() -> list[tuple[Field, bool]]:
    """Every column of the table, and whether its value needs Django's conversion."""
    return [
        (field, field.get_internal_type() not in _PLAIN_TYPES)
        for field in Comment._meta.concrete_fields
    ]


@lru_cache(maxsize=1)
def _layout() -> tuple[dict[str, int], tuple[Any, ...], tuple[tuple[int, Field], ...]]:
    """Where each field's value goes in the model's positional arguments, the defaults of
    them all, and the fields whose default must be made anew for every comment."""
    fields = Comment._meta.concrete_fields
    fresh = tuple(
        (position, field)
        for position, field in enumerate(fields)
        if field.has_default() and callable(field.default)
    )
    return (
        {field.attname: position for position, field in enumerate(fields)},
        tuple(field.get_default() for field in fields),
        fresh,
    )


RELATED = ("version", "author", "organisation")


def comment_new(*, version: Model, author: Model, organisation: Model, **values: Any) -> Comment:
    """A new, unsaved comment of ``values`` (by field name, ``section_id`` for a key), its
    other fields at their defaults: what ``Comment(**values)`` makes, built as Django builds a
    row it reads (values by position), several times faster than keyword arguments, which
    pass through every field's descriptor. ``version``, ``author`` and ``organisation`` are
    kept on it as with keyword arguments."""
    index, defaults, fresh = _layout()
    arguments = list(defaults)
    for position, field in fresh:
        arguments[position] = field.get_default()
    for name, value in values.items():
        if name not in index:
            raise TypeError(f"Comment has no field '{name}'.")
        arguments[index[name]] = value
    related = (version, author, organisation)
    for name, instance in zip(RELATED, related, strict=True):
        arguments[index[f"{name}_id"]] = instance.pk
    comment = Comment(*arguments)
    for name, instance in zip(RELATED, related, strict=True):
        Comment._meta.get_field(name).set_cached_value(comment, instance)  # type: ignore[union-attr]
    return comment


def comments_insert(comments: Sequence[Comment]) -> None:
    """Insert new ``comments`` (not saved yet, numbered), giving each its id and timestamps."""
    if not comments:
        return
    now = timezone.now()
    for comment in comments:
        comment.created_at = comment.updated_at = now
    if connection.vendor != "postgresql":
        Comment.objects.bulk_create(list(comments), batch_size=BATCH_SIZE)
        return
    columns = _columns()
    table = connection.ops.quote_name(Comment._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field, _convert in columns)
    pk = Comment._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [Comment._meta.db_table, pk.column, len(comments)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        for comment, pk_value in zip(comments, ids, strict=True):
            comment.pk = pk_value
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for comment in comments:
                copy.write_row(
                    [
                        field.get_db_prep_save(getattr(comment, field.attname), connection)
                        if convert
                        else getattr(comment, field.attname)
                        for field, convert in columns
                    ]
                )
    for comment in comments:
        comment._state.adding = False
        comment._state.db = connection.alias
