"""The comment services against the database: each success with what it stores, each refusal
with its message and nothing stored, and the audit entry of every decision."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Membership, Organisation, User
from comments import services
from comments.anchoring import Quote, content_hash
from comments.models import (
    Comment,
    CommentRevision,
    Disposition,
    Endorsement,
    Flag,
    Reply,
    VersionCommentCounter,
)
from comments.services import MAX_BODY_LENGTH, MAX_REPLY_LENGTH, CommentInput
from drafts import services as draft_services
from drafts.markdown import render_markdown
from drafts.models import DraftVersion
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_organisation, make_user
from tests.comments.factories import (
    member_of,
    open_version,
    representative_of,
    submit,
    verified_organisation,
    working_group_member,
)
from tests.drafts.factories import make_draft, markdown_source, publish

pytestmark = pytest.mark.django_db
Role = Membership.Role
State = Comment.State
Outcome = Disposition.Outcome

# Lines of the test draft (tests.drafts.factories.markdown_source): 1–2 preamble, then each
# action is a "## N." heading line and three practices. Line 4 reads
# "Practice 1.1: organisations document measure 1 of action 1."
LINE_4 = "Practice 1.1: organisations document measure 1 of action 1."


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


def _file(
    *, version: DraftVersion, author: User, now=None, line_start: int = 4, **fields
) -> Comment:
    """comment_submit with the server clock of the caller's choosing."""
    fields.setdefault("body", "Name who runs the red team.")
    line_end = fields.pop("line_end", line_start)
    organisation = fields.pop("organisation", None)
    fields["organisation"] = organisation.slug if organisation is not None else ""
    return services.comment_submit(
        version=version,
        author=author,
        data=CommentInput(line_start=line_start, line_end=line_end, **fields),
        now=now,
    )


def _stored() -> tuple:
    """Everything a refused submission must leave as it was."""
    return (
        Comment.objects.count(),
        list(VersionCommentCounter.objects.order_by("pk").values_list("pk", "last_number")),
        Organisation.objects.count(),
        AuditEntry.objects.count(),
    )


def _refused(call, message: str, *, field: str | None = None) -> ApplicationError:
    """Run ``call``; it must raise ApplicationError containing ``message`` and store nothing."""
    before = _stored()
    with pytest.raises(ApplicationError, match=re.escape(message)) as caught:
        call()
    assert _stored() == before
    if field is not None:
        assert caught.value.field == field
    return caught.value


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


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
    assert len(_audit("organisation.register_individual")) == 1


def test_a_representative_may_still_file_as_an_individual(version, author, organisation):
    comment = submit(version=version, author=author)
    assert comment.organisation != organisation
    assert comment.organisation.stakeholder_type == "individual"


def test_the_period_boundaries_follow_the_server_clock(version, author):
    assert _file(version=version, author=author, now=version.opens_at).number == 1
    just_before = version.closes_at - timedelta(microseconds=1)
    assert _file(version=version, author=author, now=just_before).number == 2


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
        _refused(
            lambda filer=filer: _file(version=version, author=author, organisation=filer, **fields),
            message,
            field=field,
        )
    assert submit(version=version, author=author).reference == "HAIP-V1-000002"  # no gap


def test_a_version_not_yet_published_takes_no_comments(author):
    unpublished = make_draft(slug="unpublished").versions.get(number=1)
    _refused(
        lambda: _file(version=unpublished, author=author),
        "Test code v1 is draft (not published): it takes no comments.",
    )


def test_a_closed_version_takes_no_comments(version, author, organisation):
    draft_services.version_close(version=version)
    _refused(
        lambda: _file(version=version, author=author, organisation=organisation),
        "Test code v1 is closed: it takes no comments.",
    )


def test_before_the_period_opens_by_the_server_clock_comments_are_refused(version, author):
    _refused(
        lambda: _file(version=version, author=author, now=version.opens_at - timedelta(seconds=1)),
        "The comment period of Test code v1 has not opened yet.",
    )


