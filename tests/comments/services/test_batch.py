"""comments_submit_batch, the one way in: every index it is given is answered, in order, items
the reader could not read included; an all-or-nothing batch names every rejection at once
and stores nothing; no value is sent to the database before its characters are checked."""

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Organisation
from comments import services
from comments.inputs import CommentInput, UnreadableItem
from comments.models import Comment, VersionCommentCounter
from comments.services import BatchRejected
from tests.accounts.factories import make_user
from tests.comments.factories import submit

pytestmark = pytest.mark.django_db


def _item(**fields) -> CommentInput:
    fields.setdefault("line_start", 4)
    fields.setdefault("line_end", fields["line_start"])
    return CommentInput(**{"body": "Name who runs the red team.", **fields})


UNREADABLE = UnreadableItem({"line_start": ["A valid integer is required."]})


def _stored() -> tuple:
    return (
        Comment.objects.count(),
        list(VersionCommentCounter.objects.values_list("last_number", flat=True)),
        Organisation.objects.count(),
    )


def test_every_index_is_answered_in_order_unreadable_items_included(version, author, organisation):
    old = submit(version=version, author=author, external_id="old-1")
    results = services.comments_submit_batch(
        version=version,
        author=author,
        items=[
            _item(external_id="new-1", organisation=organisation.slug),
            UNREADABLE,
            _item(line_start=99),
            _item(external_id="old-1"),
            _item(organisation="nobody"),
            _item(external_id="new-1"),
            _item(),
        ],
    )
    assert [(r.index, r.status) for r in results] == [
        (0, "created"),
        (1, "rejected"),
        (2, "rejected"),
        (3, "duplicate"),
        (4, "rejected"),
        (5, "rejected"),
        (6, "created"),
    ]
    assert results[1].errors == UNREADABLE.errors
    assert list(results[2].errors) == ["line_start"]
    assert results[3].reference == old.reference
    assert results[4].errors == {"organisation": ["No organisation 'nobody'."]}
    assert results[5].errors == {
        "external_id": ["external id 'new-1' appears twice in this request."]
    }
    assert [r.reference for r in results if r.status == "created"] == [
        "HAIP-V1-000002",
        "HAIP-V1-000003",
    ]
    assert Comment.objects.count() == 3


def test_an_atomic_batch_names_every_rejection_at_once_and_stores_nothing(version):
    author = make_user()  # files as themself: a personal organisation would be made
    before = _stored()
    with pytest.raises(BatchRejected) as refused:
        services.comments_submit_batch(
            version=version,
            author=author,
            items=[_item(), UNREADABLE, _item(kind="rant"), _item(), _item(organisation="x")],
            atomic=True,
        )
    assert [(r.index, r.status) for r in refused.value.rejected] == [
        (1, "rejected"),
        (2, "rejected"),
        (4, "rejected"),
    ]
    assert refused.value.total == 5
    assert refused.value.message == "3 of 5 comments were rejected; none was stored."
    assert _stored() == before


def test_an_atomic_batch_without_rejections_stores_every_comment(version, author):
    results = services.comments_submit_batch(
        version=version, author=author, items=[_item(), _item(line_start=5)], atomic=True
    )
    assert [r.status for r in results] == ["created", "created"]
    assert Comment.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"external_id": "row\x00"}, "external_id"),
        ({"external_id": "row\ud800"}, "external_id"),
        ({"organisation": "kumo\x00"}, "organisation"),
        ({"organisation": "\ud83d"}, "organisation"),
    ],
)
def test_an_identifier_no_text_may_hold_is_refused_before_it_is_looked_up(
    version, author, fields, field
):
    # PostgreSQL stores no U+0000 and psycopg sends no unpaired surrogate: looking these up
    # would fail the whole request. They are answered like any other refusal.
    (result,) = services.comments_submit_batch(
        version=version, author=author, items=[_item(**fields)]
    )
    assert result.status == "rejected"
    assert list(result.errors) == [field]
    assert result.errors[field][0].startswith(f"{field} contains the ")
    assert not Comment.objects.exists()


ITEMS: dict[str, Callable[[int], CommentInput | UnreadableItem]] = {
    "good": lambda n: _item(line_start=4 + n % 5),
    "unreadable": lambda n: UNREADABLE,
    "outside": lambda n: _item(line_start=99),
    "unknown-kind": lambda n: _item(kind="rant"),
    "empty": lambda n: _item(body="  "),
    "no-such-organisation": lambda n: _item(organisation="nobody"),
    "twice": lambda n: _item(external_id="twice"),
}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kinds=st.lists(st.sampled_from(sorted(ITEMS)), min_size=1, max_size=8))
def test_an_atomic_batch_is_refused_for_exactly_the_items_a_plain_one_rejects(
    version, author, kinds
):
    # A fresh external id per example: what an earlier example stored is no duplicate here.
    run = Comment.objects.count()
    items: list[CommentInput | UnreadableItem] = [
        CommentInput(**{**_fields(item), "external_id": f"{run}-{item.external_id}"})
        if isinstance(item, CommentInput) and item.external_id
        else item
        for item in (ITEMS[kind](n) for n, kind in enumerate(kinds))
    ]
    before = _stored()
    try:
        atomic = services.comments_submit_batch(
            version=version, author=author, items=items, atomic=True
        )
    except BatchRejected as refused:
        refused_at = [result.index for result in refused.rejected]
        assert _stored() == before
    else:
        refused_at = []
        assert [r.status for r in atomic] == ["created"] * len(items)
        before = _stored()
    plain = services.comments_submit_batch(version=version, author=author, items=items)
    assert [r.index for r in plain] == list(range(len(items)))
    assert [r.index for r in plain if r.status == "rejected"] == refused_at
    created = [r.reference for r in plain if r.status == "created"]
    assert Comment.objects.count() == before[0] + len(created)
    assert Comment.objects.filter(reference__in=created).count() == len(created)


def _fields(item: CommentInput) -> dict:
    return {name: getattr(item, name) for name in CommentInput.__slots__}
