"""A proposed text shown as a word diff against the line it would replace: the pure diff, and
the comment page that shows it with <del>/<ins> and words for screen readers."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments.worddiff import Span, word_diff
from drafts.models import Line
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation


def _side(spans: list[Span], op: str) -> str:
    return "".join(span.text for span in spans if span.op in ("equal", op))


def test_a_changed_word_is_one_deletion_and_one_insertion():
    assert word_diff("Organisations document measure 1.", "Organisations publish measure 1.") == [
        Span("equal", "Organisations "),
        Span("delete", "document"),
        Span("insert", "publish"),
        Span("equal", " measure 1."),
    ]


def test_identical_texts_are_one_kept_span_and_empty_ones_none():
    assert word_diff("Same text.", "Same text.") == [Span("equal", "Same text.")]
    assert word_diff("", "") == []
    assert word_diff("", "New.") == [Span("insert", "New.")]


_TEXT = st.text(alphabet=st.sampled_from(list("ab cé,.\n1")), max_size=60)


@given(old=_TEXT, new=_TEXT)
def test_the_spans_rebuild_both_texts_and_never_repeat_an_operation(old, new):
    spans = word_diff(old, new)
    assert _side(spans, "delete") == old
    assert _side(spans, "insert") == new
    assert all(span.text for span in spans)
    assert all(a.op != b.op for a, b in pairwise(spans))


@pytest.mark.django_db
def test_the_comment_page_shows_the_proposed_text_as_a_word_diff(client):
    version = open_version(slug="diff", sections=1, lines_per_section=3)
    organisation = verified_organisation(name="Org D")
    author = representative_of(organisation, make_user(email="d@org.example"))
    line = Line.objects.get(version=version, number=3)
    first = line.text.split()[0]
    proposed = line.text.replace(first, "<b>Every</b>", 1)
    comment = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=3,
        proposed_text=proposed,
    )
    page = client.get(comment.get_absolute_url()).content.decode()
    assert "Changes to the current text" in page
    assert (
        f'<del><span class="visually-hidden">[removed: </span>{first}'
        '<span class="visually-hidden">]</span></del>' in page
    )
    assert '<ins><span class="visually-hidden">[added: </span>&lt;b&gt;Every' in page
    assert "<b>Every</b>" not in page
