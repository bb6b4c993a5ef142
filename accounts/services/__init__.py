"""Every write to organisations, memberships, working groups and API tokens; each decision is
audited. One module per area; everything is imported from here (``accounts.services``)."""

from .audit import audit_record, required_reason
from .memberships import (
    membership_approve,
    membership_reject,
    membership_request,
    membership_set_role,
)
from .organisations import (
    organisation_register,
    organisation_register_individual,
    organisation_reject,
    organisation_verify,
)
from .preferences import (
    first_steps_dismiss,
    language_set,
    notices_set,
    notices_token,
    user_for_notices_token,
)
from .tokens import (
    API_TOKEN_LAST_USED_RESOLUTION,
    API_TOKEN_MARKER,
    API_TOKEN_MAX_ACTIVE_PER_USER,
    API_TOKEN_MAX_LIFETIME,
    API_TOKEN_NAME_MAX_LENGTH,
    API_TOKEN_PREFIX_LENGTH,
    API_TOKEN_SECRET_BYTES,
    api_token_authenticate,
    api_token_check,
    api_token_create,
    api_token_revoke,
)
from .working_groups import working_group_add_member, working_group_create

__all__ = [
    "API_TOKEN_LAST_USED_RESOLUTION",
    "API_TOKEN_MARKER",
    "API_TOKEN_MAX_ACTIVE_PER_USER",
    "API_TOKEN_MAX_LIFETIME",
    "API_TOKEN_NAME_MAX_LENGTH",
    "API_TOKEN_PREFIX_LENGTH",
    "API_TOKEN_SECRET_BYTES",
    "api_token_authenticate",
    "api_token_check",
    "api_token_create",
    "api_token_revoke",
    "audit_record",
    "first_steps_dismiss",
    "language_set",
    "membership_approve",
    "membership_reject",
    "membership_request",
    "membership_set_role",
    "notices_set",
    "notices_token",
    "organisation_register",
    "organisation_register_individual",
    "organisation_reject",
    "organisation_verify",
    "required_reason",
    "user_for_notices_token",
    "working_group_add_member",
    "working_group_create",
]
