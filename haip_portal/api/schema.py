"""What every endpoint documents in the OpenAPI schema besides its own fields: the error
responses, in the one error shape, and the ``Idempotency-Key`` header of writes."""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

ERROR_SCHEMA = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)

ERRORS = {
    400: ERROR_SCHEMA,
    401: ERROR_SCHEMA,
    403: ERROR_SCHEMA,
    404: ERROR_SCHEMA,
    413: ERROR_SCHEMA,
    429: ERROR_SCHEMA,
}
"""The errors any endpoint may answer."""

WRITE_ERRORS = {**ERRORS, 409: ERROR_SCHEMA, 422: ERROR_SCHEMA}
"""The errors a write may answer besides: a conflict (409) and a refusal (422)."""

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Any unique string (≤ 255 characters). A retry with the same key and body "
    "gets the first response again; the same key with another body is refused (422); while "
    "the first request runs, a retry gets 409 with Retry-After. If the first request never "
    "answered (its server process died), nothing of it was stored, and a retry "
    f"{settings.IDEMPOTENCY_LEASE_SECONDS} seconds after it was sent runs it again.",
)
