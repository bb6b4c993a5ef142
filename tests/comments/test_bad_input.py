"""Free text with characters it may not hold (control characters other than tab, line feed and
carriage return; bidirectional embeddings, overrides and isolates; unpaired surrogates) is
refused, naming the field, the character and its position, and nothing is stored, through
every channel a comment comes in by: the page form, the API (one or many), and a bulk file
(CSV or JSON Lines). The rule lives once, in the comments service; any other text, whatever
its script, emoji, newlines and tabs included, is stored as sent (less surrounding spaces)."""

import csv
import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from accounts import services as account_services
from accounts.models import ApiToken, Organisation
from comments import services
from comments.models import BulkRejection, Comment, Disposition, Flag, Reply
from haip_portal.exceptions import ApplicationError
from haip_portal.text import BIDI_CONTROLS, forbidden_character
from tests.accounts.factories import make_token, make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db
WRITE = (ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)

# --- What may and may not be in free text ---------------------------------------------------

CONTROLS = [chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\t\n\r"]
SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)
forbidden_characters = st.sampled_from(CONTROLS) | st.sampled_from(sorted(BIDI_CONTROLS))
SAMPLES = [
    "\n",
    "\t",
    "\r\n",
    "é",
    "中文",
    "日本語",
    "عربي\u200f",  # a right-to-left mark: allowed
    "עברית\u200e",  # a left-to-right mark: allowed
    "\u061c",  # the Arabic letter mark: allowed
    "🙂",
    "👩\u200d👩\u200d👧",  # an emoji sequence with zero-width joiners
    "ی\u200cی",  # a zero-width non-joiner, as Persian needs
    "\u00a0",
    "\u2028",
]
allowed_text = st.lists(
    st.sampled_from(SAMPLES)
    | st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="".join(BIDI_CONTROLS)),
    max_size=40,
).map("".join)


def _message(field: str, character: str, position: int) -> str:
    found = forbidden_character(character)
    assert found is not None
    return f"{field} contains {found.describe()} at position {position}; remove it."


def _with_forbidden(text: str, character: str, at: int) -> tuple[str, int]:
    at = min(at, len(text))
    return text[:at] + character + text[at:], at + 1


@given(text=allowed_text)
def test_allowed_text_has_no_forbidden_character(text):
    assert forbidden_character(text) is None


@given(
    text=allowed_text,
    character=forbidden_characters | SURROGATES,
    at=st.integers(0, 40),
    multiline=st.booleans(),
)
def test_a_forbidden_character_is_found_where_it_is(text, character, at, multiline):
    if not multiline:
        text = "".join(c for c in text if c not in "\t\n\r")
    value, position = _with_forbidden(text, character, at)
    found = forbidden_character(value, multiline=multiline)
    assert found is not None
    assert (found.character, found.position) == (character, position)
    assert found.code == f"U+{ord(character):04X}"
    assert character not in found.describe()  # the message never holds the character itself


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_line_breaks_and_tabs_are_refused_only_in_one_line_text(character):
    assert forbidden_character(f"a{character}b") is None
    found = forbidden_character(f"a{character}b", multiline=False)
    assert found is not None and found.position == 2


def test_the_message_names_the_field_the_character_and_its_position():
    assert _message("body", "\x01", 3) == (
        "body contains the control character U+0001 at position 3; remove it."
    )
    assert _message("body", "\u202e", 1) == (
        "body contains the bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) "
        "at position 1; remove it."
    )


# --- The service, which every channel goes through ------------------------------------------


@pytest.fixture
def world(db):
    cache.clear()
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    comment = submit(version=version, author=author, line_start=5)
    yield {"version": version, "author": author, "organisation": organisation, "comment": comment}
    cache.clear()


def _input(**fields) -> services.CommentInput:
    return services.CommentInput(**{"line_start": 4, "line_end": 4, "body": "Fine.", **fields})


def _stored() -> tuple[int, int]:
    return Comment.objects.count(), Reply.objects.count()


SERVICE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SERVICE
@given(
    text=allowed_text,
    character=forbidden_characters | SURROGATES,
    at=st.integers(0, 40),
    field=st.sampled_from(["body", "proposed_text", "reply"]),
)
@example(text="ab", character="\x01", at=2, field="body")  # the "\u0001\u0002"
def test_the_service_refuses_a_forbidden_character_in_any_free_text(
    world, text, character, at, field
):
    value, position = _with_forbidden("x" + text, character, at)
    before = _stored()
    with pytest.raises(ApplicationError) as refused:
        if field == "reply":
            services.reply_create(comment=world["comment"], author=world["author"], body=value)
        else:
            services.comment_submit(
                version=world["version"], author=world["author"], data=_input(**{field: value})
            )
    name = "body" if field == "reply" else field
    assert refused.value.message == _message(name, character, position)
    assert refused.value.field == name
    assert _stored() == before


