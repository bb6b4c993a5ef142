import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from tests.accounts.factories import make_organisation, make_user
from tests.conftest import enable_totp, login_with_two_factor

pytestmark = pytest.mark.django_db


def test_admin_lists_every_model_and_the_audit_trail_is_read_only(client):
    organisation = make_organisation()
    admin = make_user(is_staff=True, is_superuser=True)
    enable_totp(admin)
    login_with_two_factor(client, admin)
    for model in ("organisation", "membership", "workinggroup", "auditentry"):
        assert client.get(reverse(f"admin:accounts_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:accounts_organisation_change", args=[organisation.pk]))
    entry = AuditEntry.objects.get()
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:accounts_auditentry_delete", args=[entry.pk])).status_code in (
        403,
        302,
    )
    view = client.get(reverse("admin:accounts_auditentry_change", args=[entry.pk]))
    assert view.status_code == 200 and b"View audit entry" in view.content
    assert b'name="_save"' not in view.content
