"""The e-mails that follow filing, replies, moderation and dispositions, and the promise of the
issue: no comment is lost or duplicated when the receipt task fails or the broker is down; the
comment is committed first and the e-mail is sent later."""

import logging
import smtplib
from typing import Any

import pytest
from celery.exceptions import Retry
from django.db import transaction
from kombu.exceptions import OperationalError

from comments import notifications, services, tasks
from comments.models import Comment, Disposition, Reply
from haip_portal.celery import app as celery_app
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_user
from tests.comments.factories import (
    age,
    open_version,
    representative_of,
    submit,
    verified_organisation,
)
from tests.conftest import wait_until

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = f"{__name__}.FailingBackend"


class FailingBackend:
    """An SMTP server that drops the connection: every delivery raises, nothing is sent."""

    attempts = 0

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        type(self).attempts += 1
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def version(db):
    return open_version()


@pytest.fixture
def organisation(db):
    return verified_organisation(name="Kumo AI")


@pytest.fixture
def author(organisation):
    return representative_of(organisation, make_user("author@kumo.example"))


@pytest.fixture
def comment(version, author, organisation) -> Comment:
    """A comment whose receipt went out already (created outside any on-commit capture, its
    receipt is marked sent so that only the notice under test is mailed)."""
    filed = submit(version=version, author=author, organisation=organisation, line_start=4)
    Comment.objects.filter(pk=filed.pk).update(receipt_sent_at=filed.created_at)
    filed.refresh_from_db()
    return filed


def _receipt_sent_at(comment: Comment):
    return Comment.objects.get(pk=comment.pk).receipt_sent_at


# --- receipts ------------------------------------------------------------------------------


def _receipt_hooks(hooks):
    """The after-commit sends of a receipt among ``hooks`` (filing also has the comment read
    for digests)."""
    return [hook for hook in hooks if tasks.send_comment_receipt.name in hook.__qualname__]


@pytest.mark.django_db
def test_filing_sends_one_receipt_with_the_reference_and_a_copy_of_the_body(
    version, author, organisation, mailoutbox, django_capture_on_commit_callbacks
):
    body = "Line 4 should say who runs R&D <teams>.\n\nA second paragraph."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        comment = submit(
            version=version,
            author=author,
            organisation=organisation,
            line_start=4,
            body=body,
            proposed_text="An independent team documents measure 1.",
        )
    assert len(_receipt_hooks(callbacks)) == 1
    (message,) = mailoutbox
    assert message.to == ["author@kumo.example"]
    assert message.subject == "[HAIP Consultation] Comment received: HAIP-V1-000001"
    assert "Reference: HAIP-V1-000001" in message.body
    assert body in message.body  # as written: a text e-mail escapes nothing
    assert "An independent team documents measure 1." in message.body
    assert "Filed for: Kumo AI" in message.body
    assert comment.get_absolute_url() in message.body
    assert _receipt_sent_at(comment) is not None


@pytest.mark.django_db
def test_the_receipt_waits_for_the_commit(version, author, mailoutbox):
    comment = submit(version=version, author=author)  # the test's transaction never commits
    assert mailoutbox == []
    assert _receipt_sent_at(comment) is None


