"""Dispositions that cite the lines of the next version that answer them, and the lines the
portal suggests citing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import citations, services
from comments.models import CitedLines
from drafts import services as draft_services
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_user
from tests.comments.answer_loop import carried_consultation
from tests.comments.factories import open_version, submit
from tests.comments.services.helpers import audit
from tests.comments.services.test_carry import V1, V2


@pytest.fixture
def loop(db):
    return carried_consultation()


def dispose(comment, user, **kwargs):
    return services.comment_dispose(
        comments=[comment], user=user, outcome="accepted", response="Done in v2.", **kwargs
    )[0]


def test_a_disposition_cites_lines_of_the_next_version(loop, secretariat_user):
    disposition = dispose(loop.amendment, secretariat_user, cited=[(4, 4), (6, 7)])
    cited = list(CitedLines.objects.filter(disposition=disposition))
    assert [(c.version, c.line_start, c.line_end) for c in cited] == [
        (loop.v2, 4, 4),
        (loop.v2, 6, 7),
    ]
    assert disposition.addressed_in == loop.v2
    assert audit("comment.dispose")[-1].data == {"outcome": "accepted", "cited": [[4, 4], [6, 7]]}


def test_disposing_again_replaces_the_cited_lines_or_keeps_them(loop, secretariat_user):
    dispose(loop.amendment, secretariat_user, cited=[(4, 4)])
    dispose(loop.amendment, secretariat_user)  # the matrix's bulk answer cites nothing new
    assert list(CitedLines.objects.values_list("line_start", flat=True)) == [4]
    dispose(loop.amendment, secretariat_user, cited=[(5, 5)])
    assert list(CitedLines.objects.values_list("line_start", flat=True)) == [5]
    dispose(loop.amendment, secretariat_user, cited=[])
    assert not CitedLines.objects.exists()


def test_a_line_outside_the_next_version_is_refused(loop, secretariat_user):
    with pytest.raises(ApplicationError, match="outside this version") as caught:
        dispose(loop.amendment, secretariat_user, cited=[(4, 99)])
    assert caught.value.field == "cited"
    assert not CitedLines.objects.exists()


def test_lines_of_an_unpublished_next_version_cannot_be_cited(db, secretariat_user):
    v1 = open_version(source=V1)
    comment = submit(version=v1, author=secretariat_user, line_start=4)
    draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    with pytest.raises(ApplicationError, match="next version of the draft is published"):
        dispose(comment, secretariat_user, cited=[(4, 4)])


def test_the_proposed_text_and_the_carried_anchor_are_suggested(loop):
    target = citations.citation_target(loop.amendment)
    assert target == loop.v2
    suggested = citations.citation_suggestions(loop.amendment, target)
    assert [(s.line_start, s.reason) for s in suggested] == [(4, "carried")]
    # The proposed text is line 4 too: suggested once. On another comment it stands alone.
    loop.deleted.proposed_text = "- Assess the risks each system poses to children."
    suggested = citations.citation_suggestions(loop.deleted, target)
    assert [(s.line_start, s.reason) for s in suggested] == [(7, "proposed")]


def test_nothing_is_suggested_before_the_next_version_is_published(db):
    v1 = open_version(source=V1)
    comment = submit(version=v1, author=make_user(), line_start=4)
    draft_services.version_create(draft=v1.draft, source=V2, created_by=None)
    assert citations.citation_target(comment) is None


def test_the_authors_e_mail_names_the_cited_lines_and_the_deadline(
    loop, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    services.response_period_set(
        version=loop.v1, closes_at=timezone.now() + timedelta(days=5), user=secretariat_user
    )
    with django_capture_on_commit_callbacks(execute=True):
        dispose(loop.amendment, secretariat_user, cited=[(4, 4), (6, 7)])
    (message,) = mailoutbox
    assert "Answered by: v2, line 4; v2, lines 6–7" in message.body
    assert "You may accept this answer or object to it on the comment's page until" in message.body
