"""Builders for digests in tests, through the real services."""

from comments.digests import services
from comments.digests.models import Digest


def request_built(user, version, *, capture, **kwargs) -> Digest:
    """Ask for a digest and build it (``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``, which runs the queued task); it must be ready."""
    with capture(execute=True):
        digest = services.digest_request(user=user, version=version, **kwargs)
    digest.refresh_from_db()
    assert digest.status == Digest.Status.READY, digest.error
    return digest
