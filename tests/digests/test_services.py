"""Digests through their services, with tasks run in-process: asking, building, snapshots,
re-runs, failures and the matrix written after the digest (the real worker runs them in
test_worker.py)."""

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import WorkingGroup
from comments.digests import selectors, services
from comments.digests.models import Digest, DigestExport
from drafts import services as draft_services
from haip_portal.exceptions import ApplicationError
from tests.comments.consultations import SECRET
from tests.comments.factories import submit, working_group_member
from tests.conftest import login_with_two_factor
from tests.digests.factories import request_built
from tests.drafts.factories import open_version_in_languages

pytestmark = pytest.mark.django_db


def test_a_requested_digest_is_built_with_every_file(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    digest = request_built(
        secretariat_user,
        consultation["version"],
        audience="working_group",
        capture=django_capture_on_commit_callbacks,
    )
    assert (digest.comment_count, digest.progress, digest.attempts) == (8, 100, 1)
    assert digest.matrix_ready_at is not None and set(digest.timings) == {
        "read",
        "synthesis",
        "documents",
        "store",
        "matrix",
    }
    assert digest.data is not None
    assert digest.data["overview"]["comments"] == 8
    formats = set(digest.exports.values_list("format", flat=True))
    assert formats == set(DigestExport.Format.values)
    for export in digest.exports.all():
        assert export.size == export.file.size > 0
    # The working groups read the confidential comment, marked as such.
    assert digest.data["overview"]["confidential"] == 1


def test_a_public_digest_counts_confidential_comments_but_no_file_shows_them(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    digest = request_built(
        secretariat_user,
        consultation["version"],
        audience="public",
        capture=django_capture_on_commit_callbacks,
    )
    assert digest.data is not None
    assert digest.data["overview"]["confidential"] == 1
    assert SECRET not in json.dumps(digest.data)
    for export in digest.exports.all():
        content = export.file.open("rb").read()
        if export.format in ("html", "md", "json", "matrix.csv"):
            assert SECRET.encode() not in content, export.format
    matrix = digest.exports.get(format="matrix.csv").file.open("rb").read().decode()
    references = [row[0] for row in csv.reader(io.StringIO(matrix))][1:]
    assert len(references) == 7  # the public comments only


def test_only_the_secretariat_and_working_groups_ask_for_digests(consultation):
    with pytest.raises(ApplicationError, match="secretariat and working-group"):
        services.digest_request(
            user=consultation["filer"], version=consultation["version"], audience="public"
        )
    assert not Digest.objects.exists()


def test_bad_requests_name_the_problem(consultation, secretariat_user):
    version = consultation["version"]
    with pytest.raises(ApplicationError, match="no section action-99"):
        services.digest_request(
            user=secretariat_user, version=version, audience="public", section_keys=["action-99"]
        )
    with pytest.raises(ApplicationError, match="Unknown audience 'press'"):
        services.digest_request(user=secretariat_user, version=version, audience="press")
    group = WorkingGroup.objects.create(name="Safety", slug="safety", section_keys=["action-1"])
    member = working_group_member()
    with pytest.raises(ApplicationError, match="not a member of Safety"):
        services.digest_request(
            user=member, version=version, audience="working_group", working_group=group
        )
    assert not Digest.objects.exists()


def test_a_working_group_digest_covers_its_sections_and_only_its_members_read_it(
    consultation, django_capture_on_commit_callbacks, client
):
    version = consultation["version"]
    section = version.sections.get(line_start__lte=5, line_end__gte=5)
    group = WorkingGroup.objects.create(name="Safety", slug="safety", section_keys=[section.key])
    member = working_group_member()
    group.members.add(member)
    other_member = working_group_member()
    digest = request_built(
        member,
        version,
        audience="working_group",
        working_group=group,
        capture=django_capture_on_commit_callbacks,
    )
    assert digest.section_keys == [section.key]
    assert digest.comment_count == 7  # lines 5 and 6: six public, one confidential
    assert selectors.digests_visible_to(member).filter(pk=digest.pk).exists()
    for outsider in (other_member, consultation["filer"]):
        assert not selectors.digests_visible_to(outsider).filter(pk=digest.pk).exists()
        login_with_two_factor(client, outsider)
        assert client.get(digest.get_absolute_url()).status_code == 404
        download = reverse("digests:digest_download", args=[digest.pk, "pdf"])
        assert client.get(download).status_code == 404
        api = reverse("digests_api:digest_detail", args=[digest.pk])
        assert client.get(api).status_code == 404
    client.logout()
    assert client.get(digest.get_absolute_url()).status_code == 404


def test_closing_a_version_queues_a_public_and_a_working_group_digest(
    consultation, django_capture_on_commit_callbacks
):
    version = consultation["version"]
    with django_capture_on_commit_callbacks(execute=True):
        draft_services.version_close(version=version)
    digests = Digest.objects.filter(version=version).order_by("audience")
    assert [(d.audience, d.trigger, d.status) for d in digests] == [
        ("public", "version_closed", "ready"),
        ("working_group", "version_closed", "ready"),
    ]
    version.refresh_from_db()
    assert all(d.cutoff == version.closed_at for d in digests)


def test_a_digest_is_a_snapshot_at_its_cutoff(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    version = consultation["version"]
    first = request_built(
        secretariat_user, version, audience="public", capture=django_capture_on_commit_callbacks
    )
    submit(
        version=version,
        author=consultation["filer"],
        organisation=consultation["industry"],
        body="Filed after the first digest.",
    )
    second = request_built(
        secretariat_user, version, audience="public", capture=django_capture_on_commit_callbacks
    )
    first.refresh_from_db()
    assert (first.comment_count, second.comment_count) == (8, 9)
    assert list(Digest.objects.filter(version=version)) == [second, first]


def test_building_again_never_duplicates_and_a_killed_run_starts_over(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    digest = request_built(
        secretariat_user,
        consultation["version"],
        audience="public",
        capture=django_capture_on_commit_callbacks,
    )
    exports = DigestExport.objects.filter(digest=digest).count()
    assert services.digest_build(digest_id=digest.pk) is None  # ready: left alone
    # A run killed after it started: running, no data, no files. The next run completes it.
    Digest.objects.filter(pk=digest.pk).update(status="running", data=None, progress=40)
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = services.digest_build(digest_id=digest.pk)
    assert rebuilt is not None and rebuilt.status == "ready" and rebuilt.attempts == 2
    assert DigestExport.objects.filter(digest=digest).count() == exports


def test_a_run_taken_over_by_another_discards_its_result(
    consultation, secretariat_user, monkeypatch
):
    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="public"
    )
    real = services.rendering.render_documents

    def another_run_takes_over(digest_, data):
        Digest.objects.filter(pk=digest_.pk).update(attempts=digest_.attempts + 1)
        return real(digest_, data)

    monkeypatch.setattr(services.rendering, "render_documents", another_run_takes_over)
    assert services.digest_build(digest_id=digest.pk) is None
    digest.refresh_from_db()
    assert (digest.status, digest.data, digest.exports.count()) == ("running", None, 0)


def test_a_digest_that_keeps_dying_is_marked_failed(consultation, secretariat_user):
    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="public"
    )
    Digest.objects.filter(pk=digest.pk).update(status="running", attempts=services.MAX_ATTEMPTS)
    assert services.digest_build(digest_id=digest.pk) is None
    digest.refresh_from_db()
    assert digest.status == "failed" and "stopped 3 times" in digest.error


def test_a_failing_build_is_recorded_on_the_digest(
    consultation, secretariat_user, django_capture_on_commit_callbacks, monkeypatch
):
    from comments.digests import synthesis, tasks
    from comments.digests.synthesis import ExcerptMismatch

    def mismatch(*args, **kwargs):
        raise ExcerptMismatch("HAIP-1-0001", "a paraphrase")

    monkeypatch.setattr(synthesis, "synthesise", mismatch)
    # The task's failure is logged (the queueing is robust), and recorded on the digest.
    with django_capture_on_commit_callbacks(execute=True):
        services.digest_request(
            user=secretariat_user, version=consultation["version"], audience="public"
        )
    digest = Digest.objects.get()
    assert digest.status == "failed"
    assert "not in its comment" in digest.error and digest.data is None
    assert tasks.build_digest.acks_late and tasks.build_digest.reject_on_worker_lost


def test_the_matrix_is_written_after_the_digest_and_once(
    consultation, secretariat_user, django_capture_on_commit_callbacks, settings
):
    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="working_group"
    )
    services.digest_build(digest_id=digest.pk)  # its matrix task is not run here
    digest.refresh_from_db()
    assert digest.status == "ready" and digest.matrix_ready_at is None
    assert not digest.exports.filter(format__startswith="matrix.").exists()
    # Beat finds the matrix missing once the digest has been quiet for a while.
    settings.DIGEST_STALLED_AFTER_SECONDS = 0
    assert services.digests_stalled() == ([], [digest.pk])
    first = services.digest_matrix_build(digest_id=digest.pk)
    assert first is not None and first.matrix_ready_at is not None
    assert services.digest_matrix_build(digest_id=digest.pk) is None
    formats = sorted(digest.exports.values_list("format", flat=True))
    assert formats == sorted(DigestExport.Format.values)
    assert services.digests_stalled() == ([], [])


def test_a_digest_is_written_in_the_language_of_the_person_who_asked(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    with translation.override("fr"):
        digest = request_built(
            secretariat_user,
            consultation["version"],
            audience="public",
            capture=django_capture_on_commit_callbacks,
        )
    assert digest.language == "fr"
    with translation.override("en"):  # the files stay French whoever downloads them
        markdown = digest.exports.get(format="md").file.open("rb").read().decode()
    assert "## Chiffres" in markdown and "## Figures" not in markdown


def test_a_digest_asked_in_japanese_is_written_in_japanese_throughout(
    secretariat_user, stakeholder_user, django_capture_on_commit_callbacks
):
    """Its title, the sections under the headings of the draft's Japanese translation, its
    sentences and its matrix's columns; the comments' own words as they were filed, each
    counted under its language."""
    version = open_version_in_languages("ja", slug="haip-ja")
    with django_capture_on_commit_callbacks(execute=True):
        submit(version=version, author=stakeholder_user, line_start=6)
        submit(
            version=version,
            author=stakeholder_user,
            line_start=11,
            body="この行では、誰がレッドチームを運営するのかを明記すべきです。",
        )
    with translation.override("ja"):
        digest = request_built(
            secretariat_user, version, audience="public", capture=django_capture_on_commit_callbacks
        )
    markdown = digest.exports.get(format="md").file.open("rb").read().decode()
    assert markdown.startswith("# Test code 第 1 版のダイジェスト（一般公開）")
    assert "## 2\\. 導入後に、脆弱性及び悪用の事案やパターンを特定し、軽減する。" in markdown
    assert "Identify and mitigate" not in markdown  # the master's heading
    assert "コメント 2 件" in markdown or "2 件のコメント" in markdown
    assert "| 英語 | 1 |" in markdown and "| 日本語 | 1 |" in markdown
    assert digest.data is not None
    assert {row["key"]: row["count"] for row in digest.data["overview"]["by_language"]} == {
        "en": 1,
        "ja": 1,
    }
    sheet = load_workbook(digest.exports.get(format="matrix.xlsx").file.open("rb")).active
    assert sheet is not None
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "事務局の所見" in header and "Observations of the secretariat" not in header
    bodies = {row[header.index("コメント")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert "This line should name who runs the red team." in bodies  # as filed
