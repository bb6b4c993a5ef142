"""A published rendering is frozen like the master's text, by the same four defences:
the services, the models, the admin and (on PostgreSQL) the database's triggers."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from drafts import services
from drafts.models import DraftVersion, FrozenVersionError, Rendering, RenderingLine
from haip_portal.exceptions import ApplicationError
from tests.drafts.factories import attach, make_draft, publish, rendered

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen() -> Rendering:
    version = make_draft().versions.get(number=1)
    attach(version, "fr")
    publish(version)
    return Rendering.objects.get(version=version, language="fr")


@pytest.fixture
def database_triggers() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the frozen-text triggers are installed on PostgreSQL only")


def _text_of(rendering: Rendering) -> tuple:
    rendering = Rendering.objects.get(pk=rendering.pk)
    return (
        rendering.source,
        rendering.status,
        rendering.language,
        list(RenderingLine.objects.filter(rendering=rendering).values_list("number", "text")),
    )


# 1. The services


def test_the_services_refuse_to_replace_or_remove_it(frozen):
    before = _text_of(frozen)
    with pytest.raises(ApplicationError, match="published; its text is frozen"):
        attach(frozen.version, "fr", rendered(frozen.version.source, marker="xx"))
    with pytest.raises(ApplicationError, match="cannot be removed"):
        services.rendering_remove(rendering=frozen)
    with pytest.raises(ApplicationError, match="already published"):
        services.rendering_publish(rendering=frozen)
    assert _text_of(frozen) == before


# 2. The models


def test_the_models_refuse_to_save_or_delete_it(frozen):
    before = _text_of(frozen)
    frozen.source = "## 1. Changed\n"
    with pytest.raises(FrozenVersionError):
        frozen.save()
    frozen = Rendering.objects.get(pk=frozen.pk)
    frozen.status = Rendering.Status.DRAFT
    with pytest.raises(FrozenVersionError):
        frozen.save()
    with pytest.raises(FrozenVersionError):
        Rendering.objects.get(pk=frozen.pk).delete()
    line = RenderingLine.objects.filter(rendering=frozen).first()
    assert line is not None
    line.text = "changed"
    with pytest.raises(FrozenVersionError):
        line.save()
    with pytest.raises(FrozenVersionError):
        line.delete()
    assert _text_of(frozen) == before


def test_the_masters_language_is_frozen_with_its_text(frozen):
    version = DraftVersion.objects.get(pk=frozen.version_id)
    version.language = "de"
    with pytest.raises(FrozenVersionError):
        version.save()


# 3. The admin


def test_the_admin_shows_it_read_only_and_offers_no_delete(admin_client, frozen):
    before = _text_of(frozen)
    url = reverse("admin:drafts_rendering_change", args=[frozen.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="source"' not in page.content.decode()
    admin_client.post(url, {"source": "## 1. Changed\n", "language": "fr"})
    delete = admin_client.post(
        reverse("admin:drafts_rendering_delete", args=[frozen.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    line = RenderingLine.objects.filter(rendering=frozen).first()
    assert line is not None
    change = admin_client.post(
        reverse("admin:drafts_renderingline_change", args=[line.pk]), {"text": "x"}
    )
    assert change.status_code == 403
    assert _text_of(frozen) == before


def test_the_admin_attaches_a_rendering_through_the_alignment_check(admin_client):
    version = make_draft().versions.get(number=1)
    url = reverse("admin:drafts_rendering_add")
    admin_client.post(url, {"version": version.pk, "language": "de", "source": "## 7. Nein\n- x"})
    assert not Rendering.objects.exists()
    admin_client.post(
        url,
        {"version": version.pk, "language": "de", "source": rendered(version.source, marker="de")},
    )
    assert Rendering.objects.get().lines.count() == version.line_count


# 4. The database (PostgreSQL)


@pytest.mark.parametrize(
    "statement",
    [
        lambda r: Rendering.objects.filter(pk=r.pk).update(source="## 1. Changed\n"),
        lambda r: Rendering.objects.filter(pk=r.pk).update(status="draft"),
        lambda r: Rendering.objects.filter(pk=r.pk).update(language="de"),
        lambda r: Rendering.objects.filter(pk=r.pk).delete(),
        lambda r: RenderingLine.objects.filter(rendering=r).update(text="changed"),
        lambda r: RenderingLine.objects.filter(rendering=r, number=1).delete(),
        lambda r: RenderingLine.objects.bulk_create(
            [RenderingLine(rendering=r, number=999, kind="text", text="x", html="x")]
        ),
        lambda r: DraftVersion.objects.filter(pk=r.version_id).update(language="ja"),
    ],
    ids=[
        "update-source",
        "status-back",
        "change-language",
        "delete-rendering",
        "update-lines",
        "delete-line",
        "insert-line",
        "master-language",
    ],
)
def test_the_database_refuses_bulk_writes(frozen, statement, database_triggers):
    before = _text_of(frozen)
    with pytest.raises(IntegrityError, match=r"frozen|cannot be deleted"), transaction.atomic():
        statement(frozen)
    assert _text_of(frozen) == before


def test_the_database_refuses_raw_sql(frozen, database_triggers):
    before = _text_of(frozen)
    table = RenderingLine._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET text = 'x' WHERE rendering_id = %s", [frozen.pk])
    assert _text_of(frozen) == before


def test_an_unpublished_rendering_can_still_be_replaced_in_the_database(database_triggers):
    version = make_draft().versions.get(number=1)
    rendering = attach(version, "fr")
    attach(version, "fr", rendered(version.source, marker="fr2"))
    assert RenderingLine.objects.filter(rendering=rendering, text__contains="fr2:").exists()
