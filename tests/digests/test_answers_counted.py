"""A digest counts how the commenters answered the secretariat's answers (acceptances and
objections), for the comments its audience may read only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.digests.exports import digest_markdown
from comments.digests.rendering import document_meta
from tests.comments.answer_loop import carried_consultation
from tests.digests.factories import request_built

pytestmark = pytest.mark.django_db


def test_objections_are_counted_in_the_digest_for_its_audience(
    secretariat_user, django_capture_on_commit_callbacks
):
    loop = carried_consultation()
    services.comment_dispose(
        comments=[loop.amendment, loop.deleted, loop.secret],
        user=secretariat_user,
        outcome="rejected",
        response="Kept as drafted.",
    )
    closes_at = timezone.now() + timedelta(days=7)
    services.response_period_set(version=loop.v1, closes_at=closes_at, user=secretariat_user)
    services.disposition_answer(
        comment=loop.amendment, user=loop.author, answer="objected", reason="Too weak."
    )
    services.disposition_answer(comment=loop.deleted, user=loop.author, answer="accepted")
    services.disposition_answer(
        comment=loop.secret, user=loop.author, answer="objected", reason="Confidential reason."
    )

    counted = {}
    for audience in ("public", "working_group"):
        digest = request_built(
            secretariat_user,
            loop.v1,
            capture=django_capture_on_commit_callbacks,
            audience=audience,
        )
        data = digest.data
        assert data is not None
        counted[audience] = (data["dispositions"]["accepted"], data["dispositions"]["objected"])
        if audience == "public":
            text = digest_markdown(data, document_meta(digest))
            assert "Commenters accepted 1 answer and objected to 1 answer." in text
    # The confidential comment's objection is the working group's to see.
    assert counted == {"public": (1, 1), "working_group": (1, 2)}
