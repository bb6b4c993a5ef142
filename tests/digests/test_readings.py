"""Comments are read once after they are stored or changed, and digests use and keep those
readings: filing, editing and adding a paper queue a reading; a digest reads only what is
missing or stale, stores it, and comes out the same either way."""

import pytest

from comments import services as comment_services
from comments.digests import readings, selectors
from comments.digests.models import CommentReading
from comments.digests.synthesis.reading import reading_key
from comments.models import Comment
from tests.comments.factories import submit
from tests.comments.papers import pdf_bytes, upload
from tests.digests.factories import request_built

pytestmark = pytest.mark.django_db


def _record(comment):
    (found,) = [r for _pk, r in selectors.records_to_read([comment.pk])]
    return found


def test_a_filed_comment_is_read_once_after_commit(
    consultation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(
            version=consultation["version"],
            author=consultation["filer"],
            organisation=consultation["industry"],
            body="Les évaluations doivent être publiées avant tout déploiement du modèle.",
        )
    stored = CommentReading.objects.get(comment=comment)
    assert stored.key == reading_key(_record(comment))
    assert stored.language == "fr"
    assert "évaluations" in stored.words.split("\x1f")
    assert _record(comment).reading is not None


def test_an_edit_or_a_paper_has_the_comment_read_again(
    consultation, django_capture_on_commit_callbacks
):
    version, filer = consultation["version"], consultation["filer"]
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit(version=version, author=filer, body="Audits should be yearly at least.")
    first = CommentReading.objects.get(comment=comment).key

    with django_capture_on_commit_callbacks(execute=True):
        comment_services.comment_edit(
            comment=comment,
            user=filer,
            body="Audits should be quarterly for frontier models.",
            proposed_text="",
            kind=comment.kind,
            stance=comment.stance,
        )
    edited = CommentReading.objects.get(comment=comment)
    assert edited.key != first and "quarterly" in edited.words.split("\x1f")

    with django_capture_on_commit_callbacks(execute=True):
        paper = upload("paper.pdf", pdf_bytes("Independent auditors must see the weights."))
        comment_services.attachments_add(comment=comment, user=filer, files=[paper])
    with_paper = CommentReading.objects.get(comment=comment)
    assert with_paper.key == reading_key(_record(comment)) != edited.key
    assert "auditors" in with_paper.words.split("\x1f")


def test_a_digest_reads_only_what_is_missing_or_stale_keeps_it_and_is_the_same(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    version = consultation["version"]
    comments = list(Comment.objects.filter(version=version))
    assert not CommentReading.objects.exists()  # filed without their readings being run

    first = request_built(
        secretariat_user,
        version,
        audience="working_group",
        capture=django_capture_on_commit_callbacks,
    )
    assert CommentReading.objects.count() == len(comments)  # the digest kept what it read
    times = dict(CommentReading.objects.values_list("comment_id", "read_at"))

    stale = comments[0]
    CommentReading.objects.filter(comment=stale).update(key="stale", words="nothing\x1felse")
    second = request_built(
        secretariat_user,
        version,
        audience="working_group",
        capture=django_capture_on_commit_callbacks,
    )

    assert second.data is not None and first.data is not None
    assert {**second.data, "cutoff": None} == {**first.data, "cutoff": None}  # asked later
    after = dict(CommentReading.objects.values_list("comment_id", "read_at"))
    assert [pk for pk in after if after[pk] != times[pk]] == [stale.pk]  # only it read again
    assert CommentReading.objects.get(comment=stale).key == reading_key(_record(stale))


def test_reading_a_thousand_comments_costs_the_queries_of_a_few(
    consultation, django_assert_max_num_queries
):
    version, filer = consultation["version"], consultation["filer"]
    few = [
        submit(version=version, author=filer, body=f"Point {n}: publish model cards.")
        for n in range(3)
    ]
    ids = [c.pk for c in few] + list(
        Comment.objects.filter(version=version).values_list("pk", flat=True)
    )
    with django_assert_max_num_queries(4):
        assert readings.comments_read(comment_ids=ids) == len(set(ids))
    with django_assert_max_num_queries(3):
        assert readings.comments_read(comment_ids=ids) == 0  # all current: nothing to read


def test_a_comment_gone_before_its_reading_is_skipped(consultation):
    comment = Comment.objects.filter(version=consultation["version"]).earliest("pk")
    pk = comment.pk
    comment.delete()
    assert readings.comments_read(comment_ids=[pk]) == 0
    assert not CommentReading.objects.filter(comment_id=pk).exists()
