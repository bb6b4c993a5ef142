"""Every response carries the portal's Content-Security-Policy and no page holds an inline
script, style or handler without the response's nonce; responses to signed-in requests and
responses carrying confidential material are never stored by a cache.

The walk covers every URL pattern of the site (a new page joins it by itself), as an
anonymous visitor, a stakeholder, the secretariat and, for the admin, a staff member.
"""

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership
from comments import services as comment_services
from comments.digests import services as digest_services
from comments.digests.models import Digest, DigestExport
from comments.services import bulk_submission_create
from drafts import services as draft_services
from haip_portal.middleware import CONFIDENTIAL, PrivateResponseMiddleware, mark_confidential
from tests.accounts.factories import make_token
from tests.comments.factories import (
    member_of,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)
from tests.comments.papers import pdf_bytes
from tests.comments.papers import upload as paper_upload
from tests.conftest import login_with_two_factor

pytestmark = pytest.mark.django_db

# The policy every response carries (the nonce only where the page used one).
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# The digest's standalone HTML file keeps its own policy: no script of any kind may run in
# it, and its one inline style sheet travels with the file (it must read the same offline).
DIGEST_FILE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
# Script types that a browser runs; other types are data blocks (allauth keeps JSON in them).
SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


# --- The site's URL patterns -------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # namespace-qualified, for reverse()
    route: str  # the whole pattern, for reading which object a parameter names
    params: tuple[str, ...]


