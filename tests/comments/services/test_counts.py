"""The kept comment counts: moved by every service that changes what a comment counts for, in
the same transaction, and always equal to a fresh count of the comments."""

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments import selectors, services
from comments.anchoring import Quote
from comments.models import (
    Comment,
    Endorsement,
    LineCommentCount,
    LineQuoteCount,
    VersionCommentTotals,
    VersionCountryCount,
)
from comments.secretariat_selectors import matrix_counts
from drafts.models import Line
from haip_portal.exceptions import ApplicationError
from tests.comments.factories import member_of, representative_of, submit, verified_organisation
from tests.drafts.factories import open_version

State = Comment.State
COUNT_TABLES = ("linecommentcount", "versioncountrycount", "versioncommenttotals", "quotecount")


def kept(version) -> tuple[Any, ...]:
    """The kept counts of ``version``: per line, its totals, per country and per quote (rows
    of zeros left out)."""
    lines = {
        row[0]: tuple(row[1:])
        for row in LineCommentCount.objects.filter(version=version).values_list(
            "line", "public", "restricted", "public_endorsements", "restricted_endorsements"
        )
        if any(row[1:])
    }
    totals = VersionCommentTotals.objects.filter(version=version).values_list(
        "published", "published_public", "hidden", "withdrawn", "answered"
    )
    countries = {
        row[0]: tuple(row[1:])
        for row in VersionCountryCount.objects.filter(version=version).values_list(
            "country", "public", "restricted", "withdrawn"
        )
        if any(row[1:])
    }
    quotes = {
        row[:4]: tuple(row[4:])
        for row in LineQuoteCount.objects.filter(version=version).values_list(
            "language", "line", "quote_start", "quote_exact", "public", "restricted"
        )
        if any(row[4:])
    }
    return lines, tuple(totals.first() or (0, 0, 0, 0, 0)), countries, quotes


def recounted(version) -> tuple[Any, ...]:
    """The counts rebuilt from the comments (in a savepoint that is rolled back)."""
    with transaction.atomic():
        services.comment_counts_rebuild(versions=[version])
        fresh = kept(version)
        transaction.set_rollback(True)
    return fresh


def quotes_the_old_way(user, version) -> list[Any]:
    """The quotes the draft page marked, as they were read on every request before."""
    return list(
        Comment.objects.visible_to(user)
        .filter(version=version, state=State.PUBLISHED, quote_language="")
        .exclude(quote_exact="")
        .values("line_start", "quote_exact", "quote_start")
        .distinct()
        .order_by("line_start", "quote_start", "quote_exact")
    )


def counted_the_old_way(user, version) -> tuple[dict[int, int], dict[int, int]]:
    """The gutter's counts as they were counted on every request before they were kept."""
    visible = (
        Comment.objects.visible_to(user).filter(version=version).exclude(state=State.WITHDRAWN)
    )
    comments = dict(
        visible.values("line_start")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("line_start", "n")
    )
    endorsements = dict(
        Endorsement.objects.filter(comment__in=visible)
        .values("comment__line_start")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("comment__line_start", "n")
    )
    return comments, endorsements


@pytest.fixture
def scene(db, secretariat_user):
    version = open_version()
    filers = [
        verified_organisation(name=f"Filer {n}", country=country)
        for n, country in enumerate(("FR", "JP"))
    ]
    endorsers = [verified_organisation(name=f"Endorser {n}") for n in range(2)]
    return {
        "version": version,
        "secretariat": secretariat_user,
        "filers": [(org, representative_of(org)) for org in filers],
        "endorsers": [(org, representative_of(org)) for org in endorsers],
        "viewers": [
            AnonymousUser(),
            member_of(filers[0]),
            member_of(endorsers[1]),
            secretariat_user,
        ],
    }


LINES = st.integers(min_value=1, max_value=6)
OPERATIONS = st.one_of(
    st.tuples(
        st.just("file"),
        st.integers(0, 1),
        LINES,
        st.sampled_from(["public", "confidential"]),
        st.sampled_from([None, 0, 4]),  # no quote, or the one starting there
    ),
    st.tuples(st.sampled_from(["hide", "restore", "withdraw", "dispose"]), st.integers(0, 30)),
    st.tuples(st.sampled_from(["endorse", "unendorse"]), st.integers(0, 30), st.integers(0, 1)),
)


