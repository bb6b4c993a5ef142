"""Renderings of a version in other languages: they must follow the master, sections and
numbered lines, or they are refused with the first differences named and nothing stored."""

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafts import services
from drafts.alignment import differences
from drafts.demo import DEMO_DIR
from drafts.markdown import parse_source
from drafts.models import Rendering, RenderingLine
from haip_portal.exceptions import ApplicationError
from tests.drafts.factories import attach, make_draft, markdown_source, publish, rendered

pytestmark = pytest.mark.django_db

MASTER = markdown_source(sections=4, lines_per_section=3)


@pytest.fixture
def unpublished():
    return make_draft(source=MASTER).versions.get(number=1)


def _blocks(source: str) -> list[list[str]]:
    """The source as its preamble and sections, each a list of non-blank lines."""
    blocks: list[list[str]] = [[]]
    for line in source.splitlines():
        if line.startswith("## "):
            blocks.append([])
        if line.strip():
            blocks[-1].append(line)
    return blocks


def _join(blocks: list[list[str]]) -> str:
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


def _refused(version, source: str, language: str = "fr") -> str:
    with pytest.raises(ApplicationError) as refusal:
        services.rendering_attach(
            version=version, language=language, source=source, created_by=None
        )
    assert not Rendering.objects.exists()
    assert not RenderingLine.objects.exists()
    assert refusal.value.field == "source"
    return refusal.value.message


def test_the_demo_renderings_follow_the_master_line_for_line():
    master = parse_source((DEMO_DIR / "haip-code-v1.md").read_text(encoding="utf-8"))
    for language in ("fr", "de", "it", "ja"):
        rendering = parse_source(
            (DEMO_DIR / f"haip-code-v1.{language}.md").read_text(encoding="utf-8")
        )
        assert differences(master, rendering, name=language) == []
        assert [s.key for s in rendering.sections] == [s.key for s in master.sections]


def test_an_aligned_rendering_is_stored_with_the_masters_line_numbers(unpublished):
    rendering = attach(unpublished, "de")
    lines = list(RenderingLine.objects.filter(rendering=rendering).order_by("number"))
    assert [line.number for line in lines] == list(range(1, unpublished.line_count + 1))
    assert lines[-1].text.startswith("de:Practice")
    assert rendering.status == Rendering.Status.DRAFT


def test_a_missing_section_is_named_and_nothing_is_stored(unpublished):
    blocks = _blocks(rendered(MASTER))
    del blocks[2]  # action-2
    message = _refused(unpublished, _join(blocks))
    assert "Section 'action-2' (lines 7–10 in the master) is missing from the French" in message


def test_an_extra_line_is_named_with_both_ranges(unpublished):
    blocks = _blocks(rendered(MASTER))
    blocks[3].insert(2, "- fr:Une ligne de plus.")
    message = _refused(unpublished, _join(blocks))
    assert (
        "Section 'action-3' has 4 lines in the master (lines 11–14) and 5 in the French "
        "rendering (lines 11–15)"
    ) in message


def test_a_different_line_count_in_one_section_names_the_line_that_parts(unpublished):
    blocks = _blocks(rendered(MASTER))
    blocks[1][2] = "fr:Un paragraphe au lieu d'un point."  # line 5: an item in the master
    del blocks[1][3]
    message = _refused(unpublished, _join(blocks))
    assert "Section 'action-1' has 4 lines in the master (lines 3–6) and 3" in message
    assert "line 5 is a list item in the master and a paragraph there" in message


def test_an_extra_section_is_named_with_where_it_stands(unpublished):
    blocks = _blocks(rendered(MASTER))
    blocks.insert(3, ["## 9. fr:Une action de plus", "- fr:Un point."])
    message = _refused(unpublished, _join(blocks))
    assert "has a section 'action-9' (its lines 11–12, after section 'action-2')" in message


def test_the_masters_language_and_unknown_languages_are_refused(unpublished):
    for language, words in (("en", "written in English"), ("es", "Unknown language 'es'")):
        with pytest.raises(ApplicationError, match=words):
            attach(unpublished, language)
    assert not Rendering.objects.exists()


@st.composite
def _mutations(draw):
    """A change to an aligned rendering and what the refusal must name first."""
    blocks = _blocks(rendered(MASTER))
    kind = draw(st.sampled_from(["drop-section", "add-section", "add-line", "drop-line"]))
    section = draw(st.integers(min_value=1, max_value=len(blocks) - 1))
    key = f"action-{section}"
    if kind == "drop-section":
        del blocks[section]
        return blocks, f"Section '{key}'", "is missing from the French rendering"
    if kind == "add-section":
        blocks.insert(section, ["## 99. fr:Nouvelle action", "- fr:Nouveau point."])
        return blocks, "a section 'action-99'", "that the master does not have"
    items = len(blocks[section]) - 1
    at = draw(st.integers(min_value=1, max_value=items))
    if kind == "add-line":
        blocks[section].insert(at, "- fr:Un point ajouté.")
        return blocks, f"Section '{key}' has {items + 1} lines in the master", f"and {items + 2}"
    del blocks[section][at]
    return blocks, f"Section '{key}' has {items + 1} lines in the master", f"and {items} in"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=_mutations())
def test_any_mutation_is_refused_naming_its_first_difference(unpublished, mutation):
    blocks, first, detail = mutation
    message = _refused(unpublished, _join(blocks))
    assert first in message
    assert detail in message
    # The first difference is named first: nothing before it in the master is blamed.
    assert message.index(first) < len("The French rendering does not follow the master: ") + 40


def test_renderings_are_published_with_their_version(unpublished):
    attach(unpublished, "fr")
    attach(unpublished, "ja", rendered(MASTER, marker="ja"))
    publish(unpublished)
    assert set(Rendering.objects.values_list("language", "status")) == {
        ("fr", "published"),
        ("ja", "published"),
    }


def test_a_rendering_that_no_longer_follows_the_edited_master_stops_publication(unpublished):
    attach(unpublished, "fr")
    services.version_update_text(
        version=unpublished, source=markdown_source(sections=5, lines_per_section=3)
    )
    with pytest.raises(ApplicationError, match=r"Section 'action-5'.*missing from the French"):
        publish(unpublished)
    unpublished.refresh_from_db()
    assert unpublished.status == "draft"


def test_a_rendering_of_a_published_version_waits_to_be_published(unpublished):
    version = publish(unpublished)
    rendering = attach(version, "it")
    assert rendering.status == Rendering.Status.DRAFT
    services.rendering_publish(rendering=rendering)
    rendering.refresh_from_db()
    assert rendering.status == Rendering.Status.PUBLISHED and rendering.published_at


def test_the_refusal_is_said_in_the_language_of_the_request(unpublished):
    blocks = _blocks(rendered(MASTER))
    blocks[1][2] = "fr:Un paragraphe au lieu d'un point."  # line 5: an item in the master
    del blocks[1][3]
    with translation.override("ja"):
        message = _refused(unpublished, _join(blocks))
    assert message.startswith("フランス語訳は原文に沿っていません：節「action-1」は、原文では 4 行")
    assert message.endswith("5 行目は原文では箇条書きの項目、翻訳では段落です。")
    with translation.override("de"):
        message = _refused(unpublished, _join(blocks))
    assert "Zeile 5 ist im Originaltext ein Listenpunkt und dort ein Absatz." in message
