from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, Disposition
from drafts import services as draft_services
from drafts.models import DraftVersion
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def version() -> DraftVersion:
    return open_version(sections=3, lines_per_section=3)


@pytest.fixture
def representative(client):
    organisation = verified_organisation(name="Kumo AI")
    user = representative_of(organisation)
    client.force_login(user)
    user.organisation = organisation  # type: ignore[attr-defined]
    return user


def _create_url(version: DraftVersion) -> str:
    return reverse("comments:comment_create", args=[version.draft.slug, version.number])


def _post(client, version, **fields):
    data = {
        "line_start": 4,
        "line_end": 4,
        "kind": "technical",
        "stance": "amend",
        "body": "Name who runs the tests.",
        "visibility": "public",
        "organisation": "",
        "language": "en",
        **fields,
    }
    return client.post(_create_url(version), data)


def test_filing_from_the_form_gives_a_receipt(client, version, representative):
    response = _post(
        client,
        version,
        organisation=representative.organisation.slug,
        quote_exact="organisations document",
        quote_prefix="Practice 1.1: ",
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("comments:comment_receipt", args=[comment.reference])
    receipt = client.get(response.url).content.decode()
    assert comment.reference in receipt and "Name who runs the tests." in receipt
    assert (comment.organisation, comment.quote_exact) == (
        representative.organisation,
        "organisations document",
    )
    page = client.get(version.get_absolute_url()).content.decode()
    assert 'aria-label="1 comment on line 4"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"line_start": 99, "line_end": 99}, "Line 99 is outside this version"),
        ({"line_start": 5, "line_end": 4}, "ends (line 4) before it starts (line 5)"),
        ({"quote_exact": "not on this line"}, "The quoted text does not appear in line 4"),
        ({"line_start": ""}, "This field is required"),
        ({"line_start": "four"}, "A valid integer is required"),
        ({"body": ""}, "The comment is empty"),
        ({"body": "   "}, "The comment is empty"),
        ({"body": "x" * 20_001}, "The comment is 20,001 characters; the limit is 20,000"),
        ({"kind": "rant"}, "Unknown kind 'rant'"),
        ({"organisation": "nobody"}, "No organisation 'nobody'"),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_stored(
    client, version, representative, fields, message
):
    response = _post(client, version, **fields)
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Comment.objects.exists()


def test_a_closed_period_refuses_comments(client, version, representative):
    draft_services.version_close(version=version)
    response = _post(client, version)
    assert response.status_code == 422
    assert "is closed: it takes no comments" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_period_that_ended_by_the_server_clock_refuses_comments(client, version, representative):
    DraftVersion.objects.filter(pk=version.pk).update(
        opens_at=timezone.now() - timedelta(days=3),
        closes_at=timezone.now() - timedelta(seconds=1),
    )
    response = _post(client, version)
    assert "has closed" in response.content.decode()
    assert not Comment.objects.exists()


def test_filing_for_an_organisation_one_does_not_represent_is_refused(client, version):
    other = verified_organisation(name="Someone else")
    client.force_login(make_user())
    response = _post(client, version, organisation=other.slug)
    assert response.status_code == 422
    assert "You do not represent Someone else" in response.content.decode()
    assert not Comment.objects.exists()


def test_script_in_markdown_is_stored_but_rendered_inert(client, version, representative):
    body = 'Look <script>alert("x")</script> [me](javascript:alert(1)) <img src=x onerror=1>'
    _post(client, version, body=body)
    comment = Comment.objects.get()
    assert comment.body == body
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page


def test_posting_without_a_csrf_token_is_refused(version):
    user = representative_of(verified_organisation())
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(
        _create_url(version),
        {"line_start": 4, "body": "x", "kind": "general", "visibility": "public"},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_preview_renders_markdown_and_stores_nothing(client, version, representative):
    response = _post(client, version, body="**Independent** testing", preview="1")
    assert response.status_code == 200
    assert "<strong>Independent</strong>" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_confidential_comment_does_not_exist_for_outsiders(client, version):
    owner_org = verified_organisation(name="Owner")
    comment = submit(
        version=version,
        author=representative_of(owner_org),
        organisation=owner_org,
        visibility="confidential",
        line_start=5,
    )
    for viewer in (None, representative_of(verified_organisation(name="Outsider"))):
        browser = Client()
        if viewer:
            browser.force_login(viewer)
        assert browser.get(comment.get_absolute_url()).status_code == 404
        page = browser.get(version.get_absolute_url()).content.decode()
        assert "comment on line 5" not in page and "comments on line 5" not in page
        listing = browser.get(
            reverse("comments:version_comments", args=[version.draft.slug, 1])
        ).content.decode()
        assert comment.reference not in listing and "0 comments" in listing
    member = representative_of(owner_org)
    client.force_login(member)
    assert client.get(comment.get_absolute_url()).status_code == 200


def test_the_author_edits_and_withdraws_keeping_history(client, version, representative):
    comment = submit(version=version, author=representative, body="First text.")
    client.post(
        reverse("comments:comment_edit", args=[comment.reference]),
        {"kind": "editorial", "stance": "", "body": "Second text.", "proposed_text": ""},
    )
    comment.refresh_from_db()
    assert comment.body == "Second text."
    assert list(comment.revisions.values_list("body", flat=True)) == ["First text."]
    client.post(reverse("comments:comment_withdraw", args=[comment.reference]))
    comment.refresh_from_db()
    assert comment.state == Comment.State.WITHDRAWN
    mine = client.get(reverse("comments:my_comments")).content.decode()
    assert comment.reference in mine and "Withdrawn by its author" in mine


def test_another_user_cannot_edit(client, version, representative):
    comment = submit(version=version, author=representative)
    client.force_login(make_user())
    response = client.post(
        reverse("comments:comment_edit", args=[comment.reference]),
        {"kind": "general", "body": "Hijacked."},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body != "Hijacked."


@pytest.mark.parametrize("body", ["", "   "])
def test_an_empty_reply_on_the_page_gets_the_services_message(
    client, version, representative, body
):
    comment = submit(version=version, author=representative)
    client.force_login(make_user())
    response = client.post(
        reverse("comments:reply_create", args=[comment.reference]), {"body": body}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "A reply needs 1 to 10,000 characters."
    ]
    assert not comment.replies.exists()


def test_flag_then_secretariat_hides_and_restores(client, version, secretariat_user):
    author = representative_of(verified_organisation())
    comment = submit(version=version, author=author)
    reader = make_user()
    client.force_login(reader)
    client.post(reverse("comments:flag", args=[comment.reference]), {"reason": "Spam"})
    assert client.get(reverse("comments:moderation_queue")).status_code == 403
    login_with_two_factor(client, secretariat_user)
    queue = client.get(reverse("comments:moderation_queue")).content.decode()
    assert comment.reference in queue and "Spam" in queue
    client.post(reverse("comments:hide", args=[comment.reference]), {"reason": "Advertising."})
    comment.refresh_from_db()
    assert (comment.state, comment.state_reason) == (Comment.State.HIDDEN, "Advertising.")
    client.logout()
    assert client.get(comment.get_absolute_url()).status_code == 404
    login_with_two_factor(client, secretariat_user)
    client.post(reverse("comments:restore", args=[comment.reference]), {"reason": "Appeal."})
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED


def test_matrix_disposes_a_selection_at_once(client, version, secretariat_user):
    author = representative_of(verified_organisation())
    comments = [submit(version=version, author=author, line_start=n) for n in (3, 4, 5)]
    url = reverse("comments:matrix", args=[version.draft.slug, 1])
    client.force_login(author)
    assert client.get(url).status_code == 403
    login_with_two_factor(client, secretariat_user)
    client.post(
        url,
        {
            "comments": [comments[0].pk, comments[2].pk],
            "outcome": "partially_accepted",
            "response": "Taken up in v2.",
        },
    )
    assert set(Disposition.objects.values_list("comment_id", "outcome")) == {
        (comments[0].pk, "partially_accepted"),
        (comments[2].pk, "partially_accepted"),
    }
    open_only = client.get(url + "?disposition=open").content.decode()
    assert comments[1].reference in open_only and comments[0].reference not in open_only


def _bulk_comments(version: DraftVersion, count: int) -> None:
    """Many comments at once, straight into the table (the services are tested elsewhere)."""
    organisation = verified_organisation()
    author = representative_of(organisation)
    sections = {line.number: line.section_id for line in version.lines.all()}
    Comment.objects.bulk_create(
        Comment(
            version=version,
            section_id=sections[3 + n % 9],
            number=n + 1,
            reference=f"HAIP-V1-{n + 1:06d}",
            line_start=3 + n % 9,
            line_end=3 + n % 9,
            body=f"Comment number {n}.",
            content_hash=f"{n:064d}",
            author=author,
            organisation=organisation,
            stakeholder_type=organisation.stakeholder_type,
            country=organisation.country,
            visibility="confidential" if n % 7 == 0 else "public",
        )
        for n in range(count)
    )


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches shared by every request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_draft_page_queries_stay_flat_with_5000_comments(client, version, representative):
    few = _queries(client, version.get_absolute_url() + "?line=4")
    _bulk_comments(version, 5_000)
    many = _queries(client, version.get_absolute_url() + "?line=4")
    assert many == few
    # With the languages the text can be read in; a member of an organisation also reads
    # its own confidential and hidden comments' counts and quotes (one query each).
    assert many <= 14


def test_matrix_queries_stay_flat(client, version, secretariat_user):
    login_with_two_factor(client, secretariat_user)
    url = reverse("comments:matrix", args=[version.draft.slug, 1])
    _bulk_comments(version, 5)
    few = _queries(client, url)
    Comment.objects.all().delete()
    _bulk_comments(version, 300)
    assert _queries(client, url) == few
    assert few <= 12


def test_the_list_page_filters_and_leaves_out_a_line_that_is_no_number(client, version):
    author = representative_of(verified_organisation())
    technical = submit(version=version, author=author, line_start=4, kind="technical")
    general = submit(version=version, author=author, line_start=6, line_end=7)
    url = reverse("comments:version_comments", args=[version.draft.slug, 1])

    def listed(query: str) -> list[str]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return [comment.reference for comment in response.context["page"]]

    assert listed("kind=technical") == [technical.reference]
    assert listed("line=7") == [general.reference]
    assert listed("line=seven&kind=general") == [general.reference]
    assert listed("disposition=open") == [technical.reference, general.reference]
    assert 'value="technical" selected' in client.get(f"{url}?kind=technical").content.decode()
    page = client.get(version.get_absolute_url() + "?line=4x")
    assert page.status_code == 200