@pytest.mark.parametrize("after", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_once_the_period_ends_by_the_server_clock_comments_are_refused(version, author, after):
    # The version is still "open" in the database: the beat task has not closed it yet.
    _refused(
        lambda: _file(version=version, author=author, now=version.closes_at + after),
        "The comment period of Test code v1 has closed.",
    )


def test_the_server_clock_is_used_when_no_time_is_given(version, author):
    DraftVersion.objects.filter(pk=version.pk).update(
        closes_at=timezone.now() - timedelta(seconds=1),
        opens_at=timezone.now() - timedelta(days=2),
    )
    _refused(lambda: _file(version=version, author=author), "has closed")


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
    _refused(
        lambda: _file(version=version, author=user, organisation=organisation),
        "You do not represent Kumo AI; file as yourself or ask its administrator to make you "
        "a representative.",
        field="organisation",
    )


@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REJECTED])
def test_filing_for_an_unverified_organisation_is_refused(version, status):
    admin = make_user()
    unverified = make_organisation(admin=admin, name="Pending Labs")
    Organisation.objects.filter(pk=unverified.pk).update(status=status)
    _refused(
        lambda: _file(version=version, author=admin, organisation=unverified),
        "Pending Labs",
        field="organisation",
    )


def test_the_organisation_is_judged_as_it_stands_not_as_the_caller_loaded_it(
    version, organisation, author
):
    stale = Organisation.objects.get(pk=organisation.pk)
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.REJECTED)
    _refused(
        lambda: _file(version=version, author=author, organisation=stale),
        "Kumo AI",
        field="organisation",
    )


def test_the_refusal_for_an_unverified_organisation_says_it_is_not_verified(version):
    admin = make_user()
    unverified = make_organisation(admin=admin, name="Pending Labs")
    with pytest.raises(ApplicationError) as caught:
        _file(version=version, author=admin, organisation=unverified)
    assert "verif" in caught.value.message
    assert "do not represent" not in caught.value.message


def test_a_duplicate_external_id_is_refused_naming_the_existing_comment(version, author):
    first = submit(version=version, author=author, external_id="row-7")
    error = _refused(
        lambda: _file(version=version, author=author, external_id="row-7", body="Other text."),
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
    before = _stored()
    with pytest.raises(ApplicationError):
        _file(version=version, author=author, **fields)
    assert _stored() == before


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


# --- comment_edit --------------------------------------------------------------------------


def _edit(comment: Comment, user: User, **changes) -> Comment:
    fields = {
        "body": "A clearer point.",
        "proposed_text": "",
        "kind": Comment.Kind.EDITORIAL,
        "stance": Comment.Stance.OPPOSE,
        **changes,
    }
    return services.comment_edit(comment=comment, user=user, **fields)


def test_each_edit_keeps_a_revision_with_the_text_it_replaced(comment, author):
    original = (comment.body, comment.proposed_text, comment.kind, comment.stance)
    _edit(comment, author, body="Second text.", proposed_text="Proposal 2.")
    edited = _edit(comment, author, body="  Third text.  ", kind="technical", stance="")
    edited.refresh_from_db()
    assert (edited.body, edited.proposed_text, edited.kind, edited.stance) == (
        "Third text.",
        "",
        "technical",
        "",
    )
    assert edited.edited_at is not None
    assert edited.content_hash == content_hash("Third text.", "")
    revisions = list(CommentRevision.objects.filter(comment=comment).order_by("pk"))
    assert [(r.body, r.proposed_text, r.kind, r.stance) for r in revisions] == [
        original,
        ("Second text.", "Proposal 2.", "editorial", "oppose"),
    ]
    assert {r.replaced_by for r in revisions} == {author}
    assert (edited.reference, edited.number, edited.line_start) == ("HAIP-V1-000001", 1, 4)


def _unchanged(comment: Comment) -> None:
    fresh = Comment.objects.get(pk=comment.pk)
    assert (fresh.body, fresh.edited_at) == (comment.body, None)
    assert not CommentRevision.objects.filter(comment=comment).exists()


def test_only_the_author_may_edit(comment, organisation, secretariat_user):
    colleague = representative_of(organisation)
    for user in (colleague, secretariat_user, make_user()):
        _refused(lambda user=user: _edit(comment, user), "Only the comment's author can edit it.")
    _unchanged(comment)


def test_no_edit_after_the_period_closes(comment, author, version):
    _refused(
        lambda: services.comment_edit(
            comment=comment,
            user=author,
            body="Late.",
            proposed_text="",
            kind="general",
            stance="",
            now=version.closes_at,
        ),
        "The comment period of Test code v1 has closed.",
    )
    draft_services.version_close(version=version)
    _refused(lambda: _edit(comment, author), "Test code v1 is closed: it takes no comments.")
    _unchanged(comment)


def test_no_edit_of_a_withdrawn_or_hidden_comment(comment, author, secretariat_user):
    services.comment_withdraw(comment=comment, user=author)
    _refused(lambda: _edit(comment, author), "HAIP-V1-000001 is withdrawn by its author.")
    hidden = submit(version=comment.version, author=author)
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Off topic.")
    _refused(lambda: _edit(hidden, author), "HAIP-V1-000002 is hidden by moderation.")
    _unchanged(comment)
    _unchanged(hidden)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "   "}, "The comment is empty."),
        ({"body": "x" * (MAX_BODY_LENGTH + 1)}, "The comment is 20,001 characters"),
        ({"kind": "rant"}, "Unknown kind 'rant'."),
        ({"stance": "meh"}, "Unknown stance 'meh'."),
    ],
)
def test_an_edit_with_bad_text_is_refused_and_keeps_no_revision(comment, author, changes, message):
    _refused(lambda: _edit(comment, author, **changes), message)
    _unchanged(comment)