def _routes(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            regex = entry.pattern.regex
            route = prefix + str(entry.pattern)
            name = entry.name and (f"{namespace}:{entry.name}".lstrip(":"))
            yield Route(name or "", route, tuple(regex.groupindex))


ROUTES = list(_routes())


# --- What the site holds while it is walked --------------------------------------------


@pytest.fixture
def site(django_capture_on_commit_callbacks, secretariat_user, admin_user):
    """A consultation with public and confidential comments, a draft v2, organisations, a
    token, a bulk upload and two ready digests (public and working group) with every file."""
    version = open_version(slug="haip", title="HAIP Code", sections=3, lines_per_section=3)
    draft_services.version_create(draft=version.draft, source=None, created_by=None)
    organisation = verified_organisation(name="Kumo AI")
    stakeholder = representative_of(organisation)
    applicant = member_of(organisation, status=Membership.Status.PENDING)
    public = submit(version=version, author=stakeholder, organisation=organisation)
    confidential = submit(
        version=version,
        author=stakeholder,
        organisation=organisation,
        line_start=5,
        body="Our confidential red-team budget.",
        visibility="confidential",
    )
    papers = [
        comment_services.attachments_add(
            comment=comment, user=stakeholder, files=[paper_upload("paper.pdf", pdf_bytes())]
        )[0]
        for comment in (public, confidential)
    ]
    RecoveryCodes.activate(secretariat_user)
    for user in (secretariat_user, stakeholder):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    token, _raw = make_token(user=stakeholder)
    upload = SimpleUploadedFile(
        "comments.jsonl",
        json.dumps({"line_start": 3, "line_end": 3, "body": "From a file."}).encode(),
        "application/jsonl",
    )
    submission = bulk_submission_create(version=version, owner=stakeholder, upload=upload)
    digests = []
    for audience in ("public", "working_group"):
        with django_capture_on_commit_callbacks(execute=True):
            digest = digest_services.digest_request(
                user=secretariat_user, version=version, audience=audience
            )
        digest.refresh_from_db()
        assert digest.status == Digest.Status.READY, digest.error
        digests.append(digest)
    return {
        "version": version,
        "organisation": organisation,
        "stakeholder": stakeholder,
        "secretariat": secretariat_user,
        "staff": admin_user,
        "membership": Membership.objects.get(user=applicant),
        "comments": [public, confidential],
        "attachments": papers,
        "token": token,
        "submission": submission,
        "digests": digests,
    }


def _values(route: Route, param: str, site) -> list[str]:
    """Values for one parameter of one route: objects of the walked site, so that pages
    render rather than answer 404."""
    path = route.route
    if param == "slug":
        if path.startswith(("organisations/", "secretariat/organisations/")):
            return [site["organisation"].slug]
        return [site["version"].draft.slug]
    if param == "number":
        return ["1", "2"]
    if param == "reference":
        return [comment.reference for comment in site["comments"]]
    if param == "organisation":
        return [site["organisation"].slug]
    if param == "pk":
        if "members/" in path:
            return [str(site["membership"].pk)]
        if "attachments/" in path:
            return [str(paper.pk) for paper in site["attachments"]]
        return [str(digest.pk) for digest in site["digests"]]
    if param == "format":
        if path.startswith("digests/"):
            return list(DigestExport.Format.values)
        if "you-said-we-did" in path:
            return ["pdf", "docx"]
        return ["csv", "json"]
    if param == "token_id":
        return [str(site["token"].pk)]
    if param == "submission_id":
        return [str(site["submission"].pk)]
    if param == "key":
        return ["not-a-real-key"]
    if param == "language":
        return ["fr"]
    if param == "uidb36":
        return ["1"]
    if param == "app_label":
        return sorted({model._meta.app_label for model in admin.site._registry})
    if param in ("object_id", "id"):
        if path.startswith("admin/r/"):
            return [str(site["version"].draft.pk)]
        app_label, model_name = path.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        first = model._default_manager.order_by("pk").first()
        return [str(first.pk) if first else "1"]
    if param == "content_type_id":
        return [str(ContentType.objects.get_for_model(site["version"].draft).pk)]
    raise AssertionError(f"the walk has no value for <{param}> in {path!r}: add one")


def _urls(route: Route, site) -> list[str]:
    combinations: list[dict[str, str]] = [{}]
    for param in route.params:
        combinations = [
            {**kwargs, param: value}
            for kwargs in combinations
            for value in _values(route, param, site)
        ]
    return [reverse(route.name, kwargs=kwargs) for kwargs in combinations]


# --- What a response must show -----------------------------------------------------------


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


class InlineFinder(HTMLParser):
    """Everything in a page that would run or style inline, and whether it has the nonce."""

    def __init__(self, nonce: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        where = f"<{tag}{''.join(f' {k}' for k in attributes)}>"
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"inline handler {name}= on {where}")
            if name == "style":
                self.problems.append(f"style attribute on {where}")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in {where}")
        if tag == "script":
            runs = (attributes.get("type") or "").strip().lower() in SCRIPT_TYPES
            nonced = self.nonce is not None and attributes.get("nonce") == self.nonce
            if runs and "src" not in attributes and not nonced:
                self.problems.append(f"inline script without the response's nonce: {where}")
            if "src" in attributes and not _same_origin(attributes["src"] or ""):
                self.problems.append(f"script from elsewhere: {attributes['src']}")
        if tag == "style" and (self.nonce is None or attributes.get("nonce") != self.nonce):
            self.problems.append(f"inline style sheet without the response's nonce: {where}")
        stylesheet = tag == "link" and "stylesheet" in (attributes.get("rel") or "").split()
        if stylesheet and not _same_origin(attributes.get("href") or ""):
            self.problems.append(f"style sheet from elsewhere: {attributes.get('href')}")


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@dataclass
class Walk:
    problems: list[str] = field(default_factory=list)
    statuses: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    pages: int = 0
    nonced: int = 0

    def check(self, role: str, route: Route, url: str, response) -> None:
        where = f"{role if ' ' in role else role + ' GET'} {url} ({response.status_code})"
        self.statuses[route.name].add(response.status_code)
        header = response.get("Content-Security-Policy")
        if header is None:
            self.problems.append(f"{where}: no Content-Security-Policy")
            return
        body = _body(response)
        html = response.get("Content-Type", "").startswith("text/html")
        if header == DIGEST_FILE_POLICY and route.name == "digests:digest_download":
            if re.search(rb"<script|\son\w+=", body, re.IGNORECASE):
                self.problems.append(f"{where}: the digest file holds a script")
            return
        directives = _policy(header)
        nonces = {v for values in directives.values() for v in values if v.startswith("'nonce-")}
        bare = {
            name: [v for v in values if not v.startswith("'nonce-")]
            for name, values in directives.items()
        }
        if bare != POLICY:
            self.problems.append(f"{where}: unexpected policy {header!r}")
        if len(nonces) > 1 or any(
            nonce not in directives[name]
            for nonce in nonces
            for name in ("script-src", "style-src")
        ):
            self.problems.append(f"{where}: nonces differ between directives: {header!r}")
        if not role.startswith("anonymous") and "no-store" not in response.get("Cache-Control", ""):
            self.problems.append(f"{where}: a signed-in response without no-store")
        if not html:
            return
        self.pages += 1
        nonce = next(iter(nonces))[len("'nonce-") : -1] if nonces else None
        finder = InlineFinder(nonce)
        finder.feed(body.decode("utf-8", errors="replace"))
        self.nonced += bool(nonce)
        self.problems.extend(f"{where}: {problem}" for problem in finder.problems)


# Pages that no GET of these roles renders, and why.
NEVER_RENDERED = {
    **dict.fromkeys(
        [
            "drafts:version_create",
            "drafts:version_close",
            "drafts:rendering_action",
            "comments:comment_withdraw",
            "comments:attachment_add",
            "comments:reply_create",
            "comments:endorse",
            "comments:endorsement_withdraw",
            "comments:flag",
            "comments:hide",
            "comments:restore",
            "comments:dismiss_reports",
            "comments:dispose",
            "comments:carried_review",
            "comments:first_steps_dismiss",
            "comments:disposition_respond",
            "comments:response_deadline",
            "comments_api:bulk_comments",
            "comments_api:bulk_submissions",
            "comments_api:paper_uploads",
            "comments_api:comment_endorse",
            "comments_api:comment_endorsement",
            "comments_api:comment_reply",
            "comments_api:comment_withdraw",
            "digests_api:version_digests",
            "accounts:token_revoke",
            "accounts:organisation_register_individual",
            "accounts:membership_request",
            "accounts:membership_approve",
            "accounts:membership_reject",
            "accounts:membership_set_role",
            "accounts:organisation_verify",
            "accounts:organisation_reject",
            "accounts:set_language",
        ],
        "POST or DELETE only: every GET answers 405 (or sends an outsider elsewhere)",
    ),
    **dict.fromkeys(
        ["account_confirm_login_code", "account_confirm_reauthentication_code"],
        "sign-in and re-authentication by e-mailed code are not enabled",
    ),
    "account_set_password": "every walked user has a password already",
}


def test_every_response_carries_the_policy_and_nothing_inline_runs_without_the_nonce(site):
    walk = Walk()
    clients = {"anonymous": Client(), "stakeholder": Client(), "secretariat": Client()}
    clients["stakeholder"].force_login(site["stakeholder"])
    login_with_two_factor(clients["secretariat"], site["secretariat"])
    for client in (clients["stakeholder"], clients["secretariat"]):
        # Confirm the password again, as the two-factor pages ask, so that they render too.
        response = client.post(reverse("account_reauthenticate"), {"password": "x" * 16})
        assert response.status_code == 302
    staff = Client()
    login_with_two_factor(staff, site["staff"])

    for route in ROUTES:
        if not route.name:
            assert route.route.startswith("admin/"), f"{route.route} has no name"
            continue
        roles = clients
        if route.route.startswith("admin/"):
            roles = {"staff": staff}
            if route.name == "admin:login":
                roles["anonymous"] = clients["anonymous"]
        for url in _urls(route, site):
            for role, client in roles.items():
                walk.check(role, route, url, client.get(url))

    # Pages that only a form's answer renders.
    by_name = {route.name: route for route in ROUTES}
    answers = [
        ("stakeholder", "accounts:token_create", {}, {
            "name": "Ministry script", "scopes": ["comments:read"],
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        }),
        ("stakeholder", "comments:comment_create", {"slug": "haip", "number": 1}, {
            "line_start": "3", "line_end": "3", "body": "", "kind": "general",
        }),
        ("secretariat", "drafts:source_preview", {}, {"source": "## 1. A\n- *one* [two](https://x.example)\n"}),
        ("anonymous", "account_login", {}, {"login": "nobody@example.org", "password": "wrong"}),
        ("anonymous", "account_signup", {}, {"email": "x", "password1": "a", "password2": "b"}),
    ]  # fmt: skip
    for role, name, kwargs, data in answers:
        url = reverse(name, kwargs=kwargs)
        response = clients[role].post(url, data)
        assert response.status_code in (200, 201, 422), (name, response.status_code)
        walk.check(f"{role} POST", by_name[name], url, response)
    assert walk.statuses["accounts:token_create"] >= {201}

    # The two-factor step of a real sign-in: the password sent, the code asked for.
    signing_in = Client()
    signing_in.post(
        reverse("account_login"), {"login": site["secretariat"].email, "password": "x" * 16}
    )
    route = next(route for route in ROUTES if route.name == "mfa_authenticate")
    url = reverse("mfa_authenticate")
    walk.check("anonymous, signing in", route, url, signing_in.get(url))
    assert 200 in walk.statuses["mfa_authenticate"]

    assert not walk.problems, "\n".join(walk.problems)
    # The walk read real pages, and pages that use the nonce: it was not vacuous.
    assert walk.pages > 150 and walk.nonced > 0, (walk.pages, walk.nonced)
    rendered = {name for name, statuses in walk.statuses.items() if statuses & {200}}
    unrendered = {
        route.name
        for route in ROUTES
        if route.name and not route.route.startswith("admin/") and route.name not in rendered
    }
    assert unrendered == set(NEVER_RENDERED), {
        name: sorted(walk.statuses[name]) for name in unrendered ^ set(NEVER_RENDERED)
    }


# --- Caching of private responses ----------------------------------------------------------


def test_signed_in_responses_are_never_stored_and_anonymous_public_pages_may_be(site):
    anonymous, stakeholder = Client(), Client()
    stakeholder.force_login(site["stakeholder"])
    _token, raw = make_token(user=site["stakeholder"], scopes=["comments:read"])
    version_url = reverse("drafts:version_detail", args=["haip", 1])
    api_url = reverse("comments_api:version_comments", args=["haip", 1])

    for url in ("/", version_url, api_url):
        cache_control = anonymous.get(url).get("Cache-Control", "")
        assert "no-store" not in cache_control, (url, cache_control)
        signed_in = stakeholder.get(url)
        assert signed_in.status_code == 200
        assert "no-store" in signed_in["Cache-Control"], url
        assert "private" in signed_in["Cache-Control"], url
    # An API token is a signed-in request too, though it carries no session.
    by_token = Client().get(api_url, headers={"Authorization": f"Bearer {raw}"})
    assert by_token.status_code == 200
    assert site["comments"][1].reference in by_token.content.decode()  # the confidential one
    assert "no-store" in by_token["Cache-Control"]


def test_a_response_marked_confidential_is_never_stored_even_for_an_anonymous_request():
    def marked_view(request):
        return mark_confidential(HttpResponse("a working group's digest"))

    def plain_view(request):
        return HttpResponse("a public page")

    for view, stored in ((marked_view, False), (plain_view, True)):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        response = PrivateResponseMiddleware(view)(request)
        assert ("no-store" not in response.get("Cache-Control", "")) is stored


def test_a_confidential_comment_page_is_marked_and_a_public_one_is_not(site):
    client = Client()
    client.force_login(site["stakeholder"])
    public, confidential = site["comments"]
    marked = client.get(reverse("comments:comment_detail", args=[confidential.reference]))
    assert marked.status_code == 200 and getattr(marked, CONFIDENTIAL, False)
    plain = client.get(reverse("comments:comment_detail", args=[public.reference]))
    assert plain.status_code == 200 and not getattr(plain, CONFIDENTIAL, False)
    assert "no-store" in plain["Cache-Control"]  # still: a signed-in request


def test_the_markdown_file_of_a_digest_says_it_is_utf8(site):
    public = site["digests"][0]
    response = Client().get(reverse("digests:digest_download", args=[public.pk, "md"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    _body(response).decode("utf-8")