@pytest.mark.django_db
def test_a_refused_comment_sends_no_receipt(
    version, author, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ApplicationError),
    ):
        submit(version=version, author=author, body="  ")
    assert callbacks == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_running_the_receipt_task_twice_sends_once(
    version, author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(version=version, author=author)
    sent_at = _receipt_sent_at(comment)
    tasks.send_comment_receipt.delay(comment.pk)
    tasks.send_comment_receipt(comment.pk)
    assert len(mailoutbox) == 1
    assert _receipt_sent_at(comment) == sent_at


@pytest.mark.django_db
def test_the_beat_task_sends_receipts_that_never_went_out_once(version, author, mailoutbox):
    comment = submit(version=version, author=author)  # never committed: no receipt queued
    assert tasks.send_pending_receipts() == 0  # too recent: its own task may still be on its way
    assert mailoutbox == []
    age(comment, minutes=3)
    assert tasks.send_pending_receipts() == 1
    (message,) = mailoutbox
    assert comment.reference in message.subject
    assert _receipt_sent_at(comment) is not None
    assert tasks.send_pending_receipts() == 0
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_over_the_api_the_response_is_the_receipt(
    version, author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        comment = services.comment_submit(
            version=version,
            author=author,
            data=services.CommentInput(line_start=4, line_end=4, body="Filed by a script."),
            channel=Comment.Channel.API,
        )
    assert _receipt_hooks(hooks) == [] and mailoutbox == []
    assert _receipt_sent_at(comment) is not None  # so the catch-up task leaves it alone
    age(comment, minutes=3)
    assert tasks.send_pending_receipts() == 0
    assert mailoutbox == []


def test_the_beat_schedule_runs_the_catch_up_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["send-pending-receipts"]
    assert entry["task"] == tasks.send_pending_receipts.name
    assert entry["schedule"].total_seconds() <= 600


def test_receipt_tasks_retry_on_mail_errors():
    notice_tasks: list[Any] = [
        tasks.send_comment_receipt,
        tasks.send_reply_notice,
        tasks.send_moderation_notice,
        tasks.send_disposition_notice,
    ]
    for task in notice_tasks:
        assert smtplib.SMTPException in task.autoretry_for
        assert OSError in task.autoretry_for
        assert task.max_retries and task.max_retries >= 3


# --- failure paths -------------------------------------------------------------------------


@pytest.fixture(params=["smtp-server-down", "send-mail-raises"])
def mail_down(request, settings, monkeypatch):
    """Make mail delivery fail; returns a function that makes it work again."""
    FailingBackend.attempts = 0
    if request.param == "smtp-server-down":
        settings.EMAIL_BACKEND = FAILING

        def restore() -> None:
            settings.EMAIL_BACKEND = LOCMEM

    else:
        real_send_mail = notifications.send_mail

        def failing_send_mail(**kwargs):
            FailingBackend.attempts += 1
            raise smtplib.SMTPException("451 Temporary local problem")

        monkeypatch.setattr(notifications, "send_mail", failing_send_mail)

        def restore() -> None:
            monkeypatch.setattr(notifications, "send_mail", real_send_mail)

    return restore


@pytest.mark.django_db
def test_after_a_mail_failure_the_catch_up_task_sends_the_receipt_once(
    version, author, mailoutbox, mail_down
):
    comment = submit(version=version, author=author)
    with pytest.raises(Retry):  # the task asks to be retried (raised here: tasks run eagerly)
        tasks.send_comment_receipt.delay(comment.pk)
    assert FailingBackend.attempts == 1
    assert Comment.objects.get() == comment
    assert _receipt_sent_at(comment) is None
    assert mailoutbox == []

    age(comment, minutes=3)
    with pytest.raises(Retry):  # still down when beat runs: nothing marked
        tasks.send_pending_receipts()
    assert _receipt_sent_at(comment) is None

    mail_down()  # delivery works again
    assert tasks.send_pending_receipts() == 1
    (message,) = mailoutbox
    assert comment.reference in message.subject and comment.body in message.body
    assert _receipt_sent_at(comment) is not None
    assert tasks.send_pending_receipts() == 0
    assert len(mailoutbox) == 1
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_mail_failure_in_the_receipt_task_is_not_raised_to_the_filer(
    version, author, mailoutbox, mail_down, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        comment = submit(version=version, author=author)
    assert Comment.objects.get() == comment
    assert _receipt_sent_at(comment) is None
    assert mailoutbox == []
    assert FailingBackend.attempts >= 1
    assert "on_commit()" in caplog.text  # logged, not raised


@pytest.mark.django_db
def test_after_a_broker_outage_the_catch_up_task_sends_the_receipt_once(
    version, author, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks.send_comment_receipt, "delay", _broker_down)
    with django_capture_on_commit_callbacks() as hooks:
        comment = submit(version=version, author=author)
    (enqueue,) = _receipt_hooks(hooks)
    with pytest.raises(OperationalError):  # what the hook meets after the commit
        enqueue()
    assert Comment.objects.get() == comment
    assert _receipt_sent_at(comment) is None

    monkeypatch.undo()  # the broker is back
    age(comment, minutes=3)
    assert tasks.send_pending_receipts() == 1
    (message,) = mailoutbox
    assert comment.reference in message.subject
    assert _receipt_sent_at(comment) is not None
    assert tasks.send_pending_receipts() == 0
    assert len(mailoutbox) == 1
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_broker_outage_is_not_raised_to_the_filer(
    version, author, mailoutbox, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    monkeypatch.setattr(tasks.send_comment_receipt, "delay", _broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True) as hooks:
        comment = submit(version=version, author=author)
    assert len(_receipt_hooks(hooks)) == 1  # the enqueue was tried, after the commit
    assert comment.reference == "HAIP-V1-000001"
    assert Comment.objects.get() == comment
    assert _receipt_sent_at(comment) is None
    assert mailoutbox == []
    assert "Connection refused" in caplog.text  # logged, not raised


@pytest.mark.django_db(transaction=True)
def test_with_a_real_commit_a_broker_outage_is_not_raised_to_the_filer(
    monkeypatch, mailoutbox, caplog
):
    version = open_version()
    author = make_user()
    monkeypatch.setattr(tasks.send_comment_receipt, "delay", _broker_down)
    assert transaction.get_autocommit()
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"):
        comment = submit(version=version, author=author)  # commits, then the hook fails
    assert Comment.objects.filter(pk=comment.pk, receipt_sent_at__isnull=True).exists()
    assert "on_commit()" in caplog.text
    assert submit(version=version, author=author).number == 2
    assert mailoutbox == []


@pytest.mark.django_db(transaction=True)
def test_with_a_real_commit_a_refused_filing_leaves_nothing_behind(mailoutbox):
    """comment_submit is no longer one atomic block around a refusal: check the database."""
    version = open_version()
    person = make_user()
    with pytest.raises(ApplicationError):
        submit(version=version, author=person, body="   ")
    with pytest.raises(ApplicationError):
        submit(version=version, author=person, line_start=99)
    assert not Comment.objects.exists()
    assert not person.memberships.exists()  # no personal organisation was registered
    assert mailoutbox == []
    assert submit(version=version, author=person).reference == "HAIP-V1-000001"


@pytest.mark.django_db
def test_one_failing_notice_does_not_stop_the_others(
    version, secretariat_user, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    authors = [make_user(f"author{n}@example.org") for n in range(3)]
    chosen = [submit(version=version, author=author) for author in authors]
    real_delay = tasks.send_disposition_notice.delay

    def first_fails(comment_id):
        if comment_id == chosen[0].pk:
            _broker_down()
        return real_delay(comment_id)

    monkeypatch.setattr(tasks.send_disposition_notice, "delay", first_fails)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(
            comments=chosen, user=secretariat_user, outcome="noted", response="Noted."
        )
    assert sorted(message.to[0] for message in mailoutbox) == [
        "author1@example.org",
        "author2@example.org",
    ]


def _reply(comment: Comment, secretariat_user) -> bool:
    services.reply_create(comment=comment, author=make_user(), body="Why?")
    return Reply.objects.filter(comment=comment).count() == 1


def _hide(comment: Comment, secretariat_user) -> bool:
    services.comment_hide(comment=comment, moderator=secretariat_user, reason="Spam.")
    return Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN


def _restore(comment: Comment, secretariat_user) -> bool:
    Comment.objects.filter(pk=comment.pk).update(state=Comment.State.HIDDEN)
    services.comment_restore(comment=comment, moderator=secretariat_user, reason="Fine.")
    return Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED


def _dispose(comment: Comment, secretariat_user) -> bool:
    services.comment_dispose(
        comments=[comment], user=secretariat_user, outcome="noted", response="Noted."
    )
    return Disposition.objects.filter(comment=comment, outcome="noted").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("task", "act"),
    [
        pytest.param(tasks.send_reply_notice, _reply, id="reply"),
        pytest.param(tasks.send_moderation_notice, _hide, id="hide"),
        pytest.param(tasks.send_moderation_notice, _restore, id="restore"),
        pytest.param(tasks.send_disposition_notice, _dispose, id="dispose"),
    ],
)
def test_a_broker_outage_does_not_undo_replies_moderation_or_dispositions(
    comment,
    secretariat_user,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
    task,
    act,
):
    monkeypatch.setattr(task, "delay", _broker_down)
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        stored = act(comment, secretariat_user)  # returns, does not raise
    assert len(hooks) == 1  # the notice was tried after commit, and failed
    assert stored
    assert mailoutbox == []


# --- notices -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reply_sends_one_notice_to_the_comments_author(
    comment, mailoutbox, django_capture_on_commit_callbacks
):
    reader = make_user("reader@example.org", name="Rea Der")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(comment=comment, author=reader, body="Which team do you mean?")
    (message,) = mailoutbox
    assert message.to == ["author@kumo.example"]
    assert message.subject == "[HAIP Consultation] New reply to HAIP-V1-000001"
    assert "Rea Der replied to your comment HAIP-V1-000001" in message.body
    assert "Which team do you mean?" in message.body


@pytest.mark.django_db
def test_the_author_replying_under_their_own_comment_is_not_mailed(
    comment, author, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        services.reply_create(comment=comment, author=author, body="To be clear: the red team.")
    assert hooks == []
    assert mailoutbox == []


@pytest.mark.django_db
def test_hiding_tells_the_author_why_and_restoring_tells_them_too(
    comment, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_hide(
            comment=comment, moderator=secretariat_user, reason="Advertising for a product."
        )
    (hidden,) = mailoutbox
    assert hidden.to == ["author@kumo.example"]
    assert hidden.subject == "[HAIP Consultation] Your comment HAIP-V1-000001 was hidden"
    assert "Reason: Advertising for a product." in hidden.body
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_restore(
            comment=comment, moderator=secretariat_user, reason="The link is the standard."
        )
    assert len(mailoutbox) == 2
    restored = mailoutbox[1]
    assert restored.to == ["author@kumo.example"]
    assert restored.subject == "[HAIP Consultation] Your comment HAIP-V1-000001 was restored"
    assert "Reason: The link is the standard." in restored.body


@pytest.mark.django_db
def test_a_refused_moderation_sends_nothing(
    comment, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as hooks,
        pytest.raises(ApplicationError),
    ):
        services.comment_hide(comment=comment, moderator=make_user(), reason="Spam.")
    assert hooks == [] and mailoutbox == []


@pytest.mark.django_db
def test_a_disposition_sends_one_notice_with_the_outcome_and_response(
    comment, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(
            comments=[comment],
            user=secretariat_user,
            outcome="partially_accepted",
            response="Reworded in v2.",
        )
    (message,) = mailoutbox
    assert message.to == ["author@kumo.example"]
    assert message.subject == "[HAIP Consultation] The secretariat answered HAIP-V1-000001"
    assert "Outcome: Partially accepted" in message.body
    assert "Reworded in v2." in message.body


@pytest.mark.django_db
def test_disposing_several_comments_mails_each_author_once_per_comment(
    comment, version, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    other_author = make_user("other@example.org")
    others = [submit(version=version, author=other_author) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_dispose(
            comments=[comment, *others], user=secretariat_user, outcome="noted", response="Noted."
        )
    assert sorted((m.to[0], m.subject[-14:]) for m in mailoutbox) == [
        ("author@kumo.example", "HAIP-V1-000001"),
        ("other@example.org", "HAIP-V1-000002"),
        ("other@example.org", "HAIP-V1-000003"),
    ]


# --- a real worker (CI: REDIS_URL and PostgreSQL) ------------------------------------------


@pytest.fixture
def tasks_to_the_broker():
    """Send tasks to Redis instead of running them in the test process."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@pytest.mark.worker
def test_a_real_worker_sends_the_receipt_once(celery_worker_factory, tasks_to_the_broker):
    worker = celery_worker_factory()
    version = open_version(slug="worker-receipts")
    comment = submit(version=version, author=make_user("filer@example.org"))  # committed

    wait_until(lambda: _receipt_sent_at(comment), timeout=60, worker=worker)
    tasks.send_comment_receipt.delay(comment.pk)  # a duplicate message changes nothing
    tasks.send_pending_receipts.delay()  # nor does the catch-up task

    def succeeded(name: str) -> int:
        return sum(
            f"{name}[" in line and "succeeded" in line for line in worker.output().splitlines()
        )

    wait_until(
        lambda: (
            succeeded("comments.tasks.send_comment_receipt") == 2
            and succeeded("comments.tasks.send_pending_receipts") == 1
        ),
        timeout=30,
        worker=worker,
    )
    subject = f"Subject: [HAIP Consultation] Comment received: {comment.reference}"
    assert worker.output().count(subject) == 1  # the console mail backend of the worker
    assert Comment.objects.count() == 1


@pytest.mark.worker
def test_a_real_worker_retries_when_the_mail_server_is_down(
    celery_worker_factory, tasks_to_the_broker
):
    worker = celery_worker_factory(extra_env={"EMAIL_URL": "smtp://127.0.0.1:1"})
    version = open_version(slug="worker-mail-down")
    comment = submit(version=version, author=make_user("filer@example.org"))

    wait_until(lambda: "Retry in" in worker.output(), timeout=60, worker=worker)
    assert "comments.tasks.send_comment_receipt" in worker.output()
    assert Comment.objects.filter(pk=comment.pk, receipt_sent_at__isnull=True).count() == 1
    worker.stop()  # the retry it holds goes back to the queue ...
    celery_app.control.purge()  # ... and must not reach the next test's worker
