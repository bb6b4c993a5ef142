"""How the API's authentication appears in the OpenAPI schema."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.BearerTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal API token (Account › API tokens), with scopes comments:read, "
                "comments:write, digests:read and digests:write, sent as "
                "`Authorization: Bearer <token>`."
            ),
        }