def run(scene, operation) -> None:
    """One operation through the services; a refusal (an illegal move) changes nothing."""
    version, secretariat = scene["version"], scene["secretariat"]
    name, *args = operation
    if name == "file":
        organisation, author = scene["filers"][args[0]]
        quote = None
        if args[3] is not None:
            text = Line.objects.get(version=version, number=args[1]).text
            quote = Quote(text[args[3] : args[3] + 6], start=args[3])
        submit(
            version=version,
            author=author,
            organisation=organisation,
            line_start=args[1],
            visibility=args[2],
            quote=quote,
        )
        return
    comments = list(Comment.objects.filter(version=version).order_by("pk"))
    if not comments:
        return
    comment = comments[args[0] % len(comments)]
    try:
        if name == "hide":
            services.comment_hide(comment=comment, moderator=secretariat, reason="Spam.")
        elif name == "restore":
            services.comment_restore(comment=comment, moderator=secretariat, reason="Fine.")
        elif name == "withdraw":
            services.comment_withdraw(comment=comment, user=comment.author)
        elif name == "dispose":
            services.comment_dispose(
                comments=[comment], user=secretariat, outcome="noted", response="Noted."
            )
        else:
            organisation, user = scene["endorsers"][args[1]]
            action = (
                services.endorsement_create if name == "endorse" else services.endorsement_withdraw
            )
            action(comment=comment, user=user, organisation=organisation)
    except ApplicationError:
        pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=st.lists(OPERATIONS, max_size=25))
def test_after_any_sequence_of_operations_the_kept_counts_equal_a_fresh_count(scene, operations):
    version = scene["version"]
    with transaction.atomic():
        for operation in operations:
            run(scene, operation)
        assert kept(version) == recounted(version)
        for viewer in scene["viewers"]:
            counts = selectors.line_counts(user=viewer, version=version)
            assert (counts.comments, counts.endorsements) == counted_the_old_way(viewer, version)
            assert selectors.line_quotes(user=viewer, version=version) == quotes_the_old_way(
                viewer, version
            )
            visible = Comment.objects.visible_to(viewer).filter(version=version)
            assert selectors.version_comment_count(user=viewer, version=version) == (
                visible.count()
            )
            assert {
                code for code, _name in selectors.version_countries(user=viewer, version=version)
            } == set(visible.values_list("country", flat=True))
        published = Comment.objects.filter(version=version, state=State.PUBLISHED)
        assert matrix_counts(version) == (
            matrix_counts(version).__class__(
                published.count(),
                published.filter(disposition__isnull=False).count(),
                Comment.objects.filter(version=version, state=State.HIDDEN).count(),
            )
        )
        transaction.set_rollback(True)


def test_confidential_and_hidden_comments_count_only_for_those_who_may_see_them(scene):
    version = scene["version"]
    (org_a, author_a), (org_b, author_b) = scene["filers"]
    submit(version=version, author=author_a, organisation=org_a, line_start=2)
    submit(
        version=version,
        author=author_a,
        organisation=org_a,
        line_start=2,
        visibility="confidential",
    )
    hidden = submit(version=version, author=author_b, organisation=org_b, line_start=3)
    services.comment_hide(comment=hidden, moderator=scene["secretariat"], reason="Spam.")
    anonymous, member_a, outsider, secretariat = scene["viewers"]
    assert selectors.line_counts(user=anonymous, version=version).comments == {2: 1}
    assert selectors.line_counts(user=outsider, version=version).comments == {2: 1}
    assert selectors.line_counts(user=member_a, version=version).comments == {2: 2}
    assert selectors.line_counts(user=secretariat, version=version).comments == {2: 2, 3: 1}
    assert selectors.line_counts(user=member_of(org_b), version=version).comments == {2: 1, 3: 1}


def test_the_command_rebuilds_counts_lost_or_wrong(scene):
    version = scene["version"]
    (org_a, author_a), _ = scene["filers"]
    for line in (1, 1, 4):
        submit(version=version, author=author_a, organisation=org_a, line_start=line)
    expected = kept(version)
    assert expected[0] == {1: (2, 0, 0, 0), 4: (1, 0, 0, 0)}
    assert expected[2] == {"FR": (3, 0, 0)}
    LineCommentCount.objects.filter(version=version, line=1).update(public=7)
    VersionCommentTotals.objects.filter(version=version).delete()
    out = StringIO()
    call_command("rebuild_comment_counts", stdout=out)
    assert kept(version) == expected
    assert "1 version" in out.getvalue()


def test_filing_a_batch_moves_the_counts_in_three_statements(scene):
    """One upsert for the lines, one for the countries and one for the totals, whatever the
    batch's size."""
    version = scene["version"]
    organisation, author = scene["filers"][0]
    items = [
        services.CommentInput(
            line_start=1 + n % 6,
            line_end=1 + n % 6,
            body=f"Point number {n}.",
            organisation=organisation.slug,
        )
        for n in range(40)
    ]
    with CaptureQueriesContext(connection) as queries:
        services.comments_submit_batch(version=version, author=author, items=items)
    counting = [q["sql"] for q in queries if any(table in q["sql"] for table in COUNT_TABLES)]
    assert len(counting) == 3
    lines, totals, _countries, _quotes = kept(version)
    assert {line: row[0] for line, row in lines.items()} == dict(
        Counter(1 + n % 6 for n in range(40))
    )
    assert totals == (40, 40, 0, 0, 0)
