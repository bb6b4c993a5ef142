"""Digests through their services, pages and API, with tasks run in-process; the real worker
runs them in test_digest_worker.py."""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from accounts.models import ApiToken, WorkingGroup
from comments.digests import selectors, services
from comments.models import Comment, Digest, DigestExport
from drafts import services as draft_services
from haip_portal.exceptions import ApplicationError
from tests.accounts.factories import make_token
from tests.comments.factories import (
    representative_of,
    submit,
    verified_organisation,
    working_group_member,
)
from tests.conftest import login_with_two_factor
from tests.drafts.factories import open_version

pytestmark = pytest.mark.django_db

SECRET = "Our confidential red-team budget is forty-two million yen per model."


@pytest.fixture
def consultation():
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    industry = verified_organisation(name="Kumo AI", stakeholder_type="company", country="JP")
    civil = verified_organisation(
        name="Open Rights", stakeholder_type="civil_society", country="DE"
    )
    filer, activist = representative_of(industry), representative_of(civil)
    for n in range(6):
        submit(
            version=version,
            author=filer,
            organisation=industry,
            line_start=5,
            body=f"Red-team results should be shared with auditors, point {n} of our letter.",
            stance="amend",
            proposed_text="Share red-team results with accredited auditors.",
        )
    submit(
        version=version,
        author=activist,
        organisation=civil,
        line_start=9,
        body='=HYPERLINK("http://evil.example") Incident reports must be public within 72 hours.',
        stance="support",
    )
    submit(
        version=version,
        author=filer,
        organisation=industry,
        line_start=6,
        body=SECRET,
        visibility="confidential",
    )
    return {"version": version, "industry": industry, "civil": civil, "filer": filer}


def _built(digest: Digest) -> Digest:
    digest.refresh_from_db()
    assert digest.status == Digest.Status.READY, digest.error
    return digest


def _request(user, version, *, capture, **kwargs) -> Digest:
    with capture(execute=True):
        digest = services.digest_request(user=user, version=version, **kwargs)
    return _built(digest)


