import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, Membership, Organisation
from tests.accounts.factories import add_member, make_organisation, make_user

pytestmark = pytest.mark.django_db
Status = Organisation.Status
Role = Membership.Role
Pending = Membership.Status.PENDING


def _manage_url(organisation: Organisation) -> str:
    return reverse("accounts:organisation_manage", args=[organisation.slug])


def _approve_url(membership: Membership) -> str:
    return reverse(
        "accounts:membership_approve", args=[membership.organisation.slug, membership.pk]
    )


def test_pages_need_a_signed_in_user(client):
    for name in ("my_organisations", "organisation_register", "organisation_join"):
        response = client.get(reverse(f"accounts:{name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_register_shows_the_organisation_as_pending_verification(client, stakeholder_user):
    client.force_login(stakeholder_user)
    response = client.post(
        reverse("accounts:organisation_register"),
        {
            "name": "Kyoto AI Lab",
            "stakeholder_type": "academic",
            "country": "JP",
            "email_domain": "kyoto-ai.example",
            "website": "https://kyoto-ai.example",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Kyoto AI Lab" in page and "Pending verification" in page
    assert Organisation.objects.get().status == Status.PENDING


def test_register_form_names_the_bad_field(client, stakeholder_user):
    client.force_login(stakeholder_user)
    response = client.post(
        reverse("accounts:organisation_register"),
        {"name": "X", "stakeholder_type": "company", "country": "JP", "email_domain": "no way"},
    )
    assert response.status_code == 200
    assert "email_domain" in response.context["form"].errors
    assert not Organisation.objects.exists()


def test_my_organisations_shows_the_rejection_reason(client, secretariat_user):
    organisation = make_organisation()
    from accounts import services

    services.organisation_reject(
        organisation=organisation, actor=secretariat_user, reason="Unknown entity."
    )
    client.force_login(organisation.memberships.get().user)
    page = client.get(reverse("accounts:my_organisations")).content.decode()
    assert "Rejected" in page and "Unknown entity." in page and "Administrator" in page


def test_file_as_myself(client, stakeholder_user):
    client.force_login(stakeholder_user)
    client.post(reverse("accounts:organisation_register_individual"))
    organisation = Organisation.objects.get()
    assert organisation.stakeholder_type == "individual" and organisation.is_verified


def test_join_page_suggests_organisations_of_my_email_domain_first(client):
    suggested = make_organisation(name="Domain Match Ltd", domain="acme.example", verified=True)
    make_organisation(name="Pending Match", domain="acme.example")
    other = make_organisation(name="Match Elsewhere", domain="other.example", verified=True)
    user = make_user("joe@ACME.example")
    client.force_login(user)
    response = client.get(reverse("accounts:organisation_join"))
    assert response.context["suggested"] == [suggested]
    page = client.get(reverse("accounts:organisation_join") + "?q=match").content.decode()
    assert page.index("Domain Match Ltd") < page.index("Match Elsewhere")
    assert "Pending Match" not in page
    client.post(reverse("accounts:membership_request", args=[other.slug]))
    assert Membership.objects.get(user=user).status == Pending


def test_admin_manages_members_and_requests(client):
    organisation = make_organisation()
    admin = organisation.memberships.get().user
    membership = add_member(organisation, make_user("asker@example.org"), status=Pending)
    client.force_login(admin)
    page = client.get(_manage_url(organisation)).content.decode()
    assert "asker@example.org" in page and "Approve" in page
    client.post(_approve_url(membership), {"role": "representative"})
    membership.refresh_from_db()
    assert membership.status == "approved" and membership.role == Role.REPRESENTATIVE
    client.post(
        reverse("accounts:membership_set_role", args=[organisation.slug, membership.pk]),
        {"role": "admin"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN
    assert AuditEntry.objects.filter(actor=admin).count() == 3  # register, approve, role


def test_reject_request_needs_a_reason(client):
    organisation = make_organisation()
    client.force_login(organisation.memberships.get().user)
    membership = add_member(organisation, status=Pending)
    url = reverse("accounts:membership_reject", args=[organisation.slug, membership.pk])
    client.post(url, {"reason": ""})
    membership.refresh_from_db()
    assert membership.status == Pending
    client.post(url, {"reason": "Not staff."})
    membership.refresh_from_db()
    assert membership.status == "rejected" and membership.reason == "Not staff."


def test_members_and_other_admins_get_404_and_change_nothing(client):
    organisation = make_organisation()
    member = add_member(organisation).user
    other_admin = make_organisation().memberships.get().user
    membership = add_member(organisation, status=Pending)
    for user in (member, other_admin):
        client.force_login(user)
        assert client.get(_manage_url(organisation)).status_code == 404
        assert client.post(_approve_url(membership)).status_code == 404
        role_url = reverse("accounts:membership_set_role", args=[organisation.slug, member.pk])
        assert client.post(role_url, {"role": "admin"}).status_code == 404
    missing = reverse("accounts:organisation_manage", args=["no-such-organisation"])
    assert client.get(missing).status_code == 404
    membership.refresh_from_db()
    assert membership.status == Pending
    assert not AuditEntry.objects.filter(action="membership.approve").exists()


def test_a_membership_of_another_organisation_is_404_through_mine(client):
    mine = make_organisation()
    theirs = make_organisation()
    their_request = add_member(theirs, status=Pending)
    client.force_login(mine.memberships.get().user)
    url = reverse("accounts:membership_approve", args=[mine.slug, their_request.pk])
    assert client.post(url).status_code == 404
    their_request.refresh_from_db()
    assert their_request.status == Pending


def test_only_the_secretariat_sees_the_queue_and_verifies(client, stakeholder_user):
    organisation = make_organisation()
    client.force_login(stakeholder_user)
    assert client.get(reverse("accounts:secretariat_queue")).status_code == 403
    assert client.get(reverse("accounts:audit_trail")).status_code == 403
    verify = reverse("accounts:organisation_verify", args=[organisation.slug])
    reject = reverse("accounts:organisation_reject", args=[organisation.slug])
    assert client.post(verify).status_code == 403
    assert client.post(reject, {"reason": "x"}).status_code == 403
    client.force_login(organisation.memberships.get().user)  # its own admin cannot either
    assert client.post(verify).status_code == 403
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING
    assert not AuditEntry.objects.filter(action__in=["organisation.verify", "organisation.reject"])


def test_secretariat_searches_verifies_and_rejects_with_reason(
    secretariat_client, secretariat_user
):
    kept = make_organisation(name="Berlin Robotics", domain="berlin-robotics.example", country="DE")
    dropped = make_organisation(name="Fake Corp", domain="fake.example", country="US")
    queue = reverse("accounts:secretariat_queue")
    assert list(secretariat_client.get(queue + "?q=germany").context["organisations"]) == [kept]
    assert list(secretariat_client.get(queue + "?q=fake.ex").context["organisations"]) == [dropped]
    secretariat_client.post(reverse("accounts:organisation_verify", args=[kept.slug]))
    secretariat_client.post(reverse("accounts:organisation_reject", args=[dropped.slug]))
    dropped.refresh_from_db()
    assert dropped.status == Status.PENDING  # no reason, no rejection
    secretariat_client.post(
        reverse("accounts:organisation_reject", args=[dropped.slug]), {"reason": "Shell company."}
    )
    kept.refresh_from_db()
    dropped.refresh_from_db()
    assert kept.status == Status.VERIFIED and dropped.status == Status.REJECTED
    verify = AuditEntry.objects.get(action="organisation.verify")
    reject = AuditEntry.objects.get(action="organisation.reject")
    assert verify.actor == reject.actor == secretariat_user
    assert reject.reason == "Shell company."
    trail = secretariat_client.get(reverse("accounts:audit_trail")).content.decode()
    assert trail.index("organisation.reject") < trail.index("organisation.verify")


def test_secretariat_decides_membership_requests_from_the_queue(secretariat_client):
    organisation = make_organisation()
    membership = add_member(organisation, make_user("w@example.org"), status=Pending)
    queue = reverse("accounts:secretariat_queue")
    assert "w@example.org" in secretariat_client.get(queue).content.decode()
    response = secretariat_client.post(_approve_url(membership), {"next": queue})
    assert response["Location"] == queue
    response = secretariat_client.post(_approve_url(membership), {"next": "https://evil.example/"})
    assert response["Location"] == _manage_url(organisation)
    membership.refresh_from_db()
    assert membership.status == "approved"


def test_audit_trail_is_paginated(secretariat_client):
    for _ in range(60):
        make_organisation()
    first = secretariat_client.get(reverse("accounts:audit_trail"))
    assert len(first.context["page"]) == 50
    second = secretariat_client.get(reverse("accounts:audit_trail") + "?page=2")
    assert len(second.context["page"]) == 10


# --- Query counts: N rows and 10N rows cost the same ---------------------------------------


def _organisation_with(members: int) -> Organisation:
    organisation = make_organisation()
    for _ in range(members):
        add_member(organisation)
        add_member(organisation, status=Pending)
    return organisation


@pytest.mark.parametrize("members", [2, 20])
def test_manage_page_queries_are_constant(client, django_assert_max_num_queries, members):
    organisation = _organisation_with(members)
    client.force_login(organisation.memberships.get(role=Role.ADMIN).user)
    with django_assert_max_num_queries(8):
        response = client.get(_manage_url(organisation))
    assert response.status_code == 200
    assert len(response.context["approved"]) == members + 1


@pytest.mark.parametrize("count", [2, 20])
def test_queue_page_queries_are_constant(secretariat_client, django_assert_max_num_queries, count):
    for _ in range(count):
        add_member(make_organisation(), status=Pending)
    with django_assert_max_num_queries(8):
        response = secretariat_client.get(reverse("accounts:secretariat_queue"))
    assert len(response.context["organisations"]) == count
    assert len(response.context["memberships"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_my_organisations_and_audit_queries_are_constant(
    client, secretariat_client, django_assert_max_num_queries, count
):
    user = make_user()
    for _ in range(count):
        add_member(make_organisation(), user, role=Role.REPRESENTATIVE)
    with django_assert_max_num_queries(8):
        assert secretariat_client.get(reverse("accounts:audit_trail")).status_code == 200
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:my_organisations"))
    assert len(response.context["memberships"]) == count


@pytest.mark.parametrize("count", [2, 20])
def test_join_page_queries_are_constant(client, django_assert_max_num_queries, count):
    for _ in range(count):
        make_organisation(domain="acme.example", verified=True)
    client.force_login(make_user("a@acme.example"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("accounts:organisation_join") + "?q=organisation")
    assert len(response.context["suggested"]) == count


def test_the_service_refuses_who_may_not_decide_before_what_they_sent(client, stakeholder_user):
    """The pages leave the checks to the services: a stakeholder gets the same 403 page with or
    without a reason, and nothing is decided."""
    organisation = make_organisation()
    client.force_login(stakeholder_user)
    for name, data in (("organisation_verify", {}), ("organisation_reject", {"reason": ""})):
        response = client.post(reverse(f"accounts:{name}", args=[organisation.slug]), data)
        assert response.status_code == 403
        assert "Only the secretariat verifies organisations." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING


def test_refusals_of_decisions_are_the_services_own_messages(secretariat_client):
    organisation = make_organisation()
    response = secretariat_client.post(
        reverse("accounts:organisation_reject", args=[organisation.slug]), {"reason": " "}
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Give a reason; it is shown to the people concerned."
    ]
    admin = organisation.memberships.get().user
    member = add_member(organisation, make_user("m@example.org"))
    client = Client()
    client.force_login(admin)
    url = reverse("accounts:membership_set_role", args=[organisation.slug, member.pk])
    refused = client.post(url, {"role": "owner"})
    assert [str(m) for m in get_messages(refused.wsgi_request)] == ["Choose a role."]
    changed = client.post(url, {"role": "representative"})
    assert [str(m) for m in get_messages(changed.wsgi_request)][-1] == (
        "m@example.org is now representative (may file on its behalf)."  # the role it has now
    )
    organisation.refresh_from_db()
    assert organisation.status == Status.PENDING
