"""The portal's URLs, plus views that raise each of the domain's typed errors, as a page and as
an API endpoint, so tests can see how each is answered (``tests/test_errors.py``,
``tests/haip_portal/api/test_errors.py``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from haip_portal.errors import show_as_message, show_on_form
from haip_portal.exceptions import ApplicationError, Conflict, NotAllowed, NotFound
from haip_portal.urls import handler400, handler403, handler404, handler500

MESSAGE = "Only the secretariat decides this."
ERRORS: dict[str, type[Exception]] = {
    "invalid": ApplicationError,
    "not-allowed": NotAllowed,
    "not-found": NotFound,
    "conflict": Conflict,
    # Django's own, for comparison: the typed errors answer as they do.
    "django-permission-denied": PermissionDenied,
    "django-http404": Http404,
}


def refusal(kind: str) -> Exception:
    if kind == "conflict":
        return Conflict(MESSAGE, field="name", retry_after=3)
    if kind == "invalid":
        return ApplicationError(MESSAGE, field="name")
    return ERRORS[kind](MESSAGE)


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def raising(request: HttpRequest, kind: str) -> HttpResponse:
    raise refusal(kind)


def on_form(request: HttpRequest, kind: str) -> HttpResponse:
    form = NameForm(request.POST or None)
    try:
        raise refusal(kind)
    except ApplicationError as error:
        show_on_form(form, error)
    return render(request, "error.html", {"status": 422, "title": "Form", "message": form.errors})


def as_message(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        raise refusal(kind)
    except ApplicationError as error:
        show_as_message(request, error)
    else:
        messages.success(request, "Done.")
    return redirect("drafts:home")


class RaisingApiView(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request, kind: str) -> Response:
        raise refusal(kind)


urlpatterns = [
    path("raise/<str:kind>/", raising),
    path("form/<str:kind>/", on_form),
    path("message/<str:kind>/", as_message),
    path("api/v1/raise/<str:kind>/", RaisingApiView.as_view()),
    path("", include("haip_portal.urls")),
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
