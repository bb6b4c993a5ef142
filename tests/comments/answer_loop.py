"""A consultation carried from v1 to a published v2, shared by the tests of the answer loop
(cited lines, commenters' answers, "you said, we did", the API)."""

from dataclasses import dataclass

from accounts.models import Organisation, User
from comments.models import Comment
from drafts import services as draft_services
from drafts.models import DraftVersion
from tests.comments.factories import open_version, representative_of, submit, verified_organisation
from tests.comments.services.test_carry import V1, V2
from tests.drafts.factories import publish

PROPOSED = "Keep a public register of identified risks and review it every year."
SECRET = "Our red-team findings stay between us and the secretariat."


@dataclass
class Loop:
    v1: DraftVersion
    v2: DraftVersion
    organisation: Organisation
    author: User
    amendment: Comment  # public, line 4 of v1, its proposed text is line 4 of v2
    deleted: Comment  # public, line 8 of v1, a line v2 removed
    secret: Comment  # confidential, line 5 of v1


def carried_consultation() -> Loop:
    v1 = open_version(source=V1)
    organisation = verified_organisation(name="Kumo AI")
    author = representative_of(organisation)
    amendment = submit(
        version=v1,
        author=author,
        organisation=organisation,
        line_start=4,
        body="The register should be public.",
        stance="amend",
        proposed_text=PROPOSED,
    )
    deleted = submit(
        version=v1, author=author, organisation=organisation, line_start=8, body="Drop this."
    )
    secret = submit(
        version=v1,
        author=author,
        organisation=organisation,
        line_start=5,
        visibility="confidential",
        body=SECRET,
    )
    v2 = publish(draft_services.version_create(draft=v1.draft, source=V2, created_by=None))
    return Loop(v1, v2, organisation, author, amendment, deleted, secret)
