"""A comment that proposes a text shows it in its card, in the list and under its line on the
draft page, as a word diff against the lines it would replace (a range's lines joined by new
lines); the lines of every card on a page are read in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments import selectors
from drafts.models import Line
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db

HIDDEN = '<span class="visually-hidden">{}</span>'
REMOVED = f"<del>{HIDDEN.format('[removed: ')}document{HIDDEN.format(']')}</del>"
ADDED = f"<ins>{HIDDEN.format('[added: ')}publish{HIDDEN.format(']')}</ins>"


@pytest.fixture
def version():
    return open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)


@pytest.fixture
def author():
    return representative_of(verified_organisation(name="Kumo AI"))


def _text(version, number: int) -> str:
    return Line.objects.get(version=version, number=number).text


def _cards(page: str) -> list[str]:
    return [part.split("</article>")[0] for part in page.split('<article class="comment-card')[1:]]


def test_the_list_shows_a_proposed_text_as_a_word_diff_in_its_card(client, version, author):
    proposing = submit(
        version=version,
        author=author,
        line_start=4,
        body="Say who publishes it.",
        proposed_text=_text(version, 4).replace("document", "publish"),
    )
    plain = submit(version=version, author=author, line_start=5, body="Fine.")
    page = client.get(reverse("comments:version_comments", args=["haip", 1])).content.decode()
    with_diff, without = _cards(page)
    assert proposing.reference in with_diff and plain.reference in without
    assert "Proposed change:" in with_diff
    assert f"Practice 1.1: organisations {REMOVED}{ADDED} measure 1 of action 1." in with_diff
    assert "card-diff" not in without


def test_a_range_is_diffed_against_its_lines_joined(client, version, author):
    old = f"{_text(version, 5)}\n{_text(version, 6)}"
    submit(
        version=version,
        author=author,
        line_start=5,
        line_end=6,
        proposed_text=old.replace("measure 3", "measure three"),
    )
    page = client.get(reverse("comments:version_comments", args=["haip", 1])).content.decode()
    (card,) = _cards(page)
    assert "Practice 1.2: organisations document measure 2 of action 1.\nPractice 1.3:" in card
    assert "<del>" in card and ">3<" in card and ">three<" in card
    assert "measure 2</span></del>" not in card  # the first line is unchanged


def test_the_cards_under_a_line_on_the_draft_page_show_the_diff(client, version, author):
    submit(
        version=version,
        author=author,
        line_start=4,
        proposed_text=_text(version, 4).replace("document", "publish"),
    )
    page = client.get(f"{version.get_absolute_url()}?line=4").content.decode()
    (card,) = _cards(page)
    assert REMOVED in card and ADDED in card


def test_the_lines_of_all_cards_are_read_in_one_query(version, author):
    comments = [
        submit(
            version=version,
            author=author,
            line_start=number,
            proposed_text=_text(version, number) + " More.",
        )
        for number in (4, 5, 6, 8, 9)
    ]
    comments.append(submit(version=version, author=author, line_start=10))
    with CaptureQueriesContext(connection) as queries:
        listed = selectors.comments_with_anchored_lines(comments)
    assert len(queries) == 1
    anchored = [c.anchored_lines for c in listed[:5]]  # type: ignore[attr-defined]
    assert [[line.number for line in lines] for lines in anchored] == [[4], [5], [6], [8], [9]]
    assert not hasattr(listed[5], "anchored_lines")
    with CaptureQueriesContext(connection) as queries:
        selectors.comments_with_anchored_lines(comments[5:])
    assert len(queries) == 0
