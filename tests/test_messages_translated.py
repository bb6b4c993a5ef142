"""Every message the portal's Python code shows people goes through gettext.

The check reads every module of the portal's apps (not migrations, not tests) with ``ast`` and
looks at what people read:

- each refusal: ``ApplicationError``, ``NotFound``, ``NotAllowed``, ``Conflict``,
  ``PermissionDenied``, ``ValidationError``, ``Http404``, ``SourceError``, DRF's
  ``AuthenticationFailed``, ``NotAuthenticated`` and ``ParseError``, a form's ``add_error``
  and a permission class's ``message``;
- each flash message (``messages.success`` and its kin);
- the words of each form field (``label``, ``help_text``, ``empty_label``,
  ``error_messages``).

None of them may be a plain string literal, an f-string, or a ``%``, ``+`` or ``.format()``
built on a literal. A message that must stay English says so on a line of its call with
``# untranslated: <reason>``; the reason may not be empty.
"""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_organisation, make_token, make_user
from tests.comments.factories import (
    open_version,
    representative_of,
    submit,
    verified_organisation,
)

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "drafts", "comments", "haip_portal")
MARKER = re.compile(r"#\s*untranslated:(.*)$")

REFUSALS = {
    "ApplicationError",
    "NotFound",
    "NotAllowed",
    "Conflict",
    "PermissionDenied",
    "ValidationError",
    "Http404",
    "SourceError",  # a draft's Markdown that cannot be read: shown beside the form
    "AuthenticationFailed",
    "NotAuthenticated",
    "ParseError",
}
FLASHES = {"debug", "info", "success", "warning", "error"}
FORM_FIELD_WORDS = ("label", "help_text", "empty_label", "error_messages")
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _sources() -> list[Path]:
    paths = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            paths.append(path)
    return paths


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _message_arguments(call: ast.Call) -> list[ast.expr]:
    """The arguments of ``call`` that carry a message people read, if it is a refusal or a
    flash message."""
    function = call.func
    name = _name(function)
    keywords = {keyword.arg: keyword.value for keyword in call.keywords if keyword.arg}
    if name in REFUSALS:
        found = call.args[:1]
        found += [keywords[key] for key in ("message", "detail") if key in keywords]
        return found
    is_messages = isinstance(function, ast.Attribute) and _name(function.value) == "messages"
    if is_messages and name in FLASHES:
        return call.args[1:2] + ([keywords["message"]] if "message" in keywords else [])
    if is_messages and name == "add_message":
        return call.args[2:3] + ([keywords["message"]] if "message" in keywords else [])
    if name == "add_error":
        return call.args[1:2] + ([keywords["error"]] if "error" in keywords else [])
    if isinstance(function, ast.Attribute) and _name(function.value) == "forms":
        return [keywords[key] for key in FORM_FIELD_WORDS if key in keywords]
    return []


def _is_english(node: ast.expr) -> bool:
    """Whether ``node`` writes its words in English in the code rather than asking gettext."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(node.value.strip())
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _is_english(node.left)  # the right side holds the values, not words
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_english(node.left) or _is_english(node.right)
    if isinstance(node, ast.Call) and _name(node.func) in GETTEXT:
        return False
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # "…".format(…) and "…".join(…) on a literal with words
        return node.func.attr == "format" and _is_english(node.func.value)
    if isinstance(node, ast.Dict):
        return any(value is not None and _is_english(value) for value in node.values)
    if isinstance(node, ast.List | ast.Tuple):
        return any(_is_english(element) for element in node.elts)
    if isinstance(node, ast.IfExp):
        return _is_english(node.body) or _is_english(node.orelse)
    return False


def _marked(lines: list[str], call: ast.stmt | ast.expr, argument: ast.expr) -> str | None:
    """The reason given with ``# untranslated:`` on a line of the call, if any."""
    last = getattr(call, "end_lineno", call.lineno) or call.lineno
    for number in range(call.lineno, last + 1):
        match = MARKER.search(lines[number - 1])
        if match:
            return match.group(1).strip()
    return None


def english_messages(path: Path) -> tuple[list[str], list[str]]:
    """Where ``path`` shows people English written in the code, as ``file:line``, and where
    an ``# untranslated:`` marker gives no reason."""
    source = path.read_text()
    lines = source.splitlines()
    english, unexplained = [], []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            # A DRF permission's refusal: ``message = "…"`` in the class body.
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(_name(target) == "message" for target in statement.targets)
                    and _is_english(statement.value)
                    and _marked(lines, statement, statement.value) is None
                ):
                    english.append(f"{path.relative_to(ROOT)}:{statement.lineno}")
            continue
        if not isinstance(node, ast.Call):
            continue
        for argument in _message_arguments(node):
            if not _is_english(argument):
                continue
            where = f"{path.relative_to(ROOT)}:{argument.lineno}"
            reason = _marked(lines, node, argument)
            if reason is None:
                english.append(where)
            elif not reason:
                unexplained.append(where)
    return english, unexplained


def test_every_refusal_and_flash_message_goes_through_gettext():
    english, unexplained = [], []
    for path in _sources():
        found, bare = english_messages(path)
        english += found
        unexplained += bare
    assert english == [], "messages written in English instead of through gettext"
    assert unexplained == [], "an '# untranslated:' marker needs a reason"


