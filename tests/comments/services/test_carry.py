"""Carrying comments to the next version when it is prepared and published, and the
secretariat's review of the ones whose text was rewritten."""

import pytest
from django.contrib.auth.models import Group

from accounts.permissions import SECRETARIAT_GROUP
from comments import services
from comments.anchoring import Quote
from comments.models import CarriedComment
from drafts import services as draft_services
from haip_portal.exceptions import ApplicationError, NotAllowed
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, submit
from tests.comments.services.helpers import audit
from tests.conftest import with_two_factor
from tests.drafts.factories import publish

V1 = """# Code of conduct

Introduction to the code.

## 1. Identify risks

- Keep a register of identified risks and review it every six months.
- Test each model against misuse scenarios before any release to the public.

## 2. Report publicly

- Publish transparency reports on capabilities, limitations and domains of use.
- Establish a robust insider threat detection mechanism for trade secrets.
"""

# A section inserted before action 2 (renumbered to 3), a line reworded, one deleted.
V2 = """# Code of conduct

Introduction to the code.

## 1. Identify risks

- Keep a public register of identified risks and review it every year.
- Test each model against misuse scenarios before any release to the public.

## 2. Protect children

- Assess the risks each system poses to children before release.

## 3. Report publicly

- Publish transparency reports on capabilities, limitations and domains of use.
"""

Review = CarriedComment.Review


@pytest.fixture
def v1(db):
    return open_version(source=V1)


@pytest.fixture
def filed(v1, author, organisation):
    """Comments on v1: on the line that will be reworded, the one kept, the one moved by
    renumbering, the one deleted."""
    return {
        line: submit(version=v1, author=author, organisation=organisation, line_start=line)
        for line in (4, 5, 7, 8)
    }


@pytest.fixture
def secretary():
    user = make_user("secretary@example.org")
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    return with_two_factor(user)


def carried(version):
    return {row.comment.line_start: row for row in CarriedComment.objects.filter(version=version)}


def test_preparing_the_next_version_carries_every_comment_of_the_previous(v1, filed):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    rows = carried(v2)
    assert rows[5].outcome == "kept" and (rows[5].line_start, rows[5].line_end) == (5, 5)
    assert rows[7].outcome == "kept" and rows[7].line_start == 9
    assert rows[7].section_key == "action-3"
    assert rows[4].outcome == "changed" and rows[4].review == Review.PENDING
    assert rows[4].line_start == 4 and rows[4].candidates[0]["line_start"] == 4
    assert rows[8].outcome == "removed" and rows[8].line_start is None
    assert rows[5].review == rows[7].review == Review.NOT_NEEDED


def test_a_quote_is_carried_with_its_new_offset(v1, author, organisation):
    quote = Quote(exact="identified risks", prefix="register of ")
    submit(version=v1, author=author, organisation=organisation, line_start=4, quote=quote)
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    row = CarriedComment.objects.get(version=v2)
    assert (row.outcome, row.line_start) == ("kept", 4)
    assert row.quote_start == "Keep a public register of identified risks".index("identified")


def test_publishing_runs_again_and_changes_nothing_already_carried(v1, filed, secretary):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    services.carried_confirm(carried=carried(v2)[4], user=secretary)
    before = {row.pk: (row.updated_at, row.review) for row in carried(v2).values()}
    publish(v2)
    after = {row.pk: (row.updated_at, row.review) for row in carried(v2).values()}
    assert after == before
    assert carried(v2)[4].review == Review.CONFIRMED
    assert services.comments_carry(version=v2).unchanged_rows == 4


def test_a_new_text_for_the_prepared_version_carries_again_and_asks_again(v1, filed, secretary):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    services.carried_confirm(carried=carried(v2)[4], user=secretary)
    draft_services.version_update_text(version=v2, source=V2.replace("every year", "yearly"))
    row = carried(v2)[4]
    assert row.review == Review.PENDING and row.reviewed_by is None
    assert CarriedComment.objects.filter(version=v2).count() == 4


def test_the_first_version_has_nothing_to_carry(v1):
    assert services.comments_carry(version=v1).kept == 0
    assert not CarriedComment.objects.exists()


# --- The review queue ------------------------------------------------------------------------


@pytest.fixture
def pending(v1, filed):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    return carried(v2)[4]


def test_the_secretariat_confirms_the_proposed_lines(pending, secretary):
    row = services.carried_confirm(carried=pending, user=secretary)
    assert (row.review, row.line_start, row.reviewed_by) == (Review.CONFIRMED, 4, secretary)
    assert row.reviewed_at is not None
    assert audit("carried.confirmed")


def test_the_secretariat_repoints_to_other_lines(pending, secretary):
    row = services.carried_repoint(carried=pending, user=secretary, line_start=5, line_end=7)
    assert (row.review, row.line_start, row.line_end) == (Review.REPOINTED, 5, 7)
    assert row.section_key == "action-1"


def test_a_repoint_outside_the_version_is_refused_naming_the_field(pending, secretary):
    with pytest.raises(ApplicationError) as refused:
        services.carried_repoint(carried=pending, user=secretary, line_start=3, line_end=99)
    assert refused.value.field == "line_end"
    pending.refresh_from_db()
    assert pending.review == Review.PENDING


def test_the_secretariat_marks_a_comment_answered_by_removal(pending, secretary):
    row = services.carried_answer_by_removal(carried=pending, user=secretary)
    assert (row.review, row.line_start, row.line_end) == (Review.ANSWERED_BY_REMOVAL, None, None)


def test_a_removed_comment_cannot_be_confirmed_onto_no_lines(v1, filed, secretary):
    v2 = draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    with pytest.raises(ApplicationError, match="no candidate lines"):
        services.carried_confirm(carried=carried(v2)[8], user=secretary)


@pytest.mark.parametrize("who", ["stakeholder", "author", "secretariat without two-factor"])
def test_only_the_secretariat_reviews(pending, author, who):
    user = {"stakeholder": make_user(), "author": author}.get(who)
    if user is None:
        user = make_user()
        user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    for decide in (services.carried_confirm, services.carried_answer_by_removal):
        with pytest.raises(NotAllowed):
            decide(carried=pending, user=user)
    pending.refresh_from_db()
    assert pending.review == Review.PENDING
