"""The draft page lists the phrases quoted by the comments the reader can see, for the page's
script to mark in the text; a confidential comment's quote stays inside its organisation."""

import pytest

from comments import selectors
from comments.anchoring import Quote
from comments.models import Comment
from drafts.models import Line
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation

pytestmark = pytest.mark.django_db


def test_the_draft_page_lists_the_quotes_to_mark_without_confidential_ones(client):
    version = open_version(slug="quotes", sections=1, lines_per_section=3)
    organisation = verified_organisation(name="Org Q")
    author = representative_of(organisation, make_user(email="q@org.example"))
    text = Line.objects.get(version=version, number=3).text
    phrase = text.split()[1]
    submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=3,
        quote=Quote(phrase, start=text.index(phrase)),
    )
    submit(version=version, author=author, organisation=organisation, line_start=3)
    submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=3,
        quote=Quote(text[:5], start=0),
        visibility=Comment.Visibility.CONFIDENTIAL,
    )

    page = client.get(version.get_absolute_url()).content.decode()
    assert (
        f'data-line="3" data-quote-exact="{phrase}" data-quote-start="{text.index(phrase)}"' in page
    )
    assert f'data-quote-exact="{text[:5]}"' not in page
    assert page.count("data-quote-exact=") == 1

    assert selectors.line_quotes(user=author, version=version) == [
        {"line_start": 3, "quote_exact": text[:5], "quote_start": 0},
        {"line_start": 3, "quote_exact": phrase, "quote_start": text.index(phrase)},
    ]
