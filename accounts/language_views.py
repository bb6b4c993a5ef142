"""The language switch: Django's ``set_language`` (a POST with CSRF; the choice kept in a
cookie), and for a signed-in person the choice remembered on their account as well."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import services
from .models import User


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and user.is_authenticated and response.status_code == 302:
        services.language_set(user=user, language=language)
    return response
