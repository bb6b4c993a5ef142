"""The idempotency records moved from the comments app to the API plumbing (migrations
``api/0001`` and ``comments/0008``), run on a database that holds records made before."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from comments.models import Comment
from tests.accounts.factories import make_token
from tests.comments.factories import open_version, representative_of, verified_organisation

BEFORE = [("comments", "0007_rebuild_public_digests"), ("api", None)]
COLUMNS = (
    "user_id",
    "key",
    "fingerprint",
    "state",
    "response_status",
    "response_body",
    "expires_at",
    "lease_token",
    "lease_expires_at",
)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = [(app, name) for app, name in targets if name is not None]
    return executor.loader.project_state(applied).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_records_made_before_the_move_are_kept_and_a_retry_still_gets_its_first_answer(client):
    cache.clear()  # the throttles' counters, per token id, from earlier tests
    version = open_version(slug="haip", sections=3, lines_per_section=3)
    user = representative_of(verified_organisation(name="Kumo AI"))
    _token, raw = make_token(user=user, scopes=[ApiToken.Scope.COMMENTS_WRITE])
    url = reverse("comments_api:version_comments", args=["haip", 1])
    body = json.dumps({"line_start": 2, "body": "Name the testers."}).encode()
    answered = {"reference": "HAIP-V1-000777", "body": "Name the testers."}

    apps = _migrate(BEFORE)
    with pytest.raises(LookupError):
        apps.get_model("api", "IdempotencyRecord")
    Record = apps.get_model("comments", "IdempotencyRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get(app_label="comments", model="idempotencyrecord")
    now = timezone.now()
    Record.objects.create(
        user_id=user.pk,
        key="answered-before",
        # What makes two requests the same: method, path and body.
        fingerprint=hashlib.sha256(f"POST {url}\n".encode() + body).hexdigest(),
        state="done",
        response_status=201,
        response_body=answered,
        expires_at=now + timedelta(days=7),
    )
    Record.objects.create(
        user_id=user.pk,
        key="running-before",
        fingerprint="0" * 64,
        expires_at=now + timedelta(days=7),
        lease_token="attempt-1",
        lease_expires_at=now + timedelta(minutes=2),
    )
    before = sorted(Record.objects.values_list(*COLUMNS))
    try:
        apps = _migrate(_latest())
        with pytest.raises(LookupError):
            apps.get_model("comments", "IdempotencyRecord")
        moved = apps.get_model("api", "IdempotencyRecord")
        assert sorted(moved.objects.values_list(*COLUMNS)) == before
        ContentType = apps.get_model("contenttypes", "ContentType")
        assert ContentType.objects.get(app_label="api", model="idempotencyrecord").pk == (
            content_type.pk
        )
        assert not ContentType.objects.filter(app_label="comments", model="idempotencyrecord")

        retry = client.post(
            url,
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "answered-before"},
        )
        assert retry.status_code == 201 and retry.json() == answered
        assert retry["Idempotent-Replayed"] == "true"
        assert not Comment.objects.filter(version=version).exists()  # not filed again
        running = client.post(
            url,
            b"{}",
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}", "Idempotency-Key": "running-before"},
        )
        assert running.status_code == 422  # the key of another request: refused, not run
        assert running.json()["code"] == "idempotency_key_reused"
    finally:
        _migrate(_latest())