# --- comment_withdraw ----------------------------------------------------------------------


def test_the_author_withdraws_once_with_an_audit_entry(comment, author):
    withdrawn = services.comment_withdraw(comment=comment, user=author)
    assert withdrawn.state == State.WITHDRAWN
    assert Comment.objects.get(pk=comment.pk).state == State.WITHDRAWN
    again = services.comment_withdraw(comment=comment, user=author)  # idempotent
    assert again.state == State.WITHDRAWN
    (entry,) = _audit("comment.withdraw")
    assert (entry.actor, entry.target_type, entry.target_id, entry.target_label) == (
        author,
        "comments.comment",
        str(comment.pk),
        "HAIP-V1-000001",
    )
    assert Comment.objects.count() == 1  # withdrawn, never deleted


def test_only_the_author_may_withdraw(comment, organisation, secretariat_user):
    for user in (representative_of(organisation), secretariat_user):
        _refused(
            lambda user=user: services.comment_withdraw(comment=comment, user=user),
            "Only the comment's author can withdraw it.",
        )
    assert Comment.objects.get(pk=comment.pk).state == State.PUBLISHED


# --- reply_create --------------------------------------------------------------------------


def test_replies_thread_under_a_comment_and_under_each_other(comment, author):
    reader = make_user()
    top = services.reply_create(comment=comment, author=reader, body="  Why line 4?  ")
    answer = services.reply_create(comment=comment, author=author, body="Because.", parent=top)
    assert (top.comment, top.parent, top.author, top.body) == (comment, None, reader, "Why line 4?")
    assert (answer.comment, answer.parent) == (comment, top)
    assert list(top.children.all()) == [answer]
    assert list(comment.replies.order_by("pk")) == [top, answer]


def test_a_parent_from_another_comment_is_refused(version, comment, author):
    other = submit(version=version, author=author)
    elsewhere = services.reply_create(comment=other, author=author, body="Elsewhere.")
    replies = Reply.objects.count()
    _refused(
        lambda: services.reply_create(
            comment=comment, author=author, body="Misplaced.", parent=elsewhere
        ),
        "That reply belongs to another comment.",
        field="parent",
    )
    assert Reply.objects.count() == replies


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_REPLY_LENGTH + 1)])
def test_a_reply_needs_some_text_within_the_limit(comment, body):
    _refused(
        lambda: services.reply_create(comment=comment, author=make_user(), body=body),
        "A reply needs 1 to 10,000 characters.",
        field="body",
    )
    assert not Reply.objects.exists()


