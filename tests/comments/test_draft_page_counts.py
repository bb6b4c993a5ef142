"""The draft page's gutter: counts read from the kept counts, beside the lines' text kept in
the cache for a frozen version; the page's queries do not grow with the comments."""

import re

import pytest
from django.core.cache import cache
from django.utils import translation

from comments import services
from drafts.line_rows import _cache_key
from drafts.models import DraftVersion
from tests.comments.factories import member_of, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor
from tests.drafts.factories import make_draft, open_version

NOTE = re.compile(
    r'<div class="line[^"]*" id="L(\d+)">.*?'
    r'(?:<a class="note-count"[^>]*aria-label="([^"]*)">(\d+)'
    r"(?:<span[^>]*>\+(\d+)</span>)?</a>)?</div>"
)


def gutter(html: str) -> dict[int, tuple[int, int]]:
    """Line number to (comments, endorsements) for the lines with a count."""
    found = {}
    for number, _label, comments, endorsements in NOTE.findall(html):
        if comments:
            found[int(number)] = (int(comments), int(endorsements or 0))
    return found


@pytest.fixture
def scene(db, secretariat_user):
    version = open_version(sections=3, lines_per_section=6)
    filer = verified_organisation(name="Filer")
    author = representative_of(filer)
    endorser = verified_organisation(name="Endorser")
    public = submit(version=version, author=author, organisation=filer, line_start=4)
    submit(version=version, author=author, organisation=filer, line_start=4)
    submit(
        version=version, author=author, organisation=filer, line_start=6, visibility="confidential"
    )
    services.endorsement_create(
        comment=public, user=representative_of(endorser), organisation=endorser
    )
    return version, filer, secretariat_user


def test_each_viewer_sees_the_counts_of_the_comments_they_may_see(client, scene):
    version, filer, secretariat = scene
    url = version.get_absolute_url()
    assert gutter(client.get(url).content.decode()) == {4: (2, 1)}
    client.force_login(member_of(filer))
    assert gutter(client.get(url).content.decode()) == {4: (2, 1), 6: (1, 0)}
    client.logout()
    client.force_login(member_of(verified_organisation(name="Outsider")))
    assert gutter(client.get(url).content.decode()) == {4: (2, 1)}
    login_with_two_factor(client, secretariat)
    assert gutter(client.get(url).content.decode()) == {4: (2, 1), 6: (1, 0)}


def test_the_count_link_says_what_it_counts(client, scene):
    version, _filer, _secretariat = scene
    html = client.get(version.get_absolute_url()).content.decode()
    labels = {int(n): label for n, label, comments, _e in NOTE.findall(html) if comments}
    assert labels == {4: "2 comments with 1 endorsement on line 4"}
    assert 'href="?line=4#L4"' in html


def test_the_text_comes_from_the_cache_and_the_counts_do_not(client, scene):
    version, filer, _secretariat = scene
    cache.clear()
    url = version.get_absolute_url()
    first = client.get(url).content.decode()
    key = _cache_key(DraftVersion.objects.get(pk=version.pk), None)
    assert key is not None and cache.get(key) is not None
    submit(version=version, author=representative_of(filer), organisation=filer, line_start=9)
    second = client.get(url).content.decode()
    assert gutter(second) == {4: (2, 1), 9: (1, 0)}
    # The same lines around the counts.
    assert _lines_without_counts(first) == _lines_without_counts(second)


def _lines_without_counts(html: str) -> str:
    text = html[html.index('<article class="draft-text"') : html.index("</article>")]
    return re.sub(r'<a class="note-count".*?</a>', "", text)


def test_the_cached_text_is_kept_per_interface_language(client, scene):
    version, _filer, _secretariat = scene
    cache.clear()
    url = version.get_absolute_url()
    client.get(url)
    with translation.override("fr"):
        french = _cache_key(DraftVersion.objects.get(pk=version.pk), None)
    assert french is not None and cache.get(french) is None
    html = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert 'aria-label="Ligne 4"' in html


def test_a_version_not_yet_published_is_not_cached(db):
    draft = make_draft(slug="unpublished")
    assert _cache_key(draft.versions.get(number=1), None) is None


@pytest.mark.parametrize("comments", [3, 40])
def test_the_draft_page_queries_do_not_grow_with_the_comments(
    client, scene, comments, django_assert_max_num_queries
):
    version, filer, secretariat = scene
    author = representative_of(filer)
    items = [
        services.CommentInput(
            line_start=1 + n % version.line_count,
            line_end=1 + n % version.line_count,
            body=f"Point number {n}.",
            organisation=filer.slug,
            visibility="confidential" if n % 3 == 0 else "public",
        )
        for n in range(comments)
    ]
    services.comments_submit_batch(version=version, author=author, items=items)
    for viewer in (None, member_of(filer), secretariat):
        client.logout()
        if viewer is not None:
            login_with_two_factor(client, viewer)
        client.get(version.get_absolute_url())  # the session and the cache warmed
        with django_assert_max_num_queries(14):
            response = client.get(version.get_absolute_url())
        assert response.status_code == 200
