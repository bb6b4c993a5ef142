import pytest

from tests.comments.consultations import consultation_with_comments


@pytest.fixture
def consultation(db):
    """See :func:`tests.comments.consultations.consultation_with_comments`."""
    return consultation_with_comments()
