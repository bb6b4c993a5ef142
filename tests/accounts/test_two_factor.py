"""Powers over confidential material (the secretariat's, staff's and the working groups') are
held only in a session that passed two-factor authentication, or through a token created in
one: every capability, through every way in (page, session API, token), refused without it and
allowed with it."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Membership, Organisation, User, WorkingGroup
from accounts.permissions import SECRETARIAT_GROUP
from comments.digests.models import Digest
from comments.models import Comment, Disposition
from drafts import services as draft_services
from tests.accounts.factories import add_member, make_organisation, make_user
from tests.comments.factories import representative_of, submit, verified_organisation
from tests.conftest import enable_totp, login_with_two_factor
from tests.drafts.factories import open_version

pytestmark = pytest.mark.django_db


@dataclass
class World:
    version: object
    confidential: Comment
    public: Comment
    pending: Membership
    organisation: Organisation
    working_group_digest: Digest


@pytest.fixture
def world() -> World:
    version = open_version(slug="haip", sections=2, lines_per_section=3)
    draft_services.version_create(draft=version.draft, created_by=None)  # unpublished v2
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    confidential = submit(
        version=version, author=author, organisation=organisation, visibility="confidential"
    )
    public = submit(version=version, author=author, organisation=organisation, line_start=4)
    pending = add_member(organisation, status=Membership.Status.PENDING)
    digest = Digest.objects.create(
        version=version, audience=Digest.Audience.WORKING_GROUP, cutoff=timezone.now()
    )
    return World(version, confidential, public, pending, make_organisation(), digest)


def _secretariat() -> User:
    user = make_user(is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=SECRETARIAT_GROUP)[0])
    return user


def _working_group_member() -> User:
    user = make_user()
    WorkingGroup.objects.create(name="Safety", slug="safety").members.add(user)
    return user


def _api(reader: Client | str) -> Callable[..., object]:
    """``get``/``post`` through the session (a Client) or with a bearer token (a string)."""
    if isinstance(reader, Client):
        return lambda method, url, **kw: getattr(reader, method)(url, **kw)
    client = Client()
    headers = {"Authorization": f"Bearer {reader}"}
    return lambda method, url, **kw: getattr(client, method)(url, headers=headers, **kw)


# Each capability: whom it belongs to, and for each way in, an attempt that says whether the
# power was used. Pages answer a refusal with 403, 404 or a redirect to set-up; the checks
# look at what happened, not at how the refusal was worded.


def _page_reads_confidential(client: Client, w: World) -> bool:
    return client.get(w.confidential.get_absolute_url()).status_code == 200


def _api_reads_confidential(api: Callable[..., object], w: World) -> bool:
    url = reverse("comments_api:comment_detail", args=[w.confidential.reference])
    return api("get", url).status_code == 200  # type: ignore[attr-defined]


def _api_lists_confidential(api: Callable[..., object], w: World) -> bool:
    url = reverse("comments_api:version_comments", args=["haip", 1])
    response = api("get", url)
    return w.confidential.reference in response.content.decode()  # type: ignore[attr-defined]


def _page_reads_unpublished(client: Client, w: World) -> bool:
    return client.get(reverse("drafts:version_detail", args=["haip", 2])).status_code == 200


def _api_reads_unpublished(api: Callable[..., object], w: World) -> bool:
    url = reverse("drafts_api:version_detail", args=["haip", 2])
    return api("get", url).status_code == 200  # type: ignore[attr-defined]


def _page_hides(client: Client, w: World) -> bool:
    client.post(reverse("comments:hide", args=[w.public.reference]), {"reason": "Spam."})
    return Comment.objects.get(pk=w.public.pk).state == Comment.State.HIDDEN


def _page_disposes(client: Client, w: World) -> bool:
    client.post(
        reverse("comments:dispose", args=[w.public.reference]),
        {"outcome": "noted", "response": "Thank you."},
    )
    return Disposition.objects.filter(comment=w.public).exists()


def _page_approves_member(client: Client, w: World) -> bool:
    client.post(
        reverse("accounts:membership_approve", args=[w.pending.organisation.slug, w.pending.pk])
    )
    return Membership.objects.get(pk=w.pending.pk).status == Membership.Status.APPROVED


def _page_verifies_organisation(client: Client, w: World) -> bool:
    client.post(reverse("accounts:organisation_verify", args=[w.organisation.slug]))
    w.organisation.refresh_from_db()
    return w.organisation.status == Organisation.Status.VERIFIED


def _page_exports_matrix(client: Client, w: World) -> bool:
    response = client.get(reverse("comments:matrix_download", args=["haip", 1]))
    if response.status_code != 200:
        return False
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return w.confidential.reference in content.decode()


def _page_opens_desk(client: Client, w: World) -> bool:
    return client.get(reverse("drafts:desk")).status_code == 200


def _page_opens_admin(client: Client, w: World) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def _page_asks_for_digest(client: Client, w: World) -> bool:
    before = Digest.objects.count()
    client.post(reverse("digests:version_digests", args=["haip", 1]), {"audience": "public"})
    return Digest.objects.count() > before


def _api_asks_for_digest(api: Callable[..., object], w: World) -> bool:
    url = reverse("digests_api:version_digests", args=["haip", 1])
    response = api("post", url, data={"audience": "public"}, content_type="application/json")
    return response.status_code == 202  # type: ignore[attr-defined]


def _page_reads_group_digest(client: Client, w: World) -> bool:
    return client.get(w.working_group_digest.get_absolute_url()).status_code == 200


def _api_reads_group_digest(api: Callable[..., object], w: World) -> bool:
    url = reverse("digests_api:digest_detail", args=[w.working_group_digest.pk])
    return api("get", url).status_code == 200  # type: ignore[attr-defined]


SECRETARIAT, GROUP = _secretariat, _working_group_member
CAPABILITIES = [
    # (role, capability, page attempt, API attempt: session and token)
    (SECRETARIAT, "read a confidential comment", _page_reads_confidential, _api_reads_confidential),
    (SECRETARIAT, "list confidential comments", None, _api_lists_confidential),
    (SECRETARIAT, "read the unpublished version", _page_reads_unpublished, _api_reads_unpublished),
    (SECRETARIAT, "hide a comment", _page_hides, None),
    (SECRETARIAT, "record a disposition", _page_disposes, None),
    (SECRETARIAT, "approve another organisation's member", _page_approves_member, None),
    (SECRETARIAT, "verify an organisation", _page_verifies_organisation, None),
    (SECRETARIAT, "export the comment matrix", _page_exports_matrix, None),
    (SECRETARIAT, "open the secretariat's desk", _page_opens_desk, None),
    (SECRETARIAT, "open the admin", _page_opens_admin, None),
    (SECRETARIAT, "ask for a digest", _page_asks_for_digest, _api_asks_for_digest),
    (GROUP, "read a confidential comment", _page_reads_confidential, _api_reads_confidential),
    (GROUP, "list confidential comments", None, _api_lists_confidential),
    (GROUP, "ask for a digest", _page_asks_for_digest, _api_asks_for_digest),
    (GROUP, "read a working-group digest", _page_reads_group_digest, _api_reads_group_digest),
]  # fmt: skip
CASES = [
    pytest.param(role, attempt, way, id=f"{role.__name__.strip('_')}: {name} ({way})")
    for role, name, page, api in CAPABILITIES
    for way, attempt in (("page", page), ("session API", api), ("token", api))
    if attempt is not None
]


def _token_from_page(client: Client) -> str:
    """A token with every scope, created on the token page as its owner would."""
    response = client.post(
        reverse("accounts:token_create"),
        {
            "name": "Everything",
            "scopes": list(ApiToken.Scope.values),
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 201, response.content
    match = re.search(r"haip_[A-Za-z0-9]+_[A-Za-z0-9_-]+", response.content.decode())
    assert match is not None
    return match.group(0)


def _attempt(way: str, attempt: Callable[..., bool], client: Client, w: World) -> bool:
    if way == "page":
        return attempt(client, w)
    if way == "session API":
        return attempt(_api(client), w)
    return attempt(_api(_token_from_page(client)), w)


@pytest.mark.parametrize(("role", "attempt", "way"), CASES)
def test_a_power_over_confidential_material_needs_two_factor(world, role, attempt, way):
    person = role()

    password_only = Client()
    password_only.force_login(person)
    assert not _attempt(way, attempt, password_only, world)

    enable_totp(person)  # an authenticator alone is not enough: the session must pass it
    assert not _attempt(way, attempt, password_only, world)

    with_code = Client()
    login_with_two_factor(with_code, person)
    assert _attempt(way, attempt, with_code, world)


def test_a_token_keeps_the_powers_of_the_session_it_was_created_in(world):
    person = _secretariat()
    enable_totp(person)
    password_only, with_code = Client(), Client()
    password_only.force_login(person)
    login_with_two_factor(with_code, person)
    weak, strong = _token_from_page(password_only), _token_from_page(with_code)
    assert ApiToken.objects.filter(two_factor=True).count() == 1
    assert "will not carry your secretariat" in (
        password_only.get(reverse("accounts:token_create")).content.decode()
    )
    assert "will not carry" not in with_code.get(reverse("accounts:token_create")).content.decode()
    listing = with_code.get(reverse("accounts:token_list")).content.decode()
    assert listing.count(">two-factor</span>") == 1
    assert not _api_reads_confidential(_api(weak), world)
    assert _api_reads_confidential(_api(strong), world)
    # What a weak token still does: what any stakeholder may (public comments).
    url = reverse("comments_api:comment_detail", args=[world.public.reference])
    assert _api(weak)("get", url).status_code == 200  # type: ignore[attr-defined]


def test_the_secretariat_without_two_factor_is_sent_to_set_it_up_or_to_enter_a_code(world):
    person = _secretariat()
    client = Client()
    client.force_login(person)
    response = client.get(reverse("drafts:desk"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    enable_totp(person)
    response = client.get(reverse("drafts:desk"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate") + "?next=")


def test_every_page_tells_a_role_without_two_factor_how_to_get_its_powers(world):
    member = _working_group_member()
    client = Client()
    client.force_login(member)
    page = client.get(reverse("drafts:home")).content.decode()
    assert "only while you are signed in with two-factor authentication" in page
    assert reverse("mfa_activate_totp") in page
    enable_totp(member)
    page = client.get(reverse("drafts:home")).content.decode()
    assert reverse("mfa_reauthenticate") in page
    login_with_two_factor(client, member)
    assert "two-factor-prompt" not in client.get(reverse("drafts:home")).content.decode()
    stakeholder = Client()
    stakeholder.force_login(make_user())
    assert "two-factor-prompt" not in stakeholder.get(reverse("drafts:home")).content.decode()


def test_signing_in_with_a_code_gives_the_powers_through_allauth_itself(world):
    """The real sign-in: password, then a TOTP code, through allauth's own forms."""
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    person = _working_group_member()
    person.set_password("correct horse battery staple")
    person.save()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    secret = enable_totp(person)
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": person.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert not _page_reads_confidential(client, world)  # half signed in: nothing yet
    code = f"{hotp_value(secret, next(yield_hotp_counters_from_time())):06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Authenticator.objects.filter(user=person).exists()
    assert _page_reads_confidential(client, world)
