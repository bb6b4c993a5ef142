"""The demonstration data that ``make run`` loads: the consultation, its comments and two
ready digests of v1, and a second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Organisation, User
from comments.digests.models import Digest, DigestExport
from comments.management.commands.load_demo import COMMENTS, DRAFT_SLUG, STAKEHOLDERS
from comments.management.demo_languages import COMMENTS_IN_LANGUAGES
from comments.models import (
    CarriedComment,
    CitedLines,
    Comment,
    DispositionResponse,
    ResponsePeriod,
)
from drafts.models import DraftVersion

pytestmark = pytest.mark.django_db(transaction=True)  # digests are queued on commit


def _counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Organisation.objects.count(),
        DraftVersion.objects.count(),
        Comment.objects.count(),
        Digest.objects.count(),
        DigestExport.objects.count(),
    )


def test_load_demo_builds_the_consultation_and_two_ready_digests():
    out = StringIO()
    call_command("load_demo", stdout=out)

    v1 = DraftVersion.objects.get(draft__slug=DRAFT_SLUG, number=1)
    v2 = DraftVersion.objects.get(draft__slug=DRAFT_SLUG, number=2)
    assert (v1.status, v2.status) == (DraftVersion.Status.CLOSED, DraftVersion.Status.OPEN)
    # v1 in five languages: the English master and four published renderings, and comments
    # in at least three languages, some quoting a rendering in its own words.
    renderings = v1.renderings.filter(status="published")
    assert (v1.language, sorted(renderings.values_list("language", flat=True))) == (
        "en",
        ["de", "fr", "it", "ja"],
    )
    assert {"en", "fr", "de", "it", "ja"} <= set(
        Comment.objects.filter(version=v1).values_list("language", flat=True)
    )
    assert Comment.objects.filter(version=v1, quote_language="ja").exists()
    keys = set(v1.sections.values_list("key", flat=True))
    assert {f"action-{n}" for n in range(1, 12)} <= keys
    assert Comment.objects.filter(version=v1).count() >= len(COMMENTS)
    assert CarriedComment.objects.filter(version=v2).count() == len(COMMENTS) + len(
        COMMENTS_IN_LANGUAGES
    )
    assert Organisation.objects.filter(status=Organisation.Status.VERIFIED).count() >= len(
        [s for s in STAKEHOLDERS if s[2]]
    )
    digests = list(Digest.objects.filter(version=v1))
    assert sorted(d.audience for d in digests) == ["public", "working_group"]
    for digest in digests:
        assert digest.status == Digest.Status.READY, digest.error
        assert digest.comment_count == Comment.objects.filter(version=v1).count()
        formats = set(digest.exports.values_list("format", flat=True))
        assert formats == set(DigestExport.Format.values), digest.audience
    assert "secretariat@haip.example" in out.getvalue()
    # The second round: answers citing v2's lines, a deadline, an acceptance and an objection.
    assert CitedLines.objects.filter(version=v2).count() >= 4
    assert ResponsePeriod.objects.filter(version=v1).exists()
    assert sorted(DispositionResponse.objects.values_list("answer", flat=True)) == [
        "accepted",
        "objected",
    ]
    assert "/drafts/haip-code-of-conduct/v2/you-said-we-did/" in out.getvalue()

    before = _counts()
    call_command("load_demo", stdout=StringIO())
    assert _counts() == before
