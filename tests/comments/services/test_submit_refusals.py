"""comment_submit's refusals: each with its message, on its field, with nothing stored (no
comment, no number used, no personal organisation, no audit entry)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership, Organisation
from comments.anchoring import Quote
from comments.services import MAX_BODY_LENGTH
from drafts import services as draft_services
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_organisation, make_user
from tests.comments.factories import member_of, submit
from tests.comments.services.helpers import file_comment, refused, stored
from tests.drafts.factories import make_draft, markdown_source, publish

pytestmark = pytest.mark.django_db
Role = Membership.Role


# --- comment_submit: refusals --------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        pytest.param(
            {"line_start": 15},
            "Line 15 is outside this version, which has lines 1–14.",
            "line_start",
            id="line-after-the-last",
        ),
        pytest.param(
            {"line_start": 0},
            "Line 0 is outside this version, which has lines 1–14.",
            "line_start",
            id="line-zero",
        ),
        pytest.param(
            {"line_start": 14, "line_end": 15},
            "Line 15 is outside this version, which has lines 1–14.",
            "line_end",
            id="range-past-the-last-line",
        ),
        pytest.param(
            {"line_start": 5, "line_end": 3},
            "The range ends (line 3) before it starts (line 5).",
            "line_end",
            id="range-reversed",
        ),
        pytest.param(
            {"quote": Quote("quarterly reports")},
            "The quoted text does not appear in line 4.",
            "quote_exact",
            id="quote-not-on-the-line",
        ),
        pytest.param(
            {"line_end": 5, "quote": Quote("Practice 1.3")},
            "The quoted text does not appear in lines 4–5.",
            "quote_exact",
            id="quote-not-in-the-range",
        ),
        pytest.param(
            {"quote": Quote("1")},
            "The quoted text appears 4 times in line 4; add a prefix or suffix to say which one.",
            "quote_prefix",
            id="quote-ambiguous-without-prefix",
        ),
        pytest.param(
            {"quote": Quote("document", prefix="nobody ")},
            "The quoted text appears in line 4, but not between the given prefix and suffix.",
            "quote_prefix",
            id="quote-with-a-wrong-prefix",
        ),
        pytest.param(
            {"quote": Quote("Practice", start=3)},
            "The quoted text is not at character 3 of line 4.",
            "quote_exact",
            id="quote-at-a-wrong-offset",
        ),
        pytest.param({"body": ""}, "The comment is empty.", "body", id="empty-body"),
        pytest.param(
            {"body": " \n\t \u00a0 "}, "The comment is empty.", "body", id="whitespace-body"
        ),
        pytest.param(
            {"body": "x" * (MAX_BODY_LENGTH + 1)},
            "The comment is 20,001 characters; the limit is 20,000.",
            "body",
            id="body-too-long",
        ),
        pytest.param(
            {"proposed_text": "y" * (MAX_BODY_LENGTH + 1)},
            "The proposed text is 20,001 characters; the limit is 20,000.",
            "proposed_text",
            id="proposed-text-too-long",
        ),
        pytest.param({"kind": "rant"}, "Unknown kind 'rant'.", "kind", id="unknown-kind"),
        pytest.param({"stance": "meh"}, "Unknown stance 'meh'.", "stance", id="unknown-stance"),
        pytest.param(
            {"visibility": "secret"},
            "Unknown visibility 'secret'.",
            "visibility",
            id="unknown-visibility",
        ),
    ],
)
def test_bad_input_is_refused_with_its_reason_and_nothing_is_stored(
    version, author, organisation, fields, message, field
):
    submit(version=version, author=author, organisation=organisation)  # the counter exists
    for filer in (organisation, None):  # as the organisation, and as oneself
        refused(
            lambda filer=filer: file_comment(
                version=version, author=author, organisation=filer, **fields
            ),
            message,
            field=field,
        )
    assert submit(version=version, author=author).reference == "HAIP-V1-000002"  # no gap


def test_a_version_not_yet_published_takes_no_comments(author):
    unpublished = make_draft(slug="unpublished").versions.get(number=1)
    refused(
        lambda: file_comment(version=unpublished, author=author),
        "Test code v1 is draft (not published): it takes no comments.",
    )


def test_a_closed_version_takes_no_comments(version, author, organisation):
    draft_services.version_close(version=version)
    refused(
        lambda: file_comment(version=version, author=author, organisation=organisation),
        "Test code v1 is closed: it takes no comments.",
    )


def test_before_the_period_opens_by_the_server_clock_comments_are_refused(version, author):
    refused(
        lambda: file_comment(
            version=version, author=author, now=version.opens_at - timedelta(seconds=1)
        ),
        "The comment period of Test code v1 has not opened yet.",
    )


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_once_the_period_ends_by_the_server_clock_comments_are_refused(version, author, after):
    # The version is still "open" in the database: the beat task has not closed it yet.
    refused(
        lambda: file_comment(version=version, author=author, now=version.closes_at + after),
        "The comment period of Test code v1 has closed.",
    )


def test_the_server_clock_is_used_when_no_time_is_given(version, author):
    DraftVersion.objects.filter(pk=version.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1),
        opens_at=timezone.now() - timedelta(days=2),
    )
    refused(lambda: file_comment(version=version, author=author), "has closed")


@pytest.mark.parametrize(
    "role_and_status",
    [
        pytest.param(None, id="not-a-member"),
        pytest.param((Role.MEMBER, Membership.Status.APPROVED), id="plain-member"),
        pytest.param((Role.REPRESENTATIVE, Membership.Status.PENDING), id="pending-representative"),
        pytest.param(
            (Role.REPRESENTATIVE, Membership.Status.REJECTED), id="rejected-representative"
        ),
    ],
)
def test_filing_for_an_organisation_one_does_not_represent_is_refused(
    version, organisation, role_and_status
):
    user = make_user()
    if role_and_status is not None:
        member_of(organisation, user, role=role_and_status[0], status=role_and_status[1])
    refused(
        lambda: file_comment(version=version, author=user, organisation=organisation),
        "You do not represent Kumo AI; file as yourself or ask its administrator to make you "
        "a representative.",
        field="organisation",
    )


@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REJECTED])
def test_filing_for_an_unverified_organisation_is_refused(version, status):
    admin = make_user()
    unverified = make_organisation(admin=admin, name="Pending Labs")
    Organisation.objects.filter(pk=unverified.pk).update(status=status)
    refused(
        lambda: file_comment(version=version, author=admin, organisation=unverified),
        "Pending Labs",
        field="organisation",
    )


def test_the_organisation_is_judged_as_it_stands_not_as_the_caller_loaded_it(
    version, organisation, author
):
    stale = Organisation.objects.get(pk=organisation.pk)
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.REJECTED)
    refused(
        lambda: file_comment(version=version, author=author, organisation=stale),
        "Kumo AI",
        field="organisation",
    )


def test_the_refusal_for_an_unverified_organisation_says_it_is_not_verified(version):
    admin = make_user()
    unverified = make_organisation(admin=admin, name="Pending Labs")
    with pytest.raises(ApplicationError) as caught:
        file_comment(version=version, author=admin, organisation=unverified)
    assert "verif" in caught.value.message
    assert "do not represent" not in caught.value.message


def test_a_duplicate_external_id_is_refused_naming_the_existing_comment(version, author):
    first = submit(version=version, author=author, external_id="row-7")
    error = refused(
        lambda: file_comment(
            version=version, author=author, external_id="row-7", body="Other text."
        ),
        f"A comment with external id 'row-7' exists: {first.reference}.",
        field="external_id",
    )
    assert error.extra == {"reference": first.reference}


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"quote": Quote("1", start=-2)}, id="negative-quote-start"),
        pytest.param({"external_id": "r" * 101}, id="external-id-over-100"),
        pytest.param({"language": "en-GB-x-long-tag"}, id="language-over-12"),
    ],
)
def test_input_beyond_the_columns_bounds_is_refused_with_a_message(version, author, fields):
    before = stored()
    with pytest.raises(ApplicationError):
        file_comment(version=version, author=author, **fields)
    assert stored() == before


def test_two_drafts_never_hand_out_the_same_reference(version, author, organisation):
    first = submit(version=version, author=author, organisation=organisation)
    try:
        other_draft = draft_services.draft_create(
            slug="second-code",
            title="Second code",
            source=markdown_source(title="Second code"),
            created_by=None,
        )
    except ApplicationError:
        return  # refusing a second draft with the same prefix is also a fix
    other = publish(other_draft.versions.get(number=1))
    second = submit(version=other, author=author, organisation=organisation)
    assert second.reference != first.reference
