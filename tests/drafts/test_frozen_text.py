"""A published version's text cannot change through any path: service, form, admin, model
``save()``, queryset ``update()`` or raw SQL (refused by the database's triggers)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from drafts import services
from drafts.models import DraftVersion, FrozenVersionError, Line, Section
from haip_portal.exceptions import ApplicationError
from tests.drafts.factories import open_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> DraftVersion:
    return open_version()


@pytest.fixture
def database_triggers() -> None:
    """The database-level guard exists on PostgreSQL, the production database (and CI's)."""
    if connection.vendor != "postgresql":
        pytest.skip("the frozen-text triggers are installed on PostgreSQL only")


def _text_of(version: DraftVersion) -> tuple:
    version.refresh_from_db()
    return (
        version.source,
        version.line_count,
        list(Section.objects.filter(version=version).values_list("key", "heading")),
        list(Line.objects.filter(version=version).values_list("number", "source", "text")),
    )


def test_service_refuses(published):
    before = _text_of(published)
    with pytest.raises(ApplicationError, match="its text is frozen"):
        services.version_update_text(version=published, source="## 1. Other\n")
    assert _text_of(published) == before


def test_model_save_refuses(published):
    before = _text_of(published)
    published.source = "## 1. Other\n"
    with pytest.raises(FrozenVersionError):
        published.save()
    line = Line.objects.filter(version=published, number=1).get()
    line.text = "changed"
    with pytest.raises(FrozenVersionError):
        line.save()
    with pytest.raises(FrozenVersionError):
        line.delete()
    section = Section.objects.filter(version=published, position=0).get()
    section.heading = "changed"
    with pytest.raises(FrozenVersionError):
        section.save()
    with pytest.raises(FrozenVersionError):
        published.delete()
    assert _text_of(published) == before


def test_moving_status_backwards_is_refused(published):
    published.status = DraftVersion.Status.DRAFT
    with pytest.raises(FrozenVersionError):
        published.save()


@pytest.mark.parametrize(
    "statement",
    [
        lambda v: DraftVersion.objects.filter(pk=v.pk).update(source="## 1. Changed\n"),
        lambda v: DraftVersion.objects.filter(pk=v.pk).update(status="draft"),
        lambda v: Line.objects.filter(version=v).update(text="changed"),
        lambda v: Line.objects.filter(version=v, number=1).delete(),
        lambda v: Section.objects.filter(version=v).update(heading="changed"),
        lambda v: Line.objects.bulk_create(
            [Line(version=v, section=v.sections.first(), number=999, kind="text", text="x")]
        ),
        lambda v: DraftVersion.objects.filter(pk=v.pk).delete(),
    ],
    ids=[
        "update-source",
        "status-back",
        "update-lines",
        "delete-line",
        "update-sections",
        "insert-line",
        "delete-version",
    ],
)
def test_the_database_refuses_bulk_and_raw_writes(published, statement, database_triggers):
    before = _text_of(published)
    with pytest.raises(IntegrityError, match=r"frozen|cannot be deleted"), transaction.atomic():
        statement(published)
    assert _text_of(published) == before


def test_raw_sql_is_refused(published, database_triggers):
    before = _text_of(published)
    table = Line._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET text = 'x' WHERE version_id = %s", [published.pk])
    assert _text_of(published) == before


def test_closing_is_still_allowed_by_the_database(published, database_triggers):
    services.version_close(version=published)
    published.refresh_from_db()
    assert published.status == DraftVersion.Status.CLOSED
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftVersion.objects.filter(pk=published.pk).update(status="open")


def test_secretariat_edit_form_refuses(secretariat_client, published):
    before = _text_of(published)
    url = reverse("drafts:version_edit", args=[published.draft.slug, published.number])
    response = secretariat_client.post(url, {"source": "## 1. Changed\n"})
    assert response.status_code == 302
    assert response.url == published.get_absolute_url()
    assert _text_of(published) == before


def test_admin_shows_published_versions_read_only(admin_client, published):
    url = reverse("admin:drafts_draftversion_change", args=[published.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="source"' not in page.content.decode()
    before = _text_of(published)
    admin_client.post(
        url, {"source": "## 1. Changed\n", "changelog": "x", "draft": published.draft_id}
    )
    assert _text_of(published) == before
    delete = admin_client.post(
        reverse("admin:drafts_draftversion_delete", args=[published.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    line = Line.objects.filter(version=published, number=1).get()
    assert (
        admin_client.post(
            reverse("admin:drafts_line_change", args=[line.pk]), {"text": "x"}
        ).status_code
        == 403
    )
    assert _text_of(published) == before