def test_one_cannot_reply_to_a_confidential_comment_of_another_organisation(
    version, author, organisation, secretariat_user
):
    confidential = submit(
        version=version, author=author, organisation=organisation, visibility="confidential"
    )
    outsider = representative_of(verified_organisation())
    _refused(
        lambda: services.reply_create(comment=confidential, author=outsider, body="Hm."),
        "No such comment.",
    )
    assert not Reply.objects.exists()
    colleague = member_of(organisation)
    for reader in (colleague, secretariat_user, working_group_member()):
        services.reply_create(comment=confidential, author=reader, body="Seen.")
    assert Reply.objects.count() == 3


def test_a_hidden_or_withdrawn_comment_takes_no_replies(
    version, author, organisation, secretariat_user
):
    hidden = submit(version=version, author=author, organisation=organisation)
    services.comment_hide(comment=hidden, moderator=secretariat_user, reason="Spam.")
    hidden.refresh_from_db()
    outsider = make_user()
    _refused(
        lambda: services.reply_create(comment=hidden, author=outsider, body="Hm."),
        "No such comment.",
    )
    _refused(
        lambda: services.reply_create(comment=hidden, author=secretariat_user, body="Hm."),
        "HAIP-V1-000001 takes no replies.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=version, author=author, organisation=organisation), user=author
    )
    _refused(
        lambda: services.reply_create(comment=withdrawn, author=author, body="Hm."),
        "HAIP-V1-000002 takes no replies.",
    )
    assert not Reply.objects.exists()


# --- endorsement_create --------------------------------------------------------------------


def test_a_representative_of_another_verified_organisation_endorses(comment):
    other = verified_organisation(name="Other Org")
    representative = representative_of(other)
    endorsement = services.endorsement_create(
        comment=comment, user=representative, organisation=other
    )
    assert (endorsement.comment, endorsement.organisation, endorsement.endorsed_by) == (
        comment,
        other,
        representative,
    )


def test_an_organisation_does_not_endorse_its_own_comment(comment, organisation):
    colleague = representative_of(organisation)
    _refused(
        lambda: services.endorsement_create(
            comment=comment, user=colleague, organisation=organisation
        ),
        "Kumo AI filed this comment already.",
    )
    assert not Endorsement.objects.exists()


def test_an_organisation_endorses_a_comment_only_once(comment):
    other = verified_organisation(name="Other Org")
    first, second = representative_of(other), representative_of(other)
    services.endorsement_create(comment=comment, user=first, organisation=other)
    _refused(
        lambda: services.endorsement_create(comment=comment, user=second, organisation=other),
        "Other Org has already endorsed HAIP-V1-000001.",
    )
    assert Endorsement.objects.count() == 1


def test_confidential_hidden_and_withdrawn_comments_cannot_be_endorsed(
    version, author, organisation, secretariat_user
):
    other = verified_organisation(name="Other Org")
    representative = representative_of(other)
    confidential = submit(
        version=version, author=author, organisation=organisation, visibility="confidential"
    )
    hidden = services.comment_hide(
        comment=submit(version=version, author=author, organisation=organisation),
        moderator=secretariat_user,
        reason="Spam.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=version, author=author, organisation=organisation), user=author
    )
    for target in (confidential, hidden, withdrawn):
        _refused(
            lambda target=target: services.endorsement_create(
                comment=target, user=representative, organisation=other
            ),
            "Only published public comments can be endorsed.",
        )
    assert not Endorsement.objects.exists()


def test_only_a_representative_of_a_verified_organisation_endorses(comment):
    other = verified_organisation(name="Other Org")
    member = member_of(other)
    _refused(
        lambda: services.endorsement_create(comment=comment, user=member, organisation=other),
        "You do not represent Other Org;",
        field="organisation",
    )
    admin = make_user()
    pending = make_organisation(admin=admin, name="Pending Labs")
    _refused(
        lambda: services.endorsement_create(comment=comment, user=admin, organisation=pending),
        "Pending Labs",
        field="organisation",
    )
    assert not Endorsement.objects.exists()


