"""The secretariat's home page: what waits to be done (open consultations with deadlines and
comment counts, comments without a disposition, reports, organisations to verify), each block
one query whatever the numbers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import selectors as account_selectors
from comments import secretariat_selectors, services
from drafts import services as draft_services
from tests.accounts.factories import make_organisation, make_user
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.drafts.factories import make_draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return representative_of(verified_organisation(name="Kumo AI"))


@pytest.fixture
def consultation(author, secretariat_user):
    """An open version with three comments received (one answered) and one withdrawn, and a
    closed version with two unanswered comments; two reports on one comment; one organisation
    waiting (plus the verified Kumo AI)."""
    open_v = publish(make_draft(slug="code", title="Code of Conduct").versions.get(number=1))
    closed = publish(make_draft(slug="guide", title="Reporting guide").versions.get(number=1))
    kept = [submit(version=open_v, author=author, line_start=n) for n in (3, 4, 5)]
    services.comment_withdraw(comment=submit(version=open_v, author=author), user=author)
    services.comment_dispose(
        comments=[kept[0]], user=secretariat_user, outcome="accepted", response="Taken up."
    )
    for _ in range(2):
        submit(version=closed, author=author)
    draft_services.version_close(version=closed)
    for reason in ("Spam.", "Rude."):
        services.flag_create(comment=kept[1], user=make_user(), reason=reason)
    make_organisation(name="Waiting Lab")
    return open_v, closed


def _todo(page: str) -> str:
    return page.split('<section class="secretariat-home"')[1].split("</section>\n</section>")[0]


def test_the_home_page_lists_what_needs_doing(secretariat_client, consultation):
    todo = _todo(secretariat_client.get("/").content.decode())
    assert "Code of Conduct, version 1" in todo
    assert "3 comments</a>" in todo  # withdrawn comments are not counted
    assert "left to comment (closes" in todo
    assert "Reporting guide, version 1</a>" not in todo.split("todo-unanswered")[0]
    matrix = reverse("comments:matrix", args=["code", 1])
    assert f'href="{matrix}?disposition=open">2 comments on Code of Conduct, version 1' in todo
    matrix = reverse("comments:matrix", args=["guide", 1])
    assert f'href="{matrix}?disposition=open">2 comments on Reporting guide, version 1' in todo
    queue = reverse("comments:moderation_queue")
    assert f'href="{queue}">2 reports on 1 comment</a>' in todo
    organisations = reverse("accounts:secretariat_queue")
    assert f'href="{organisations}">1 organisation waiting for verification</a>' in todo


def test_an_empty_home_says_nothing_waits(secretariat_client):
    todo = _todo(secretariat_client.get("/").content.decode())
    for sentence in (
        "No consultation is open.",
        "Every comment has a disposition.",
        "Nothing reported.",
        "No organisation is waiting.",
    ):
        assert sentence in todo


def test_others_do_not_see_the_list(client, consultation, author, secretariat_user):
    assert "What needs doing" not in client.get("/").content.decode()
    client.force_login(author)
    assert "What needs doing" not in client.get("/").content.decode()
    client.force_login(secretariat_user)  # without two-factor authentication
    assert "What needs doing" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "block",
    [
        lambda: list(secretariat_selectors.versions_open_with_counts()),
        lambda: list(secretariat_selectors.versions_with_comments_unanswered()),
        secretariat_selectors.flags_waiting,
        lambda: account_selectors.organisations_pending_count(),
    ],
)
def test_each_block_is_one_query(consultation, django_assert_num_queries, block):
    with django_assert_num_queries(1):
        block()


def test_the_page_costs_the_same_queries_whatever_the_numbers(
    secretariat_client, consultation, author
):
    open_v, _ = consultation
    secretariat_client.get("/")
    with CaptureQueriesContext(connection) as before:
        secretariat_client.get("/")
    more = publish(make_draft(slug="more", title="More").versions.get(number=1))
    for version in (open_v, more):
        for line in (3, 4, 5, 6):
            comment = submit(version=version, author=author, line_start=line)
            services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    make_organisation(name="Another Lab")
    with CaptureQueriesContext(connection) as after:
        page = secretariat_client.get("/").content.decode()
    assert "10 reports on 9 comments" in page
    assert len(after) == len(before)


def test_the_unanswered_link_opens_the_matrix_on_those_comments(secretariat_client, consultation):
    page = secretariat_client.get(
        reverse("comments:matrix", args=["code", 1]) + "?disposition=open"
    )
    matrix = page.content.decode()
    assert "HAIP-V1-000001" not in matrix  # answered: left out
    assert "HAIP-V1-000002" in matrix and "HAIP-V1-000003" in matrix