@SERVICE
@given(text=allowed_text, proposed=allowed_text)
def test_the_service_stores_any_other_text_as_sent(world, text, proposed):
    assume(text.strip())
    comment = services.comment_submit(
        version=world["version"],
        author=world["author"],
        data=_input(body=text, proposed_text=proposed),
    )
    comment.refresh_from_db()
    assert (comment.body, comment.proposed_text) == (text.strip(), proposed.strip())
    reply = services.reply_create(comment=comment, author=world["author"], body=text)
    reply.refresh_from_db()
    assert reply.body == text.strip()


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("quote_exact", {"quote": services.Quote("Practice\u202e 1.1")}),
        ("quote_prefix", {"quote": services.Quote("Practice 1.1", prefix="\x01")}),
        ("quote_suffix", {"quote": services.Quote("Practice 1.1", suffix="\u2066")}),
        ("external_id", {"external_id": "id\x1b"}),
        ("external_id", {"external_id": "id\tand tab"}),
        ("language", {"language": "en\u202e"}),
    ],
)
def test_the_service_refuses_forbidden_characters_in_the_other_fields_too(world, field, fields):
    with pytest.raises(ApplicationError) as refused:
        services.comment_submit(
            version=world["version"], author=world["author"], data=_input(**fields)
        )
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field} contains the ")
    assert Comment.objects.count() == 1


def test_an_edit_with_a_forbidden_character_is_refused_and_the_text_kept(world):
    comment = world["comment"]
    with pytest.raises(
        ApplicationError,
        match=r"proposed_text contains the control character U\+0007 at position 4",
    ):
        services.comment_edit(
            comment=comment,
            user=world["author"],
            body="New text.",
            proposed_text="New\x07",
            kind=comment.kind,
            stance=comment.stance,
        )
    comment.refresh_from_db()
    assert comment.body == "This line should name who runs the red team."
    assert not comment.revisions.exists()


def test_flags_dispositions_and_moderation_reasons_refuse_them_too(world, secretariat_user):
    comment = world["comment"]
    reader = make_user()
    with pytest.raises(ApplicationError, match=r"reason contains the bidirectional control"):
        services.flag_create(comment=comment, user=reader, reason="Spam\u202e")
    with pytest.raises(ApplicationError, match=r"response contains the control character U\+0000"):
        services.comment_dispose(
            comments=[comment], user=secretariat_user, outcome="noted", response="Ok\x00"
        )
    with pytest.raises(ApplicationError, match=r"reason contains the control character U\+0085"):
        services.comment_hide(comment=comment, moderator=secretariat_user, reason="Off\x85topic")
    assert not Flag.objects.exists()
    assert not Disposition.objects.exists()
    comment.refresh_from_db()
    assert comment.state == Comment.State.PUBLISHED


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("name", {"name": "Acme\u202eetaroproc"}),
        ("name", {"name": "Acme\nCorp"}),
        ("transparency_register_id", {"transparency_register_id": "123\x00"}),
    ],
)
def test_an_organisation_name_or_register_id_refuses_them(db, field, fields):
    with pytest.raises(ApplicationError) as refused:
        account_services.organisation_register(
            user=make_user(),
            **{
                "name": "Acme",
                "stakeholder_type": Organisation.StakeholderType.COMPANY,
                "country": "FR",
                "email_domain": "acme.example",
                **fields,
            },
        )
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{field} contains the ")
    assert not Organisation.objects.filter(email_domain="acme.example").exists()


# --- Every channel a comment comes in by --------------------------------------------------


