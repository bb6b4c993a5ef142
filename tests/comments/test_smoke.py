import pytest

from tests.comments.factories import open_version, representative_of, submit, verified_organisation


@pytest.mark.django_db
def test_smoke(mailoutbox):
    version = open_version()
    org = verified_organisation()
    user = representative_of(org)
    comment = submit(version=version, author=user, organisation=org)
    assert comment.reference == "HAIP-V1-000001"
    assert comment.stakeholder_type == org.stakeholder_type
