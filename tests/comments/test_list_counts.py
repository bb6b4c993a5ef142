"""The comment list and the matrix: an unfiltered list's length and its country choices come
from the kept counts, never from counting the version's comments; filtered lists still count."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import services
from comments.models import Comment
from tests.comments.factories import member_of, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor
from tests.drafts.factories import open_version


@pytest.fixture
def scene(db, secretariat_user):
    version = open_version(sections=2, lines_per_section=5)
    filer = verified_organisation(name="Filer", country="FR")
    other = verified_organisation(name="Other", country="DE")
    author = representative_of(filer)
    for line in (2, 3, 4):
        submit(version=version, author=author, organisation=filer, line_start=line)
    submit(version=version, author=author, organisation=filer, visibility="confidential")
    services.comment_withdraw(
        comment=submit(version=version, author=author, organisation=filer), user=author
    )
    hidden = submit(version=version, author=representative_of(other), organisation=other)
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Spam.")
    return version, filer, secretariat_user


def _counted_over_comments(queries) -> list[str]:
    """The statements that count comments (not the kept counts)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT COUNT(") and 'FROM "comments_comment"' in q["sql"]
    ]


@pytest.mark.parametrize("viewer", ["anonymous", "member", "outsider", "secretariat"])
def test_the_unfiltered_list_counts_from_the_kept_totals(client, scene, viewer):
    version, filer, secretariat = scene
    user = {
        "anonymous": None,
        "member": member_of(filer),
        "outsider": member_of(verified_organisation(name="Outsider", country="IT")),
        "secretariat": secretariat,
    }[viewer]
    if viewer == "secretariat":
        login_with_two_factor(client, user)
    elif user is not None:
        client.force_login(user)
    url = reverse("comments:version_comments", args=[version.draft.slug, version.number])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    visible = Comment.objects.visible_to(user or AnonymousUser())
    assert response.context["page"].paginator.count == visible.filter(version=version).count()
    # Only a member of an organisation counts, over its own rows beyond the public ones.
    counted = _counted_over_comments(queries)
    assert len(counted) == (1 if viewer in ("member", "outsider") else 0)
    if counted:
        assert '"organisation_id" IN' in counted[0]
    countries = {code for code, _name in response.context["choices"]["countries"]}
    assert countries == set(visible.filter(version=version).values_list("country", flat=True))


def test_a_filtered_list_is_counted(client, scene):
    version, _filer, _secretariat = scene
    url = reverse("comments:version_comments", args=[version.draft.slug, version.number])
    response = client.get(url, {"line": 3})
    assert response.context["page"].paginator.count == 1


def test_the_matrix_counts_from_the_kept_totals(client, scene):
    version, _filer, secretariat = scene
    login_with_two_factor(client, secretariat)
    url = reverse("comments:matrix", args=[version.draft.slug, version.number])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 6  # withdrawn and hidden included
    counts = response.context["counts"]
    assert (counts.published, counts.answered, counts.hidden) == (4, 0, 1)
    assert not _counted_over_comments(queries)