@pytest.fixture
def channels(world, client, django_capture_on_commit_callbacks):
    """``send(channel, body)`` files one comment with ``body`` through that channel and returns
    the refusal message, or None if it was filed."""
    author = world["author"]
    _token, raw = make_token(user=author, scopes=WRITE)
    api = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    api_one = reverse("comments_api:version_comments", args=["haip", 1])
    api_bulk = reverse("comments_api:bulk_comments", args=["haip", 1])
    upload = reverse("comments_api:bulk_submissions", args=["haip", 1])
    page = reverse("comments:comment_create", args=["haip", 1])

    def send(channel: str, body: str) -> str | None:
        cache.clear()  # the per-token limits are not what is tested here
        if channel == "page":
            client.force_login(author)
            response = client.post(
                page,
                {
                    "line_start": 4,
                    "kind": "general",
                    "body": body,
                    "visibility": "public",
                    "language": "en",
                },
            )
            if response.status_code == 302:
                return None
            assert response.status_code == 422
            return response.context["form"].errors["body"][0]
        if channel == "api":
            response = client.post(
                api_one,
                json.dumps({"line_start": 4, "body": body}),
                content_type="application/json",
                **api,
            )
            if response.status_code == 201:
                return None
            assert response.status_code == 422, response.json()
            return response.json()["errors"]["body"][0]
        if channel == "api-bulk":
            response = client.post(
                api_bulk,
                json.dumps([{"line_start": 4, "body": body}]),
                content_type="application/json",
                **api,
            )
            assert response.status_code == 200, response.json()
            (result,) = response.json()["results"]
            return result["errors"]["body"][0] if result["status"] == "rejected" else None
        if channel in ("csv", "jsonl"):
            if channel == "csv":
                buffer = io.StringIO()
                csv.writer(buffer).writerows([["line_start", "body"], [4, body]])
                content = buffer.getvalue().encode()
            else:
                content = json.dumps({"line_start": 4, "body": body}).encode() + b"\n"
            BulkRejection.objects.all().delete()
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    upload, {"file": SimpleUploadedFile(f"c.{channel}", content)}, **api
                )
            assert response.status_code == 202, response.json()
            rejection = BulkRejection.objects.first()
            return rejection.errors["body"][0] if rejection else None
        raise AssertionError(channel)

    return send


CHANNELS = ["page", "api", "api-bulk", "csv", "jsonl"]
CHANNEL = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.parametrize("channel", CHANNELS)
@CHANNEL
@given(text=allowed_text, character=forbidden_characters, at=st.integers(0, 40))
@example(text=" \x02", character="\x01", at=0)
@example(text="", character="\x1f", at=0)  # Python counts U+001F as whitespace
@example(text="Hello", character="\u202e", at=5)
def test_every_channel_refuses_a_forbidden_character_and_stores_nothing(
    channels, channel, text, character, at
):
    value, position = _with_forbidden(text, character, at)
    before = Comment.objects.count()
    assert channels(channel, value) == _message("body", character, position)
    assert Comment.objects.count() == before


@pytest.mark.parametrize("channel", ["api", "api-bulk", "jsonl"])  # JSON can carry them
@CHANNEL
@given(text=allowed_text, character=SURROGATES, at=st.integers(0, 40))
def test_json_channels_refuse_an_unpaired_surrogate(channels, channel, text, character, at):
    value, position = _with_forbidden(text, character, at)
    before = Comment.objects.count()
    assert channels(channel, value) == _message("body", character, position)
    assert Comment.objects.count() == before


@pytest.mark.parametrize("channel", CHANNELS)
@CHANNEL
@given(text=allowed_text)
@example(text="Line one,\r\nline two\tand a tab; عربي\u200f and 👩\u200d👩\u200d👧")
def test_every_channel_stores_any_other_text_as_sent(channels, channel, text):
    text = "x" + text  # never blank
    assert channels(channel, text) is None
    assert Comment.objects.latest("pk").body == text.strip()


# --- Replies and edits through the page and the API ------------------------------------------


def test_a_reply_with_a_bidi_override_is_refused_on_the_page_and_by_the_api(world, client):
    comment = world["comment"]
    client.force_login(world["author"])
    response = client.post(
        reverse("comments:reply_create", args=[comment.reference]), {"body": "ok\u202e"}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [_message("body", "\u202e", 3)]
    _token, raw = make_token(user=world["author"], scopes=WRITE)
    response = client.post(
        reverse("comments_api:comment_reply", args=[comment.reference]),
        json.dumps({"body": "\u2067ok"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"body": [_message("body", "\u2067", 1)]}
    assert not Reply.objects.exists()


def test_an_edit_on_the_page_with_a_control_character_is_refused(world, client):
    comment = world["comment"]
    client.force_login(world["author"])
    response = client.post(
        reverse("comments:comment_edit", args=[comment.reference]),
        {"kind": "general", "body": "Edited\x0b text", "proposed_text": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [_message("body", "\x0b", 7)]
    comment.refresh_from_db()
    assert comment.body == "This line should name who runs the red team."


def test_spaces_alone_are_an_empty_comment_with_one_message_on_the_page_and_the_api(world, client):
    client.force_login(world["author"])
    response = client.post(
        reverse("comments:comment_create", args=["haip", 1]),
        {
            "line_start": 4,
            "kind": "general",
            "body": "   ",
            "visibility": "public",
            "language": "en",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["body"] == ["The comment is empty."]
    login_with_two_factor(client, world["author"])
    response = client.post(
        reverse("comments_api:version_comments", args=["haip", 1]),
        json.dumps({"line_start": 4, "body": " \n "}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"body": ["The comment is empty."]}
    assert Comment.objects.count() == 1
