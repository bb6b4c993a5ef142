"""comment_submit: what a filed comment stores: its reference, anchor and filer, and the
organisation's facts of that day."""

from datetime import timedelta

import pytest

from accounts.models import Membership, Organisation
from comments.anchoring import Quote, content_hash
from comments.models import Comment, VersionCommentCounter
from comments.services import MAX_BODY_LENGTH
from drafts import services as draft_services
from drafts.markdown import render_markdown
from tests.accounts.factories import make_user
from tests.comments.factories import submit
from tests.comments.services.helpers import audit, file_comment
from tests.drafts.factories import publish

pytestmark = pytest.mark.django_db
Role = Membership.Role


# --- comment_submit: success -------------------------------------------------------------


def test_submit_stores_the_comment_with_its_reference_anchor_and_filer(
    version, author, organisation
):
    comment = submit(
        version=version,
        author=author,
        organisation=organisation,
        line_start=4,
        line_end=5,
        body="  Say who **runs** the red team.\n",
        kind=Comment.Kind.TECHNICAL,
        stance=Comment.Stance.AMEND,
        proposed_text=" Practice 1.1: an independent team documents measure 1. ",
        visibility=Comment.Visibility.CONFIDENTIAL,
        language="fr",
        quote=Quote("organisations document", prefix="1.1: ", suffix=" measure 1"),
        external_id="row-1",
    )
    comment.refresh_from_db()
    assert comment.reference == "HAIP-V1-000001"
    assert comment.number == 1
    assert (comment.version, comment.line_start, comment.line_end) == (version, 4, 5)
    assert comment.section.key == "action-1"
    assert (comment.quote_exact, comment.quote_prefix, comment.quote_suffix) == (
        "organisations document",
        "1.1: ",
        " measure 1",
    )
    assert comment.quote_start is None
    assert comment.body == "Say who **runs** the red team."
    assert comment.proposed_text == "Practice 1.1: an independent team documents measure 1."
    assert (comment.kind, comment.stance, comment.visibility, comment.language) == (
        "technical",
        "amend",
        "confidential",
        "fr",
    )
    assert (comment.state, comment.channel, comment.external_id) == ("published", "web", "row-1")
    assert (comment.author, comment.organisation) == (author, organisation)
    assert (comment.stakeholder_type, comment.country) == ("academic", "FR")
    assert comment.content_hash == content_hash(comment.body, comment.proposed_text)
    assert comment.edited_at is None
    assert VersionCommentCounter.objects.get(version=version).last_number == 1


def test_references_follow_in_sequence_per_version(version, author, organisation):
    references = [
        submit(version=version, author=author, organisation=organisation).reference
        for _ in range(3)
    ]
    assert references == ["HAIP-V1-000001", "HAIP-V1-000002", "HAIP-V1-000003"]
    assert list(Comment.objects.values_list("number", flat=True)) == [1, 2, 3]
    second = draft_services.version_create(draft=version.draft, created_by=None)
    publish(second)  # closes v1
    assert submit(version=second, author=author, organisation=organisation).reference == (
        "HAIP-V2-000001"
    )
    assert VersionCommentCounter.objects.get(version=version).last_number == 3
    assert VersionCommentCounter.objects.get(version=second).last_number == 1


def test_the_section_is_that_of_the_first_line(version, author, organisation):
    comment = submit(
        version=version, author=author, organisation=organisation, line_start=6, line_end=8
    )
    assert comment.section.key == "action-1"
    assert submit(version=version, author=author, line_start=1).section.key == "preamble"
    assert submit(version=version, author=author, line_start=14).section.key == "action-3"


def test_a_quote_with_its_start_offset_is_stored(version, author):
    comment = submit(version=version, author=author, line_start=4, quote=Quote("1", start=9))
    assert (comment.quote_exact, comment.quote_start) == ("1", 9)


def test_a_quote_may_span_the_lines_of_a_range(version, author):
    quote = Quote("action 1.\nPractice 1.2")
    comment = submit(version=version, author=author, line_start=4, line_end=5, quote=quote)
    assert comment.quote_exact == "action 1.\nPractice 1.2"