# --- flag_create ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_a_flag_needs_a_reason(comment, reason):
    _refused(
        lambda: services.flag_create(comment=comment, user=make_user(), reason=reason),
        "Say why the comment should be reviewed.",
        field="reason",
    )
    assert not Flag.objects.exists()


def test_a_user_flags_a_comment_once_while_the_flag_is_open(comment, secretariat_user):
    reader = make_user()
    flag = services.flag_create(comment=comment, user=reader, reason="  Spam.  ")
    assert (flag.comment, flag.flagged_by, flag.reason, flag.resolved_at) == (
        comment,
        reader,
        "Spam.",
        None,
    )
    _refused(
        lambda: services.flag_create(comment=comment, user=reader, reason="Again."),
        "You have already flagged this comment.",
    )
    services.flag_create(comment=comment, user=make_user(), reason="Also spam.")
    assert Flag.objects.filter(resolved_at__isnull=True).count() == 2
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    services.comment_restore(comment=comment, moderator=secretariat_user, reason="Not spam.")
    again = services.flag_create(comment=comment, user=reader, reason="Still spam.")
    assert again.pk != flag.pk
    assert Flag.objects.filter(comment=comment, flagged_by=reader).count() == 2


# --- comment_hide / comment_restore --------------------------------------------------------


def test_the_secretariat_hides_with_a_reason_resolving_open_flags(comment, secretariat_user):
    flags = [
        services.flag_create(comment=comment, user=make_user(), reason="Spam.") for _ in range(2)
    ]
    hidden = services.comment_hide(
        comment=comment, moderator=secretariat_user, reason="  Advertising.  "
    )
    hidden.refresh_from_db()
    assert (hidden.state, hidden.state_reason) == (State.HIDDEN, "Advertising.")
    for flag in flags:
        flag.refresh_from_db()
        assert flag.resolved_at is not None and flag.resolved_by == secretariat_user
    (entry,) = _audit("comment.hide")
    assert (entry.actor, entry.target_id, entry.reason) == (
        secretariat_user,
        str(comment.pk),
        "Advertising.",
    )


def test_the_secretariat_restores_a_hidden_comment_with_a_reason(comment, secretariat_user):
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Advertising.")
    late_flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    restored = services.comment_restore(
        comment=comment, moderator=secretariat_user, reason="The link is the standard."
    )
    restored.refresh_from_db()
    assert (restored.state, restored.state_reason) == (State.PUBLISHED, "The link is the standard.")
    late_flag.refresh_from_db()
    assert late_flag.resolved_by == secretariat_user
    (entry,) = _audit("comment.restore")
    assert (entry.actor, entry.reason) == (secretariat_user, "The link is the standard.")


@pytest.mark.parametrize("action", [services.comment_hide, services.comment_restore])
def test_only_the_secretariat_moderates(comment, author, organisation, secretariat_user, action):
    if action is services.comment_restore:
        services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    state = Comment.objects.get(pk=comment.pk).state
    admin = organisation.memberships.get(role=Role.ADMIN).user
    for user in (author, admin, make_user(), working_group_member()):
        _refused(
            lambda user=user: action(comment=comment, moderator=user, reason="Because."),
            "Only the secretariat moderates comments.",
        )
    assert Comment.objects.get(pk=comment.pk).state == state


@pytest.mark.parametrize("action", [services.comment_hide, services.comment_restore])
@pytest.mark.parametrize("reason", ["", "   "])
def test_moderation_needs_a_reason(comment, secretariat_user, action, reason):
    if action is services.comment_restore:
        services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    flag = services.flag_create(comment=comment, user=make_user(), reason="Spam.")
    _refused(
        lambda: action(comment=comment, moderator=secretariat_user, reason=reason),
        "Give the reason; the author is told.",
        field="reason",
    )
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_moderation_moves_only_between_published_and_hidden(comment, author, secretariat_user):
    _refused(
        lambda: services.comment_restore(comment=comment, moderator=secretariat_user, reason="R"),
        "HAIP-V1-000001 is published.",
    )
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    _refused(
        lambda: services.comment_hide(comment=comment, moderator=secretariat_user, reason="R"),
        "HAIP-V1-000001 is hidden by moderation.",
    )
    withdrawn = services.comment_withdraw(
        comment=submit(version=comment.version, author=author), user=author
    )
    for action in (services.comment_hide, services.comment_restore):
        _refused(
            lambda action=action: action(comment=withdrawn, moderator=secretariat_user, reason="R"),
            "HAIP-V1-000002 is withdrawn by its author.",
        )
    assert Comment.objects.get(pk=withdrawn.pk).state == State.WITHDRAWN


