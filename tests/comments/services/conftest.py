"""Fixtures shared by the comment service tests: an open version, an organisation, its
representative and one comment they filed on line 4."""

import pytest

from accounts.models import Organisation, User
from comments.models import Comment
from drafts.models import DraftVersion
from tests.accounts.factories import make_user
from tests.comments.factories import open_version, representative_of, submit, verified_organisation


@pytest.fixture
def version() -> DraftVersion:
    return open_version()


@pytest.fixture
def organisation() -> Organisation:
    return verified_organisation(name="Kumo AI", country="FR", stakeholder_type="academic")


@pytest.fixture
def author(organisation) -> User:
    return representative_of(organisation, make_user("author@kumo.example"))


@pytest.fixture
def comment(version, author, organisation) -> Comment:
    return submit(version=version, author=author, organisation=organisation, line_start=4)