def test_a_prefix_chooses_between_repeated_words(version, author):
    comment = submit(
        version=version, author=author, line_start=4, quote=Quote("1", prefix="of action ")
    )
    assert (comment.quote_exact, comment.quote_prefix) == ("1", "of action ")


def test_stakeholder_type_and_country_are_those_at_submission(version, author, organisation):
    comment = submit(version=version, author=author, organisation=organisation)
    Organisation.objects.filter(pk=organisation.pk).update(
        stakeholder_type="government", country="DE"
    )
    comment.refresh_from_db()
    assert (comment.stakeholder_type, comment.country) == ("academic", "FR")
    later = submit(version=version, author=author, organisation=organisation)
    assert (later.stakeholder_type, later.country) == ("government", "DE")


def test_copies_differing_in_case_punctuation_and_spacing_share_a_content_hash(version, author):
    original = submit(version=version, author=author, body="The red team must be NAMED!")
    copy = submit(version=version, author=author, body="the red team,  must be named")
    other = submit(version=version, author=author, body="The blue team must be named.")
    assert original.content_hash == copy.content_hash
    assert original.content_hash != other.content_hash
    with_proposal = submit(
        version=version, author=author, body="The red team must be named", proposed_text="X"
    )
    assert with_proposal.content_hash != original.content_hash


def test_filing_as_oneself_creates_then_reuses_a_personal_organisation(version):
    user = make_user("ana@example.org", name="Ana Silva")
    first = submit(version=version, author=user)
    personal = first.organisation
    assert personal.stakeholder_type == Organisation.StakeholderType.INDIVIDUAL
    assert personal.status == Organisation.Status.VERIFIED
    assert personal.name == "Ana Silva"
    membership = personal.memberships.get()
    assert (membership.user, membership.role, membership.status) == (
        user,
        Role.ADMIN,
        Membership.Status.APPROVED,
    )
    assert (first.stakeholder_type, first.country) == ("individual", "")
    second = submit(version=version, author=user)
    assert second.organisation == personal
    assert Organisation.objects.filter(stakeholder_type="individual").count() == 1
    assert len(audit("organisation.register_individual")) == 1


def test_a_representative_may_still_file_as_an_individual(version, author, organisation):
    comment = submit(version=version, author=author)
    assert comment.organisation != organisation
    assert comment.organisation.stakeholder_type == "individual"


def test_the_period_boundaries_follow_the_server_clock(version, author):
    assert file_comment(version=version, author=author, now=version.opens_at).number == 1
    just_before = version.closes_at - timedelta(microseconds=1)
    assert file_comment(version=version, author=author, now=just_before).number == 2


def test_a_body_of_exactly_the_limit_is_accepted(version, author):
    body = "x" * MAX_BODY_LENGTH
    assert submit(version=version, author=author, body=f"  {body}  ").body == body
    assert submit(version=version, author=author, proposed_text=body).proposed_text == body


def test_a_duplicate_external_id_of_another_author_is_not_a_duplicate(version, author):
    submit(version=version, author=author, external_id="row-7")
    other = submit(version=version, author=make_user(), external_id="row-7")
    assert other.external_id == "row-7"


def test_html_and_script_in_a_body_are_stored_as_written_and_rendered_inert(version, author):
    body = (
        "<script>alert('x')</script> See <b>this</b> and "
        '<img src="x" onerror="alert(1)"> [link](javascript:alert(1))'
    )
    comment = submit(version=version, author=author, body=body, proposed_text="<i>new</i>")
    comment.refresh_from_db()
    assert comment.body == body
    assert comment.proposed_text == "<i>new</i>"
    rendered = render_markdown(comment.body)
    assert "<script" not in rendered
    assert "<img" not in rendered and "<b>" not in rendered
    assert 'href="javascript:' not in rendered
    assert "&lt;script&gt;" in rendered
