"""The live files of a version's comments: the secretariat's matrix CSV and the open data."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from comments import export_selectors
from comments.models import Comment
from tests.comments.consultations import SECRET, consultation_with_comments

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return consultation_with_comments()


def test_the_matrix_streams_as_csv_for_the_secretariat_only(
    consultation, client, secretariat_client
):
    url = reverse("comments:matrix_download", args=["haip", 1])
    response = secretariat_client.get(url)
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + 8
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)
    client.force_login(consultation["filer"])
    assert client.get(url).status_code == 403


def test_open_data_has_the_public_comments_only(consultation, client):
    as_csv = client.get(reverse("comments:open_data", args=["haip", 1, "csv"]))
    text = b"".join(as_csv.streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 7
    as_json = client.get(reverse("comments:open_data", args=["haip", 1, "json"]))
    document = json.loads(b"".join(as_json.streaming_content))
    assert len(document["comments"]) == 7
    assert SECRET not in json.dumps(document)
    assert client.get(reverse("comments:open_data", args=["haip", 1, "xml"])).status_code == 404


def test_open_data_rows_follow_the_anonymous_visibility_rule(consultation):
    version = consultation["version"]
    references = {row.reference for row in export_selectors.open_data_rows(version)}
    visible = set(
        Comment.objects.filter(version=version, visibility="public").values_list(
            "reference", flat=True
        )
    )
    assert references == visible
    anonymous = Comment.objects.visible_to(AnonymousUser()).filter(version=version)
    assert references == set(anonymous.values_list("reference", flat=True))
