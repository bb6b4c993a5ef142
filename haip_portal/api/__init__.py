"""The API plumbing every app's endpoints share, under ``/api/v1/``.

- ``errors``: the one error shape and the exception handler that maps every failure to it;
- ``idempotency``: safe retries (``Idempotency-Key``), with its records (``models``, the one
  table of this app, label ``api``) and the beat task that forgets old ones (``tasks``);
- ``request_body``: the request-size limits (JSON 413) and chunked bodies read whole;
- ``parsers``: the JSON parser, with a bound on nesting;
- ``throttles``: per-token limits on requests and on comments;
- ``pagination``: cursor pagination;
- ``schema``: the error responses and headers every endpoint documents in the OpenAPI schema.

Each app's ``api/`` holds only its endpoints (serializers, views, urls). This module imports
nothing: DRF loads the parser and throttle classes named in the settings while its own views
module is still being imported, so importing a module here must not import DRF's views.
"""
