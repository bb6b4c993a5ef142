"""One way in for a comment: the page form, the API (one or many) and a bulk file (CSV or JSON
Lines) all read an item with the same reader and file it through the same service, so each
mistake is refused with one message, on the same field, whatever the channel."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import ApiToken
from comments.models import BulkRejection, Comment
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
CHANNELS = ["page", "api", "api-bulk", "csv", "jsonl"]
GOOD = {"line_start": "4", "kind": "general", "body": "Fine.", "visibility": "public"}

MISTAKES = [
    pytest.param(
        {"line_start": "99"},
        "line_start",
        "Line 99 is outside this version, which has lines 1–14.",
        id="line-outside",
    ),
    pytest.param(
        {"line_start": "0"},
        "line_start",
        "Line 0 is outside this version, which has lines 1–14.",
        id="line-zero",
    ),
    pytest.param(
        {"line_start": "6", "line_end": "5"},
        "line_end",
        "The range ends (line 5) before it starts (line 6).",
        id="range-reversed",
    ),
    pytest.param(
        {"line_start": "many"}, "line_start", "A valid integer is required.", id="not-a-number"
    ),
    pytest.param(
        {"quote_exact": "not on this line"},
        "quote_exact",
        "The quoted text does not appear in line 4.",
        id="quote-elsewhere",
    ),
    pytest.param({"body": "  "}, "body", "The comment is empty.", id="empty"),
    pytest.param(
        {"body": "x" * 20_001},
        "body",
        "The comment is 20,001 characters; the limit is 20,000.",
        id="too-long",
    ),
    pytest.param({"kind": "rant"}, "kind", "Unknown kind 'rant'.", id="unknown-kind"),
    pytest.param({"stance": "meh"}, "stance", "Unknown stance 'meh'.", id="unknown-stance"),
    pytest.param(
        {"visibility": "secret"}, "visibility", "Unknown visibility 'secret'.", id="unknown-vis"
    ),
    pytest.param(
        {"organisation": "nobody"},
        "organisation",
        "No organisation 'nobody'.",
        id="unknown-organisation",
    ),
    pytest.param(
        {"organisation": "not-mine"},
        "organisation",
        "You do not represent Not mine; file as yourself or ask its administrator to make you "
        "a representative.",
        id="not-represented",
    ),
]


def as_json(fields: dict[str, str]) -> dict:
    """The form's fields as an API client sends them: numbers as numbers, the quote nested."""
    item: dict = {name: value for name, value in fields.items() if not name.startswith("q")}
    for name in ("line_start", "line_end"):
        if name in item and item[name].isdigit():
            item[name] = int(item[name])
    if "quote_exact" in fields:
        item["quote"] = {"exact": fields["quote_exact"]}
    return item


def as_file(channel: str, fields: dict[str, str]) -> bytes:
    """The form's fields as the one row of a CSV or JSON Lines file."""
    if channel == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([list(fields), list(fields.values())])
        return buffer.getvalue().encode()
    return json.dumps(as_json(fields)).encode() + b"\n"


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """``send(channel, fields)`` files one comment (``fields`` as the form posts them) through
    ``channel``; returns ``{field: [messages]}`` of the refusal, or None if it was filed."""
    cache.clear()
    open_version(slug="haip", sections=3, lines_per_section=3)
    verified_organisation(name="Not mine")
    author = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(user=author, scopes=WRITE)
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def sent(channel: str, fields: dict[str, str]) -> dict | None:
        cache.clear()  # the per-token limits are not what is tested here
        if channel == "page":
            client.force_login(author)
            url = reverse("comments:comment_create", args=["haip", 1])
            response = client.post(url, {**fields, "language": "en"})
            if response.status_code == 302:
                return None
            assert response.status_code == 422
            return dict(response.context["form"].errors)
        if channel == "api":
            url = reverse("comments_api:version_comments", args=["haip", 1])
            response = client.post(
                url, json.dumps(as_json(fields)), content_type="application/json", **api
            )
            if response.status_code == 201:
                return None
            assert response.status_code in (400, 422), response.json()
            return response.json()["errors"]
        if channel == "api-bulk":
            url = reverse("comments_api:bulk_comments", args=["haip", 1])
            response = client.post(
                url, json.dumps([as_json(fields)]), content_type="application/json", **api
            )
            assert response.status_code == 200, response.json()
            (result,) = response.json()["results"]
            return result["errors"] or None
        content = as_file(channel, fields)
        BulkRejection.objects.all().delete()
        url = reverse("comments_api:bulk_submissions", args=["haip", 1])
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url, {"file": SimpleUploadedFile(f"c.{channel}", content)}, **api
            )
        assert response.status_code == 202, response.json()
        rejection = BulkRejection.objects.first()
        return rejection.errors if rejection else None

    return sent


@pytest.mark.parametrize(("mistake", "field", "message"), MISTAKES)
def test_a_mistake_is_refused_with_one_message_through_every_channel(send, mistake, field, message):
    answers = {channel: send(channel, {**GOOD, **mistake}) for channel in CHANNELS}
    assert answers == {channel: {field: [message]} for channel in CHANNELS}
    assert not Comment.objects.exists()


def test_a_good_comment_is_filed_through_every_channel(send):
    for channel in CHANNELS:
        assert send(channel, {**GOOD, "organisation": "kumo-ai"}) is None
    assert Comment.objects.filter(organisation__slug="kumo-ai").count() == len(CHANNELS)