# --- comment_dispose -----------------------------------------------------------------------


def test_the_secretariat_disposes_one_comment(comment, version, secretariat_user):
    before = timezone.now()
    (disposition,) = services.comment_dispose(
        comments=[comment],
        user=secretariat_user,
        outcome=Outcome.PARTIALLY_ACCEPTED,
        response="  Reworded in v2.  ",
        addressed_in=version,
    )
    disposition = Disposition.objects.get(comment=comment)
    assert (disposition.outcome, disposition.response, disposition.decided_by) == (
        "partially_accepted",
        "Reworded in v2.",
        secretariat_user,
    )
    assert disposition.addressed_in == version
    assert disposition.decided_at >= before
    (entry,) = _audit("comment.dispose")
    assert (entry.actor, entry.target_id, entry.data) == (
        secretariat_user,
        str(comment.pk),
        {"outcome": "partially_accepted"},
    )


def test_the_secretariat_disposes_several_comments_at_once(version, author, secretariat_user):
    chosen = [submit(version=version, author=author) for _ in range(3)]
    untouched = submit(version=version, author=author)
    dispositions = services.comment_dispose(
        comments=Comment.objects.filter(pk__in=[c.pk for c in chosen]),
        user=secretariat_user,
        outcome=Outcome.NOTED,
        response="Noted for the next revision.",
    )
    assert {d.comment_id for d in dispositions} == {c.pk for c in chosen}
    assert Disposition.objects.count() == 3
    assert not Disposition.objects.filter(comment=untouched).exists()
    assert set(Disposition.objects.values_list("outcome", "response")) == {
        ("noted", "Noted for the next revision.")
    }
    assert sorted(e.target_id for e in _audit("comment.dispose")) == sorted(
        str(c.pk) for c in chosen
    )


def test_disposing_again_updates_the_one_disposition(comment, secretariat_user):
    services.comment_dispose(
        comments=[comment], user=secretariat_user, outcome="rejected", response="Out of scope."
    )
    services.comment_dispose(
        comments=[comment], user=secretariat_user, outcome="accepted", response="On reflection."
    )
    disposition = Disposition.objects.get()
    assert (disposition.comment, disposition.outcome, disposition.response) == (
        comment,
        "accepted",
        "On reflection.",
    )
    assert [e.data["outcome"] for e in _audit("comment.dispose")] == ["rejected", "accepted"]


def test_only_the_secretariat_disposes(comment, author, organisation):
    admin = organisation.memberships.get(role=Role.ADMIN).user
    for user in (author, admin, working_group_member(), make_user()):
        _refused(
            lambda user=user: services.comment_dispose(
                comments=[comment], user=user, outcome="accepted", response="Yes."
            ),
            "Only the secretariat disposes comments.",
        )
    assert not Disposition.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message", "field"),
    [
        ({"outcome": "maybe"}, "Unknown outcome 'maybe'.", "outcome"),
        ({"outcome": ""}, "Unknown outcome ''.", "outcome"),
        ({"response": ""}, "Write the response the commenters will read.", "response"),
        ({"response": " \n "}, "Write the response the commenters will read.", "response"),
        ({"comments": []}, "Choose at least one comment.", "comments"),
    ],
)
def test_a_disposition_needs_an_outcome_a_response_and_comments(
    comment, secretariat_user, arguments, message, field
):
    call = {"comments": [comment], "outcome": "accepted", "response": "Done.", **arguments}
    _refused(lambda: services.comment_dispose(user=secretariat_user, **call), message, field=field)
    assert not Disposition.objects.exists()
