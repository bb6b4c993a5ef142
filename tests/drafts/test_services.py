from datetime import timedelta

import pytest
from django.utils import timezone

from drafts import services
from drafts.models import DraftVersion, Line, Section
from haip_portal.exceptions import ApplicationError
from tests.drafts.factories import make_draft, markdown_source, open_version, publish

Status = DraftVersion.Status
pytestmark = pytest.mark.django_db


def test_draft_create_imports_sections_and_numbered_lines():
    draft = make_draft(sections=2, lines_per_section=2)
    version = draft.versions.get()
    assert (version.number, version.status) == (1, Status.DRAFT)
    assert version.line_count == 2 + 2 * 3
    assert list(version.sections.values_list("key", "line_start", "line_end")) == [
        ("preamble", 1, 2),
        ("action-1", 3, 5),
        ("action-2", 6, 8),
    ]
    assert list(version.lines.values_list("number", flat=True)) == list(range(1, 9))


def test_bad_source_creates_nothing():
    with pytest.raises(ApplicationError, match="raw HTML") as error:
        services.draft_create(slug="x", title="X", source="## 1. A\n<b>x</b>", created_by=None)
    assert error.value.field == "source"
    assert not DraftVersion.objects.exists()


def test_update_text_renumbers_an_unpublished_version():
    version = make_draft(sections=1, lines_per_section=1).versions.get()
    services.version_update_text(version=version, source="## 1. New\n- a\n- b\n- c\n")
    version.refresh_from_db()
    assert version.line_count == 4
    assert list(Line.objects.filter(version=version).values_list("text", flat=True)) == [
        "1. New",
        "a",
        "b",
        "c",
    ]
    assert Section.objects.filter(version=version).count() == 1


def test_publish_sets_the_period_and_opens_the_version():
    version = make_draft().versions.get()
    now = timezone.now()
    services.version_publish(
        version=version,
        opens_at=now,
        closes_at=now + timedelta(days=30),
        changelog="First draft.",
        published_by=None,
        now=now,
    )
    version.refresh_from_db()
    assert version.status == Status.OPEN
    assert (version.opens_at, version.closes_at, version.published_at) == (
        now,
        now + timedelta(days=30),
        now,
    )


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (0, 0, "must close after it opens"),
        (5, 1, "must close after it opens"),
        (-10, -1, "must close in the future"),
    ],
)
def test_publish_refuses_a_bad_period(opens, closes, message):
    version = make_draft().versions.get()
    now = timezone.now()
    with pytest.raises(ApplicationError, match=message):
        services.version_publish(
            version=version,
            opens_at=now + timedelta(days=opens),
            closes_at=now + timedelta(days=closes),
            published_by=None,
        )
    version.refresh_from_db()
    assert version.status == Status.DRAFT


def test_transitions_happen_only_in_order():
    version = make_draft().versions.get()
    with pytest.raises(ApplicationError, match="only an open version closes"):
        services.version_close(version=version)
    publish(version)
    with pytest.raises(ApplicationError, match="its text is frozen"):
        publish(version)
    services.version_close(version=version)
    version.refresh_from_db()
    assert version.status == Status.CLOSED
    assert version.closed_at is not None
    for attempt in (lambda: publish(version), lambda: services.version_close(version=version)):
        with pytest.raises(ApplicationError):
            attempt()
    version.refresh_from_db()
    assert version.status == Status.CLOSED


def test_next_version_copies_the_text_and_only_one_unpublished_version_exists():
    v1 = open_version()
    v2 = services.version_create(draft=v1.draft, created_by=None)
    assert (v2.number, v2.status, v2.source) == (2, Status.DRAFT, v1.source)
    assert v2.lines.count() == v1.lines.count()
    with pytest.raises(ApplicationError, match="not published yet"):
        services.version_create(draft=v1.draft, created_by=None)


def test_publishing_v2_needs_a_changelog_and_closes_v1():
    v1 = open_version()
    v2 = services.version_create(
        draft=v1.draft, source=markdown_source(sections=4), created_by=None
    )
    now = timezone.now()
    with pytest.raises(ApplicationError, match="Say what changed"):
        services.version_publish(
            version=v2, opens_at=now, closes_at=now + timedelta(days=9), published_by=None
        )
    publish(v2, changelog="Added action 4.")
    v1.refresh_from_db()
    assert v1.status == Status.CLOSED
    assert DraftVersion.objects.filter(draft=v1.draft, status=Status.OPEN).get() == v2


def test_versions_close_due_closes_only_ended_periods():
    due = open_version(slug="due")
    running = open_version(slug="running")
    DraftVersion.objects.filter(pk=due.pk).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(seconds=1)
    )
    assert services.versions_close_due() == [due.pk]
    assert services.versions_close_due() == []
    due.refresh_from_db()
    running.refresh_from_db()
    assert (due.status, running.status) == (Status.CLOSED, Status.OPEN)