@pytest.mark.parametrize(
    ("code", "caught"),
    [
        ('raise ApplicationError("Choose a role.", field="role")', True),
        ('raise NotFound(f"No such {thing}.")', True),
        ('raise PermissionDenied("Only the secretariat.")', True),
        ('raise ValidationError({"name": "Give a name."})', True),
        ('raise ApplicationError("No %s." % thing)', True),
        ('raise ApplicationError("No {}.".format(thing))', True),
        ('raise ApplicationError(\n    "A long"\n    " message."\n)', True),
        ('messages.success(request, f"{thing} is saved.")', True),
        ('messages.add_message(request, messages.INFO, "Saved.")', True),
        ('raise ApplicationError(message="Saved.")', True),
        ('form.add_error(None, "Too many attempts.")', True),
        ('name = forms.CharField(label="Name", help_text=f"At most {n}.")', True),
        ('confirm = forms.BooleanField(error_messages={"required": "Tick it."})', True),
        ('class P(BasePermission):\n    message = "This token may not."', True),
        ('name = forms.CharField(label=_("Name"), max_length=100)', False),
        ('class P(BasePermission):\n    message = gettext_lazy("This token may not.")', False),
        ('raise ApplicationError(_("Choose a role."), field="role")', False),
        ('raise NotFound(_("No such %(thing)s.") % {"thing": thing})', False),
        ('messages.success(request, gettext("Saved."))', False),
        ("raise ApplicationError(message)", False),
        ('raise ApplicationError(" ".join(errors))', False),
        ('raise ApplicationError("x")  # untranslated: a code the client reads', False),
        ('logger.info("Saved %s.", thing)', False),
        ('raise ValueError("bad argument")', False),
    ],
)
def test_the_check_tells_english_from_gettext(code, caught):
    path = ROOT / "var" / "message_check_example.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(code + "\n")
    try:
        english, unexplained = english_messages(path)
    finally:
        path.unlink()
    assert bool(english) is caught
    assert unexplained == []


def test_a_marker_without_a_reason_is_refused():
    path = ROOT / "var" / "message_check_example.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text('raise ApplicationError("x")  # untranslated:\n')
    try:
        english, unexplained = english_messages(path)
    finally:
        path.unlink()
    assert english == [] and unexplained == ["var/message_check_example.py:1"]


# The refusals in the reader's language, through the pages, the API and the services.


def _in(language: str, message: str) -> str:
    with translation.override(language):
        translated = translation.gettext(message)
    assert translated != message, f"{message!r} has no {language} translation"
    return translated


@pytest.mark.django_db
def test_asking_twice_to_join_is_refused_in_french_on_the_page(client):
    organisation = make_organisation(name="Kumo AI", verified=True)
    user = make_user()
    services.membership_request(user=user, organisation=organisation)
    client.force_login(user)
    url = reverse("accounts:membership_request", args=[organisation.slug])
    page = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Votre demande d’adhésion à Kumo AI est déjà en attente." in page
    assert "already pending" not in page


@pytest.mark.django_db
def test_a_revoked_token_is_refused_in_japanese_by_the_api():
    token, raw = make_token()
    services.api_token_revoke(user=token.user, token_id=token.pk)
    response = APIClient().get(
        reverse("accounts_api:me"), HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 401
    assert response.json()["message"] == "トークンは失効しています。"


@pytest.mark.django_db
def test_an_unknown_organisation_is_named_in_japanese_by_the_api():
    version = open_version()
    author = representative_of(verified_organisation(name="Kumo AI"))
    comment = submit(version=version, author=author)
    endorser = representative_of(verified_organisation(name="Endorser"))
    _token, raw = make_token(
        user=endorser, scopes=(ApiToken.Scope.COMMENTS_READ, ApiToken.Scope.COMMENTS_WRITE)
    )
    response = APIClient().post(
        reverse("comments_api:comment_endorse", args=[comment.reference]),
        {"organisation": "no-such-organisation"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["organisation"] == [_in("ja", "No such organisation.")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The expiry must be in the future."),
        ("fr", "L’échéance doit se situer dans le futur."),
        ("de", "Das Ablaufdatum muss in der Zukunft liegen."),
        ("ja", "有効期限は未来の日時にしてください。"),
    ],
)
def test_a_bad_token_expiry_is_refused_in_the_active_language(language, expected):
    with (
        translation.override(language),
        pytest.raises(ApplicationError) as refusal,
    ):
        services.api_token_create(
            user=make_user(),
            name="Script",
            scopes=[ApiToken.Scope.COMMENTS_READ],
            expires_at=timezone.now() - timedelta(days=1),
        )
    assert refusal.value.message == expected and refusal.value.field == "expires_at"


@pytest.mark.django_db
def test_a_state_inside_a_sentence_is_lower_case_but_keeps_the_german_capital(
    secretariat_user,
):
    organisation = make_organisation(name="Kumo AI", verified=True)
    for language, expected in [
        ("en", "Kumo AI is already verified; a decided organisation is not decided again."),
        ("fr", "Kumo AI est déjà dans l’état « vérifiée » ;"),
        ("de", "Kumo AI hat bereits den Status „Geprüft“;"),
    ]:
        with translation.override(language), pytest.raises(ApplicationError) as refusal:
            services.organisation_verify(organisation=organisation, actor=secretariat_user)
        assert refusal.value.message.startswith(expected)
