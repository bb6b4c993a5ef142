"""Full-text search over comments, their proposed text and their papers: on PostgreSQL with
its text search, on SQLite with the word-by-word fallback; confidential comments are found
only by those who may see them."""

import pytest
from django.db import connection
from django.urls import reverse

from comments import selectors, services
from comments.selectors import CommentFilters, FilterError
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, verified_organisation
from tests.comments.papers import docx_bytes, pdf_bytes, upload
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed():
    version = open_version()
    organisation = verified_organisation()
    author = representative_of(organisation)

    def file(body, *, proposed="", papers=(), visibility="public"):
        return services.comment_submit(
            version=version,
            author=author,
            data=services.CommentInput(
                line_start=3,
                line_end=3,
                body=body,
                proposed_text=proposed,
                organisation=organisation.slug,
                visibility=visibility,
            ),
            attachments=list(papers),
        )

    file.version = version  # type: ignore[attr-defined]
    file.author = author  # type: ignore[attr-defined]
    return file


def _found(user, version, q):
    comments = selectors.version_comments(user=user, version=version, filters=CommentFilters(q=q))
    return sorted(comment.body for comment in comments)


def test_search_finds_words_in_body_proposed_text_and_papers(filed):
    filed("Watermarking is premature.")
    filed("Fine as drafted.", proposed="Require provenance watermarking.")
    filed("See our paper.", papers=[upload("p.pdf", pdf_bytes("Independent auditors"))])
    filed("See the annex.", papers=[upload("p.docx", docx_bytes("Incident reporting"))])
    filed("Unrelated remark.")
    user = make_user()
    version = filed.version
    assert _found(user, version, "watermarking") == [
        "Fine as drafted.",
        "Watermarking is premature.",
    ]
    assert _found(user, version, "auditors") == ["See our paper."]
    assert _found(user, version, "incident reporting") == ["See the annex."]
    assert _found(user, version, "watermarking auditors") == []


def test_postgresql_search_stems_words(filed):
    if connection.vendor != "postgresql":
        pytest.skip("stemming is PostgreSQL's text search")
    filed("Organisations should audit their models.")
    assert _found(make_user(), filed.version, "audits") == [
        "Organisations should audit their models."
    ]


def test_confidential_comments_and_papers_are_found_only_by_those_who_see_them(
    filed, secretariat_user
):
    filed("Our secret concern about audits.", visibility="confidential")
    filed(
        "Confidential paper.",
        visibility="confidential",
        papers=[upload("p.pdf", pdf_bytes("Hidden audit findings"))],
    )
    version = filed.version
    assert _found(make_user(), version, "audit") == []
    assert _found(representative_of(verified_organisation()), version, "audit") == []
    assert len(_found(filed.author, version, "findings")) == 1
    assert len(_found(secretariat_user, version, "findings")) == 1


def test_the_list_page_searches_sorts_and_keeps_the_filters_in_its_links(client, filed):
    filed("About watermarking.")
    filed("About auditing.")
    url = reverse("comments:version_comments", args=[filed.version.draft.slug, 1])
    page = client.get(url, {"q": "watermarking", "sort": "date"}).content.decode()
    assert "About watermarking." in page and "About auditing." not in page
    assert 'name="q" value="watermarking"' in page
    assert '<option value="date" selected' in page


def test_the_api_list_searches_with_q(client, filed):
    filed("About watermarking.")
    filed("About auditing.")
    url = reverse("comments_api:version_comments", args=[filed.version.draft.slug, 1])
    rows = client.get(url, {"q": "auditing"}).json()["results"]
    assert [row["body"] for row in rows] == ["About auditing."]


def test_a_sort_that_is_not_offered_is_named():
    with pytest.raises(FilterError) as raised:
        CommentFilters.from_query({"sort": "random"}, names=("sort",))
    assert "sort" in raised.value.errors


def test_sorting_by_date_and_endorsements(filed):
    first = filed("First.")
    second = filed("Second.")
    services.endorsement_create(
        comment=first,
        user=representative_of(endorser := verified_organisation()),
        organisation=endorser,
    )
    user = make_user()

    def order(sort):
        return [
            c.body
            for c in selectors.version_comments(
                user=user, version=filed.version, filters=CommentFilters(sort=sort)
            )
        ]

    assert order("date")[0] == second.body
    assert order("endorsements")[0] == first.body
    assert order("line") == [first.body, second.body]


def test_login_helper_is_used_for_privileged_pages(client, secretariat_user, filed):
    filed("Confidential view.", visibility="confidential")
    login_with_two_factor(client, secretariat_user)
    url = reverse("comments:version_comments", args=[filed.version.draft.slug, 1])
    assert "Confidential view." in client.get(url, {"q": "view"}).content.decode()


def test_postgresql_answers_a_search_from_the_gin_indexes(filed):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes are PostgreSQL's")
    filed("Watermarking.")
    comments = selectors.version_comments(
        user=make_user(), version=filed.version, filters=CommentFilters(q="watermarking")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = comments.explain()
    assert "comments_search_gin" in plan
    assert "comments_attachment_search_gin" in plan