def test_a_requested_digest_is_built_with_every_file(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    digest = _request(
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
    digest = _request(
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
    digest = _request(
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
        download = reverse("comments:digest_download", args=[digest.pk, "pdf"])
        assert client.get(download).status_code == 404
        api = reverse("comments_api:digest_detail", args=[digest.pk])
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
    first = _request(
        secretariat_user, version, audience="public", capture=django_capture_on_commit_callbacks
    )
    submit(
        version=version,
        author=consultation["filer"],
        organisation=consultation["industry"],
        body="Filed after the first digest.",
    )
    second = _request(
        secretariat_user, version, audience="public", capture=django_capture_on_commit_callbacks
    )
    first.refresh_from_db()
    assert (first.comment_count, second.comment_count) == (8, 9)
    assert list(Digest.objects.filter(version=version)) == [second, first]


def test_building_again_never_duplicates_and_a_killed_run_starts_over(
    consultation, secretariat_user, django_capture_on_commit_callbacks
):
    digest = _request(
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
    from comments import synthesis, tasks
    from comments.synthesis import QuoteMismatch

    def mismatch(*args, **kwargs):
        raise QuoteMismatch("HAIP-1-0001", "a paraphrase")

    monkeypatch.setattr(synthesis, "build_digest", mismatch)
    # The task's failure is logged (the queueing is robust), and recorded on the digest.
    with django_capture_on_commit_callbacks(execute=True):
        services.digest_request(
            user=secretariat_user, version=consultation["version"], audience="public"
        )
    digest = Digest.objects.get()
    assert digest.status == "failed"
    assert "not in its comment" in digest.error and digest.data is None
    assert tasks.build_digest.acks_late and tasks.build_digest.reject_on_worker_lost


def test_digest_pages_and_files(
    consultation, secretariat_client, secretariat_user, django_capture_on_commit_callbacks
):
    version = consultation["version"]
    url = reverse("comments:version_digests", args=["haip", version.number])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(url, {"audience": "working_group"})
    digest = Digest.objects.get()
    assert response.status_code == 302 and response["Location"] == digest.get_absolute_url()
    page = secretariat_client.get(digest.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for section in version.sections.all():
        assert section.heading in html
    assert "Confidential" in html
    pdf = secretariat_client.get(reverse("comments:digest_download", args=[digest.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    missing = reverse("comments:digest_download", args=[digest.pk, "exe"])
    assert secretariat_client.get(missing).status_code == 404


def test_stakeholders_see_ready_public_digests_but_cannot_ask_for_one(
    consultation, client, secretariat_user, django_capture_on_commit_callbacks
):
    public = _request(
        secretariat_user,
        consultation["version"],
        audience="public",
        capture=django_capture_on_commit_callbacks,
    )
    private = _request(
        secretariat_user,
        consultation["version"],
        audience="working_group",
        capture=django_capture_on_commit_callbacks,
    )
    client.force_login(consultation["filer"])
    url = reverse("comments:version_digests", args=["haip", 1])
    listing = client.get(url).content.decode()
    assert public.reference in listing and private.reference not in listing
    assert "Ask for a new digest" not in listing
    assert client.post(url, {"audience": "public"}).status_code == 403
    assert client.get(public.get_absolute_url()).status_code == 200
    assert Digest.objects.count() == 2


def test_digest_pages_use_a_bounded_number_of_queries(
    consultation, secretariat_client, secretariat_user, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    for _ in range(3):
        digest = _request(
            secretariat_user,
            consultation["version"],
            audience="working_group",
            capture=django_capture_on_commit_callbacks,
        )
    with django_assert_max_num_queries(12):
        secretariat_client.get(reverse("comments:version_digests", args=["haip", 1]))
    with django_assert_max_num_queries(12):
        secretariat_client.get(digest.get_absolute_url())


# --- API ------------------------------------------------------------------------------


def test_api_asks_for_a_digest_and_polls_it(
    consultation, client, secretariat_user, django_capture_on_commit_callbacks
):
    _token, raw = make_token(
        user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ, ApiToken.Scope.DIGESTS_WRITE]
    )
    url = reverse("comments_api:version_digests", args=["haip", 1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"audience": "public", "sections": ["action-1"]},
            content_type="application/json",
            headers={"authorization": f"Bearer {raw}"},
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["sections"] == ["action-1"]
    polled = client.get(response["Location"], headers={"authorization": f"Bearer {raw}"}).json()
    assert polled["status"] == "ready" and polled["progress"] == 100
    synthesis = client.get(polled["synthesis_url"], headers={"authorization": f"Bearer {raw}"})
    assert synthesis.json()["overview"]["comments"] == polled["comments"]
    assert {f["format"] for f in polled["files"]} >= {"pdf", "docx", "matrix.xlsx"}


def test_api_refuses_digest_requests_without_the_scope_or_the_role(
    consultation, client, secretariat_user
):
    url = reverse("comments_api:version_digests", args=["haip", 1])
    _token, read_only = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ])
    response = client.post(
        url, {"audience": "public"}, content_type="application/json",
        headers={"authorization": f"Bearer {read_only}"},
    )  # fmt: skip
    assert response.status_code == 403 and "digests:write" in response.json()["message"]
    _token, filer = make_token(user=consultation["filer"], scopes=[ApiToken.Scope.DIGESTS_WRITE])
    response = client.post(
        url, {"audience": "public"}, content_type="application/json",
        headers={"authorization": f"Bearer {filer}"},
    )  # fmt: skip
    assert response.status_code == 403
    assert "secretariat and working-group" in response.json()["message"]
    _token, secretariat = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_WRITE])
    response = client.post(
        url, {"audience": "press"}, content_type="application/json",
        headers={"authorization": f"Bearer {secretariat}"},
    )  # fmt: skip
    assert response.status_code == 400 and "audience" in response.json()["errors"]
    assert not Digest.objects.exists()


# --- Live exports ---------------------------------------------------------------------


def test_the_matrix_streams_as_csv_for_the_secretariat_only(
    consultation, client, secretariat_client
):
    url = reverse("comments:matrix_download", args=["haip", 1])
    response = secretariat_client.get(url)
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + 8
    cells = [cell for row in rows for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)
    client.force_login(consultation["filer"])
    assert client.get(url).status_code == 403


def test_open_data_has_the_public_comments_only(consultation, client):
    as_csv = client.get(reverse("comments:open_data", args=["haip", 1, "csv"]))
    text = b"".join(as_csv.streaming_content).decode()
    assert len(list(csv.reader(io.StringIO(text)))) == 1 + 7
    as_json = client.get(reverse("comments:open_data", args=["haip", 1, "json"]))
    document = json.loads(b"".join(as_json.streaming_content))
    assert len(document["comments"]) == 7
    assert SECRET not in json.dumps(document)
    assert client.get(reverse("comments:open_data", args=["haip", 1, "xml"])).status_code == 404


def test_open_data_rows_follow_the_anonymous_visibility_rule(consultation):
    version = consultation["version"]
    references = {row.reference for row in selectors.open_data_rows(version)}
    visible = set(
        Comment.objects.filter(version=version, visibility="public").values_list(
            "reference", flat=True
        )
    )
    assert references == visible
    anonymous = Comment.objects.visible_to(AnonymousUser()).filter(version=version)
    assert references == set(anonymous.values_list("reference", flat=True))


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


def test_api_synthesis_exists_once_ready(consultation, client, secretariat_user):
    digest = services.digest_request(
        user=secretariat_user, version=consultation["version"], audience="public"
    )  # queued: no worker ran it
    _token, raw = make_token(user=secretariat_user, scopes=[ApiToken.Scope.DIGESTS_READ])
    auth = {"authorization": f"Bearer {raw}"}
    body = client.get(reverse("comments_api:digest_detail", args=[digest.pk]), headers=auth)
    assert body.json()["synthesis_url"] is None
    url = reverse("comments_api:digest_synthesis", args=[digest.pk])
    response = client.get(url, headers=auth)
    assert response.status_code == 404 and "is queued" in response.json()["message"]
    services.digest_build(digest_id=digest.pk)
    assert client.get(url, headers=auth).json()["overview"]["comments"] == 8
