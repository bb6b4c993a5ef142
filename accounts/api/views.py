"""API endpoints of the accounts app."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haip_portal.api.schema import ERROR_SCHEMA

from ..models import ApiToken
from . import schema  # noqa: F401 - registers the Bearer scheme with the schema generator
from .serializers import MeOutputSerializer


class MeView(APIView):
    """Who the API sees: the user, and the token's scopes and expiry when a token was used.

    API clients call it to check their token; it needs no particular scope.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: MeOutputSerializer, 401: ERROR_SCHEMA, 403: ERROR_SCHEMA})
    def get(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        user = request.user
        data = {
            "email": user.email,  # type: ignore[union-attr]
            "name": user.name,  # type: ignore[union-attr]
            "authenticated_by": "token" if token else "session",
            "scopes": token.scopes if token else None,
            "token_name": token.name if token else None,
            "token_expires_at": token.expires_at if token else None,
        }
        return Response(MeOutputSerializer(data).data)
